package graph_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/graph"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/privacy"
)

// person is a volunteer with data in every collection the foundation writes.
type person struct {
	s       session
	email   string
	name    string
	orgID   string // an organisation they run (with the coordinator as second admin)
	shiftA  string // capacity 1: they hold the place, someone waits behind them
	waiting string // the token of the one waiting
}

func newPerson(t *testing.T, a *api, f fixture) person {
	t.Helper()
	p := person{email: fmt.Sprintf("ada.lovelace.%d@example.org", time.Now().UnixNano()), name: "Ada Zyxwort"}
	p.s = a.register(t, p.email, p.name)
	as := a.As(p.s.AccessToken)
	coord := a.As(f.coordinator.AccessToken)
	start := time.Now().Add(48 * time.Hour)
	p.shiftA = f.addShift(t, a, start, 2*time.Hour, 1)
	shiftB := f.addShift(t, a, start.Add(24*time.Hour), 2*time.Hour, 3)
	shiftC := f.addShift(t, a, start.Add(48*time.Hour), 2*time.Hour, 3)
	f.publish(t, a)

	as.Do(t, `mutation { updateVolunteerProfile(input: {skills: ["kochen"], languages: ["de"], contactable: true, postalCode: "10115"}) { id } }`, nil).OK(t, nil)
	as.Do(t, `mutation { giveConsent(purpose: TERMS, version: 1) { consent { granted } } }`, nil).OK(t, nil)
	as.Do(t, signUpMutation, map[string]any{"shift": p.shiftA}).OK(t, nil)
	as.Do(t, `mutation($s: ID!) { signUp(shiftId: $s, idempotencyKey: "key-of-ada-1") { signup { id } } }`, map[string]any{"s": shiftB}).OK(t, nil)
	// The harness serves no calendar; the feed token is made by the service itself.
	cal := calendar.NewService(a.store.CalendarFeeds(), a.services.Signups, a.services.Opportunities, a.log)
	if _, err := cal.Create(t.Context(), auth.Actor{UserID: p.s.User.ID}); err != nil {
		t.Fatal(err)
	}
	as.Do(t, `mutation { updateNotificationPreferences(input: {email: false}) { email } }`, nil).OK(t, nil)
	p.waiting = a.volunteers(t, 1)[0]
	a.As(p.waiting).Do(t, signUpMutation, map[string]any{"shift": p.shiftA}).OK(t, nil)
	coord.Do(t, `mutation($s: ID!, $v: ID!) { inviteVolunteer(shiftId: $s, volunteerId: $v) { invited } }`,
		map[string]any{"s": shiftC, "v": p.s.User.ID}).OK(t, nil)
	coord.Do(t, `query($o: ID!, $u: ID!) { volunteerContact(organisationId: $o, userId: $u, reason: "calling about the Saturday shift") { email } }`,
		map[string]any{"o": f.orgID, "u": p.s.User.ID}).OK(t, nil)
	// As staff of their own club: an organisation and an opportunity they created.
	org := a.createOrg(t, p.s.AccessToken, "Club of Ada")
	p.orgID = org.ID
	as.Do(t, `mutation($o: ID!, $e: String!) { addOrganisationMember(organisationId: $o, email: $e, role: ADMIN) { organisation { id } } }`,
		map[string]any{"o": org.ID, "e": *f.coordinator.User.Email}).OK(t, nil)
	as.Do(t, createOpportunityMutation, map[string]any{"input": onsiteInput(org.ID, "Lesepatenschaft")}).OK(t, nil)
	a.events.Flush()
	return p
}

// refersTo reports whether any string in v contains one of the needles.
func refersTo(v any, needles ...string) bool {
	switch x := v.(type) {
	case string:
		for _, n := range needles {
			if n != "" && strings.Contains(strings.ToLower(x), strings.ToLower(n)) {
				return true
			}
		}
	case map[string]any:
		for k, val := range x {
			if refersTo(k, needles...) || refersTo(val, needles...) {
				return true
			}
		}
	case []any:
		for _, val := range x {
			if refersTo(val, needles...) {
				return true
			}
		}
	}
	return false
}

// exportKeys names what of a stored document must appear in the export for the document to
// count as exported: its _id, unless the collection says otherwise.
func exportKeys(coll string, doc map[string]any, needles ...string) []string {
	switch coll {
	case "refreshTokens":
		// The token hash is a secret; its session stands for it.
		return []string{fmt.Sprint(doc["sessionId"])}
	case "outboxAttempts", "outboxResults":
		return []string{fmt.Sprint(doc["messageId"])}
	case "outboxQueue", "notificationFeed":
		// Batches: the user's items must be exported as messages.
		var keys []string
		items, _ := doc["items"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			if inner, ok := m["m"].(map[string]any); ok {
				m = inner
			}
			if refersTo(m, needles...) {
				id, ok := m["_id"]
				if !ok {
					id = m["id"]
				}
				keys = append(keys, fmt.Sprint(id))
			}
		}
		return keys
	}
	return []string{fmt.Sprint(doc["_id"])}
}

