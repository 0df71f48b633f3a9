package graph_test

import (
	"strings"
	"testing"
	"time"
)

func TestProxyVolunteerFromRegistrationToTakeover(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	loc, _ := time.LoadLocation("Europe/Berlin")
	start := time.Now().In(loc).Add(72 * time.Hour).Truncate(time.Hour)
	shift := f.addShift(t, a, start, 2*time.Hour, 5)
	f.publish(t, a)
	other := newFixture(t, a, nil)
	coord := a.As(f.coordinator.AccessToken)
	vol := a.volunteers(t, 1)[0]

	const register = `mutation($in: RegisterProxyVolunteerInput!) { registerProxyVolunteer(input: $in) { user { id displayName } takeoverCode } }`
	in := func(phone, method string) map[string]any {
		return map[string]any{"in": map[string]any{"organisationId": f.orgID, "displayName": "Erna Ohnehandy", "phone": phone,
			"consentMethod": method, "consentNote": "in der Sprechstunde"}}
	}
	users := func() int {
		d, err := a.store.Dump(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return len(d["users"])
	}
	before := users()
	coord.Do(t, register, in("call me", "IN_PERSON")).Fails(t, "BAD_USER_INPUT", "input.phone")
	coord.Do(t, register, in("+49 30 1234567", "APP")).Fails(t, "BAD_USER_INPUT", "input.consentMethod")
	a.As(vol).Do(t, register, in("+49 30 1234567", "IN_PERSON")).Fails(t, "FORBIDDEN", "")
	if users() != before {
		t.Fatal("a refused registration created an account")
	}
	var reg struct {
		RegisterProxyVolunteer struct {
			User         struct{ ID, DisplayName string }
			TakeoverCode string
		}
	}
	coord.Do(t, register, in("+49 30 1234567", "PHONE")).OK(t, &reg)
	erna := reg.RegisterProxyVolunteer.User.ID
	if erna == "" || len(reg.RegisterProxyVolunteer.TakeoverCode) != 14 {
		t.Fatalf("registration = %+v", reg.RegisterProxyVolunteer)
	}
	prefs, err := a.services.Notify.Preferences(t.Context(), erna)
	if err != nil || prefs.Email {
		t.Fatalf("a person without e-mail gets e-mails: %+v %v", prefs, err)
	}

	// Registered, not yet signed up: the organisation already deals with the person.
	coord.Do(t, `query($o: ID!, $u: ID!) { volunteerContact(organisationId: $o, userId: $u, reason: "welcome call after registration") { phone } }`,
		map[string]any{"o": f.orgID, "u": erna}).OK(t, nil)
	a.As(other.coordinator.AccessToken).Do(t, `query($o: ID!, $u: ID!) { volunteerContact(organisationId: $o, userId: $u, reason: "welcome call after registration") { phone } }`,
		map[string]any{"o": other.orgID, "u": erna}).Fails(t, "NOT_FOUND", "userId")

	// Signing up on their behalf: this organisation's staff, for its own shifts.
	const signUp = `mutation($s: ID!, $u: ID!) { signUpProxyVolunteer(shiftId: $s, userId: $u) { signup { id status } } }`
	a.As(other.coordinator.AccessToken).Do(t, signUp, map[string]any{"s": shift, "u": erna}).Fails(t, "FORBIDDEN", "")
	var volMe struct{ Me struct{ ID string } }
	a.As(vol).Do(t, `{ me { id } }`, nil).OK(t, &volMe)
	coord.Do(t, signUp, map[string]any{"s": shift, "u": volMe.Me.ID}).Fails(t, "NOT_FOUND", "userId")
	var su struct {
		SignUpProxyVolunteer struct{ Signup struct{ ID, Status string } }
	}
	coord.Do(t, signUp, map[string]any{"s": shift, "u": erna}).OK(t, &su)
	if su.SignUpProxyVolunteer.Signup.Status != "CONFIRMED" {
		t.Fatalf("proxy signup = %+v", su.SignUpProxyVolunteer)
	}

	// The call list of the shift's day, also as CSV, and the phone with a reason.
	date := start.Format("2006-01-02")
	var calls struct {
		CallList []struct {
			UserID, DisplayName, Phone string
			Shift                      struct{ ID string }
		}
		CallListCsv string
	}
	coord.Do(t, `query($o: ID!, $d: String!) { callList(organisationId: $o, date: $d) { userId displayName phone shift { id } } callListCsv(organisationId: $o, date: $d) }`,
		map[string]any{"o": f.orgID, "d": date}).OK(t, &calls)
	if len(calls.CallList) != 1 || calls.CallList[0].Phone != "+49 30 1234567" || calls.CallList[0].Shift.ID != shift {
		t.Fatalf("call list = %+v", calls.CallList)
	}
	if !strings.HasPrefix(calls.CallListCsv, "name;phone;start;end;shiftId\n") || !strings.Contains(calls.CallListCsv, "Erna Ohnehandy;+49 30 1234567;") {
		t.Fatalf("csv = %q", calls.CallListCsv)
	}
	coord.Do(t, `query($o: ID!) { callList(organisationId: $o, date: "22.11.2026") { phone } }`, map[string]any{"o": f.orgID}).Fails(t, "BAD_USER_INPUT", "date")
	a.As(vol).Do(t, `query($o: ID!) { callList(organisationId: $o, date: "2026-11-22") { phone } }`, map[string]any{"o": f.orgID}).Fails(t, "FORBIDDEN", "")
	var contact struct{ VolunteerContact struct{ Phone *string } }
	coord.Do(t, `query($o: ID!, $u: ID!) { volunteerContact(organisationId: $o, userId: $u, reason: "reminder call for Saturday") { phone } }`,
		map[string]any{"o": f.orgID, "u": erna}).OK(t, &contact)
	if contact.VolunteerContact.Phone == nil {
		t.Fatal("staff do not see the phone number")
	}
	var log struct {
		AuditLog struct {
			Edges []struct{ Node struct{ Action string } }
		}
	}
	coord.Do(t, `query($o: ID!) { auditLog(organisationId: $o) { edges { node { action } } } }`, map[string]any{"o": f.orgID}).OK(t, &log)
	var actions []string
	for _, e := range log.AuditLog.Edges {
		actions = append(actions, e.Node.Action)
	}
	if got := strings.Join(actions, ","); got != "CONTACT_VIEWED,CALL_LIST_EXPORTED,CALL_LIST_EXPORTED,CONTACT_VIEWED,PROXY_REGISTERED" {
		t.Fatalf("audit log = %s", got)
	}

	// The person takes the account over.
	const takeOver = `mutation($in: TakeOverAccountInput!) { takeOverAccount(input: $in) { accessToken user { id email } } }`
	a.Do(t, takeOver, map[string]any{"in": map[string]any{"code": "AAAA-BBBB-CCCC", "email": "erna@example.org", "password": testPassword}}).Fails(t, "BAD_USER_INPUT", "input.code")
	code := strings.ToLower(reg.RegisterProxyVolunteer.TakeoverCode)
	a.Do(t, takeOver, map[string]any{"in": map[string]any{"code": code, "email": "erna@example.org", "password": "short"}}).Fails(t, "BAD_USER_INPUT", "input.password")
	var took struct {
		TakeOverAccount struct {
			AccessToken string
			User        struct {
				ID    string
				Email *string
			}
		}
	}
	a.Do(t, takeOver, map[string]any{"in": map[string]any{"code": code, "email": "erna@example.org", "password": testPassword}}).OK(t, &took)
	if took.TakeOverAccount.User.ID != erna || took.TakeOverAccount.User.Email == nil || *took.TakeOverAccount.User.Email != "erna@example.org" {
		t.Fatalf("takeover = %+v", took.TakeOverAccount)
	}
	a.Do(t, takeOver, map[string]any{"in": map[string]any{"code": code, "email": "erna2@example.org", "password": testPassword}}).Fails(t, "BAD_USER_INPUT", "input.code")
	var mine struct {
		MySignups struct{ TotalCount int }
	}
	a.As(took.TakeOverAccount.AccessToken).Do(t, `{ mySignups { totalCount } }`, nil).OK(t, &mine)
	if mine.MySignups.TotalCount != 1 {
		t.Fatalf("the taken-over account has %d signups, want 1", mine.MySignups.TotalCount)
	}
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "erna@example.org", "password": testPassword}}).OK(t, nil)
	coord.Do(t, `query($o: ID!, $d: String!) { callList(organisationId: $o, date: $d) { phone } }`, map[string]any{"o": f.orgID, "d": date}).OK(t, &calls)
	if len(calls.CallList) != 0 {
		t.Fatal("after the takeover the person is still on the call list")
	}
}

func TestMinorsAndMinimumAges(t *testing.T) {
	a := newAPI(t)
	adultsOnly := newFixture(t, a, map[string]any{"minimumAge": 18})
	bar := adultsOnly.addShift(t, a, time.Now().Add(72*time.Hour), time.Hour, 5)
	adultsOnly.publish(t, a)
	open := newFixture(t, a, nil)
	reading := open.addShift(t, a, time.Now().Add(72*time.Hour), time.Hour, 5)
	open.publish(t, a)
	a.As(adultsOnly.coordinator.AccessToken).Do(t, `mutation($id: ID!) { updateOpportunity(id: $id, input: {minimumAge: -1}) { opportunity { id } } }`,
		map[string]any{"id": adultsOnly.oppID}).Fails(t, "BAD_USER_INPUT", "input.minimumAge")
	var opp struct{ Opportunity struct{ MinimumAge int } }
	a.Do(t, `query($id: ID!) { opportunity(id: $id) { minimumAge } }`, map[string]any{"id": adultsOnly.oppID}).OK(t, &opp)
	if opp.Opportunity.MinimumAge != 18 {
		t.Fatalf("minimumAge = %d", opp.Opportunity.MinimumAge)
	}

	vols := a.volunteers(t, 2)
	adult, minor := a.As(vols[0]), a.As(vols[1])
	year := time.Now().Year()
	profile := `mutation($y: Int) { updateVolunteerProfile(input: {birthYear: $y}) { id } }`

	e := adult.Do(t, signUpMutation, map[string]any{"shift": bar}).Fails(t, "FORBIDDEN", "")
	if !strings.Contains(e.Message, "year of birth") {
		t.Fatalf("message %q does not say what is missing", e.Message)
	}
	adult.Do(t, profile, map[string]any{"y": 1800}).Fails(t, "BAD_USER_INPUT", "input.birthYear")
	adult.Do(t, profile, map[string]any{"y": year - 30}).OK(t, nil)
	adult.Do(t, signUpMutation, map[string]any{"shift": bar}).OK(t, nil)

	minor.Do(t, profile, map[string]any{"y": year - 14}).OK(t, nil)
	e = minor.Do(t, signUpMutation, map[string]any{"shift": bar}).Fails(t, "FORBIDDEN", "")
	if !strings.Contains(e.Message, "minimum age of 18") {
		t.Fatalf("message %q", e.Message)
	}
	minor.Do(t, signUpMutation, map[string]any{"shift": reading}).Fails(t, "FORBIDDEN", "")

	var me struct{ Me struct{ ID string } }
	minor.Do(t, `{ me { id } }`, nil).OK(t, &me)
	const parental = `mutation($in: ParentalConsentInput!) { recordParentalConsent(input: $in) { consent { purpose granted } } }`
	consentIn := func(method string) map[string]any {
		return map[string]any{"in": map[string]any{"organisationId": open.orgID, "userId": me.Me.ID, "granted": true, "method": method, "note": "Mutter, telefonisch"}}
	}
	minor.Do(t, parental, consentIn("PHONE")).Fails(t, "FORBIDDEN", "")
	a.As(open.coordinator.AccessToken).Do(t, parental, consentIn("APP")).Fails(t, "BAD_USER_INPUT", "input.method")
	a.As(open.coordinator.AccessToken).Do(t, parental, consentIn("PHONE")).OK(t, nil)
	minor.Do(t, signUpMutation, map[string]any{"shift": reading}).OK(t, nil)
	// The consent was taken by one organisation, for its tasks: it opens no other's.
	elsewhere := newFixture(t, a, nil)
	other := elsewhere.addShift(t, a, time.Now().Add(96*time.Hour), time.Hour, 5)
	elsewhere.publish(t, a)
	minor.Do(t, signUpMutation, map[string]any{"shift": other}).Fails(t, "FORBIDDEN", "")
	// The parent's consent does not lift a legal minimum age.
	minor.Do(t, signUpMutation, map[string]any{"shift": bar}).Fails(t, "FORBIDDEN", "")
	var consents struct {
		MyConsents struct {
			History []struct {
				Purpose         string
				RecordedByStaff bool
				Method          string
			}
		}
	}
	minor.Do(t, `{ myConsents { history { purpose recordedByStaff method } } }`, nil).OK(t, &consents)
	if h := consents.MyConsents.History; len(h) != 1 || h[0].Purpose != "PARENTAL" || !h[0].RecordedByStaff || h[0].Method != "PHONE" {
		t.Fatalf("history = %+v", h)
	}
}