func TestExportHoldsEverythingAboutTheCaller(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	p := newPerson(t, a, f)

	var out struct{ ExportMyData string }
	a.As(p.s.AccessToken).Do(t, `{ exportMyData }`, nil).OK(t, &out)
	var doc struct {
		SchemaVersion int            `json:"schemaVersion"`
		UserID        string         `json:"userId"`
		Sections      map[string]any `json:"sections"`
	}
	if err := json.Unmarshal([]byte(out.ExportMyData), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || doc.UserID != p.s.User.ID {
		t.Fatalf("export head = %d %s, want version 1 for %s", doc.SchemaVersion, doc.UserID, p.s.User.ID)
	}
	if strings.Contains(out.ExportMyData, "argon2") {
		t.Fatal("the export contains the password hash")
	}

	dump, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	covered := 0
	for coll, docs := range dump {
		for _, d := range docs {
			if !refersTo(d, p.s.User.ID, p.email) {
				continue
			}
			for _, key := range exportKeys(coll, d, p.s.User.ID, p.email) {
				if !strings.Contains(out.ExportMyData, key) {
					t.Errorf("%s document %v refers to the user but is not in the export (looked for %q)", coll, d["_id"], key)
				}
			}
			covered++
		}
	}
	for _, coll := range []string{"users", "emails", "sessions", "refreshTokens", "profiles", "signups", "events", "consents",
		"calendarFeeds", "outbox", "notificationPreferences", "replays", "audit", "organisations", "opportunities"} {
		found := false
		for _, d := range dump[coll] {
			found = found || refersTo(d, p.s.User.ID, p.email)
		}
		if !found {
			t.Errorf("the fixture left no document about the user in %s; the test would not notice a gap there", coll)
		}
	}
	t.Logf("%d documents about the user, all in the export", covered)

	// The same document as a file.
	srv := httptest.NewServer(graph.ExportHandler(&graph.Resolver{Svc: a.services}, a.tokens, a.log))
	defer srv.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/me/export.json", nil)
	req.Header.Set("Authorization", "Bearer "+p.s.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=") ||
		!strings.Contains(string(body), `"schemaVersion": 1`) || !strings.Contains(string(body), p.email) {
		t.Fatalf("export file = %d %q\n%.200s", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	resp, err = http.Get(srv.URL + "/me/export.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous export file = %d, want 401", resp.StatusCode)
	}
	a.Do(t, `{ exportMyData }`, nil).Fails(t, "UNAUTHENTICATED", "")
}

func TestDeleteMyAccountLeavesNothingIdentifying(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	p := newPerson(t, a, f)
	as := a.As(p.s.AccessToken)
	before, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	// A wrong password is an error on the field and changes nothing.
	as.Do(t, `mutation { deleteMyAccount(password: "not my password at all") }`, nil).Fails(t, "BAD_USER_INPUT", "password")
	as.Do(t, `mutation { deleteMyAccount(password: "") }`, nil).Fails(t, "BAD_USER_INPUT", "password")
	same, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for coll := range before {
		if coll == "throttle" { // the failed attempts are counted, as for sign-in
			continue
		}
		b1, _ := json.Marshal(before[coll])
		b2, _ := json.Marshal(same[coll])
		if string(b1) != string(b2) {
			t.Errorf("a refused deletion changed %s", coll)
		}
	}
	// The last admin of an organisation must hand over first; the coordinator is a second
	// admin of the person's club, so that does not apply here.

	var del struct{ DeleteMyAccount bool }
	as.Do(t, `mutation($p: String!) { deleteMyAccount(password: $p) }`, map[string]any{"p": testPassword}).OK(t, &del)
	if !del.DeleteMyAccount {
		t.Fatal("deleteMyAccount = false")
	}
	a.events.Flush()
	after, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for coll, docs := range after {
		for _, d := range docs {
			if refersTo(d, p.s.User.ID, p.email, p.name) {
				t.Errorf("after erasure %s still holds %v", coll, d)
			}
		}
	}
	// Counts stay right: the place went to the one waiting, who is confirmed; the signups and
	// events of the shift are still there, for "a volunteer".
	var shift struct {
		Opportunity struct {
			Shifts []struct {
				ID             string
				ConfirmedCount int
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `query($id: ID!) { opportunity(id: $id) { shifts { id confirmedCount } } }`,
		map[string]any{"id": f.oppID}).OK(t, &shift)
	for _, sh := range shift.Opportunity.Shifts {
		if sh.ID == p.shiftA && sh.ConfirmedCount != 1 {
			t.Fatalf("shift A confirmedCount = %d, want 1 (the place moved up)", sh.ConfirmedCount)
		}
	}
	// The roster still lists the place, for "a volunteer".
	var roster struct {
		Opportunity struct {
			Shifts []struct {
				Signups []struct {
					Status    string
					Volunteer struct {
						DisplayName string
						Email       *string
					}
				}
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `query($id: ID!) { opportunity(id: $id) { shifts { signups { status volunteer { displayName email } } } } }`,
		map[string]any{"id": f.oppID}).OK(t, &roster)
	former := 0
	for _, sh := range roster.Opportunity.Shifts {
		for _, su := range sh.Signups {
			if strings.HasPrefix(su.Volunteer.DisplayName, "Ehemalige") && su.Volunteer.Email == nil {
				former++
			}
		}
	}
	if former != 2 {
		t.Fatalf("roster shows %d former volunteers, want the erased person's 2 signups", former)
	}
	var mine struct {
		MySignups struct{ Edges []struct{ Node signupView } }
	}
	a.As(p.waiting).Do(t, `{ mySignups { edges { node { id status waitlistPosition shift { id } } } } }`, nil).OK(t, &mine)
	if len(mine.MySignups.Edges) != 1 || mine.MySignups.Edges[0].Node.Status != "CONFIRMED" {
		t.Fatalf("the one waiting = %+v, want CONFIRMED", mine.MySignups.Edges)
	}
	if n, m := len(before["signups"]), len(after["signups"]); n != m {
		t.Fatalf("signups %d before, %d after erasure: they must stay for counts", n, m)
	}
	if n, m := len(before["events"]), len(after["events"]); m < n {
		t.Fatalf("events %d before, %d after erasure: they must stay for statistics", n, m)
	}
	// The person is gone for the API: their access token, still unexpired, is refused, so
	// nothing new is written about them.
	as.Do(t, `{ me { id } }`, nil).Fails(t, "UNAUTHENTICATED", "")
	as.Do(t, signUpMutation, map[string]any{"shift": p.shiftA}).Fails(t, "UNAUTHENTICATED", "")
	as.Do(t, `mutation { giveConsent(purpose: TERMS, version: 1) { consent { granted } } }`, nil).Fails(t, "UNAUTHENTICATED", "")
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": p.email, "password": testPassword}}).Fails(t, "UNAUTHENTICATED", "")
	a.Do(t, refreshMutation, map[string]any{"t": p.s.RefreshToken}).Fails(t, "UNAUTHENTICATED", "")
}

func TestRetentionWarnsThenErasesInactiveAccounts(t *testing.T) {
	a := newAPI(t)
	idle := a.register(t, "idle@example.org", "Idle Ida")
	priv := a.services.Privacy
	keep := privacy.Retention{InactiveAccount: 720 * 24 * time.Hour, Warning: 30 * 24 * time.Hour, AuditLog: 730 * 24 * time.Hour,
		Notifications: 90 * 24 * time.Hour}
	priv.SetRetention(keep, a.store.PrivacyRecords(), a.services.Notify, privacy.Pruners{Audit: a.store.Audit(), Notifications: a.store.Outbox()})
	if err := a.services.Audit.Record(t.Context(), audit.Entry{ActorID: "someone", SubjectUserID: "someone-else", Action: audit.ContactViewed}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	at := func(d time.Duration) int64 {
		t.Helper()
		priv.SetClock(func() time.Time { return start.Add(d) })
		a.services.Notify.SetClock(func() time.Time { return start.Add(d) })
		n, err := priv.RunRetention(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	warnings := func() int {
		d, err := a.store.Dump(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range d["outbox"] {
			if m["kind"] == "ACCOUNT_INACTIVE" && m["userId"] == idle.User.ID {
				n++
			}
		}
		return n
	}
	day := 24 * time.Hour
	if n := at(100 * day); n != 0 || warnings() != 0 {
		t.Fatalf("after 100 days: %d actions, %d warnings; want none", n, warnings())
	}
	if n := at(691 * day); n < 1 || warnings() == 0 {
		t.Fatalf("29 days before the end: %d actions, %d warnings; want one warning", n, warnings())
	}
	before := warnings()
	if n := at(692 * day); n != 0 || warnings() != before {
		t.Fatal("a second run warned again")
	}
	var me struct{ Me *struct{ ID string } }
	a.As(idle.AccessToken).Do(t, `{ me { id } }`, nil).OK(t, &me)
	if me.Me == nil {
		t.Fatal("erased before the warning period ended")
	}
	// The period is over and the warning is 30 days old.
	if n := at(721 * day); n < 1 {
		t.Fatalf("after the period: %d actions, want the erasure", n)
	}
	a.As(idle.AccessToken).Do(t, `{ me { id } }`, nil).Fails(t, "UNAUTHENTICATED", "")
	// Two years on, the audit entry of the start is gone too.
	at(731 * day)
	d, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d["audit"] {
		if e["subjectUserId"] == "someone-else" {
			t.Fatal("an audit entry older than two years is kept")
		}
	}
}
