package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type consentStateView struct {
	Purpose string
	Granted bool
	Version int
	Renew   bool
}

func TestConsentIsVersionedAndWithdrawalStopsInvitations(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	start := time.Now().Add(72 * time.Hour)
	shift1 := f.addShift(t, a, start, time.Hour, 5)
	shift2 := f.addShift(t, a, start.Add(24*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vol := a.register(t, "consenting@example.org", "Consenting Carla")
	as := a.As(vol.AccessToken)

	required := func() []string {
		var me struct {
			Me struct{ ConsentRequired []consentStateView }
		}
		as.Do(t, `{ me { consentRequired { purpose granted version renew } } }`, nil).OK(t, &me)
		var ps []string
		for _, c := range me.Me.ConsentRequired {
			ps = append(ps, c.Purpose)
		}
		return ps
	}
	if got := strings.Join(required(), ","); got != "TERMS,PROCESSING" {
		t.Fatalf("a new account must agree to %q, want TERMS,PROCESSING", got)
	}
	as.Do(t, `mutation { giveConsent(purpose: TERMS, version: 2) { consent { granted } } }`, nil).Fails(t, "BAD_USER_INPUT", "version")
	as.Do(t, `mutation { giveConsent(purpose: PARENTAL, version: 1) { consent { granted } } }`, nil).Fails(t, "BAD_USER_INPUT", "purpose")
	for _, p := range []string{"TERMS", "PROCESSING", "COORDINATOR_CONTACT"} {
		as.Do(t, fmt.Sprintf(`mutation { giveConsent(purpose: %s, version: 1) { consent { granted } } }`, p), nil).OK(t, nil)
	}
	if got := required(); len(got) != 0 {
		t.Fatalf("after agreeing, still required: %v", got)
	}
	// Another user does not see these consents.
	var other struct {
		Me struct{ ConsentRequired []consentStateView }
	}
	a.As(f.coordinator.AccessToken).Do(t, `{ me { consentRequired { purpose } } }`, nil).OK(t, &other)
	if len(other.Me.ConsentRequired) != 2 {
		t.Fatalf("coordinator's consentRequired = %+v, want their own two", other.Me.ConsentRequired)
	}

	invite := `mutation($s: ID!, $v: ID!) { inviteVolunteer(shiftId: $s, volunteerId: $v) { invited } }`
	coord := a.As(f.coordinator.AccessToken)
	var inv struct{ InviteVolunteer struct{ Invited bool } }
	coord.Do(t, invite, map[string]any{"s": shift1, "v": vol.User.ID}).OK(t, &inv)
	if !inv.InviteVolunteer.Invited {
		t.Fatal("a volunteer who agreed to be contacted was not invited")
	}
	// Withdrawn: no more invitations, at once.
	as.Do(t, `mutation { withdrawConsent(purpose: COORDINATOR_CONTACT) { consent { granted } } }`, nil).OK(t, nil)
	coord.Do(t, invite, map[string]any{"s": shift2, "v": vol.User.ID}).Fails(t, "NOT_FOUND", "volunteerId")

	// The profile switch and the consent history tell one story.
	as.Do(t, `mutation { updateVolunteerProfile(input: {contactable: true}) { id } }`, nil).OK(t, nil)
	coord.Do(t, invite, map[string]any{"s": shift2, "v": vol.User.ID}).OK(t, nil)
	as.Do(t, `mutation { withdrawConsent(purpose: EMAIL) { consent { granted } } }`, nil).OK(t, nil)
	var prefs struct{ NotificationPreferences struct{ Email bool } }
	as.Do(t, `{ notificationPreferences { email } }`, nil).OK(t, &prefs)
	if prefs.NotificationPreferences.Email {
		t.Fatal("e-mail is still on after the EMAIL consent was withdrawn")
	}
	var mine struct {
		MyConsents struct {
			States  []consentStateView
			History []struct {
				Purpose         string
				Granted         bool
				Method          string
				RecordedByStaff bool
			}
		}
	}
	as.Do(t, `{ myConsents { states { purpose granted version renew } history { purpose granted method recordedByStaff } } }`, nil).OK(t, &mine)
	var contact []bool
	for _, h := range mine.MyConsents.History {
		if h.Purpose == "COORDINATOR_CONTACT" {
			contact = append(contact, h.Granted)
		}
	}
	if fmt.Sprint(contact) != "[true false true]" {
		t.Fatalf("contact history = %v, want [true false true] (given, withdrawn, given through the profile)", contact)
	}
	if len(mine.MyConsents.States) != 7 {
		t.Fatalf("states = %d, want one per purpose", len(mine.MyConsents.States))
	}
	a.Do(t, `{ myConsents { states { purpose } } }`, nil).Fails(t, "UNAUTHENTICATED", "")
}

func TestContactDetailsAreLoggedAndErasureOnRequest(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	shift := f.addShift(t, a, time.Now().Add(72*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vol := a.register(t, "logged@example.org", "Logged Lena")
	stranger := a.register(t, "stranger@example.org", "Stranger Sam")
	otherOrg := newFixture(t, a, nil)
	coord := a.As(f.coordinator.AccessToken)
	contact := `query($o: ID!, $u: ID!, $r: String!) { volunteerContact(organisationId: $o, userId: $u, reason: $r) { displayName email } }`
	why := "calling about the Saturday shift"

	// Not signed up with the organisation: nobody there may see the contact.
	coord.Do(t, contact, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": why}).Fails(t, "NOT_FOUND", "userId")
	a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": shift}).OK(t, nil)
	coord.Do(t, contact, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": "x"}).Fails(t, "BAD_USER_INPUT", "reason")
	a.As(otherOrg.coordinator.AccessToken).Do(t, contact, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": why}).Fails(t, "FORBIDDEN", "")
	a.As(stranger.AccessToken).Do(t, contact, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": why}).Fails(t, "FORBIDDEN", "")
	var got struct {
		VolunteerContact struct{ DisplayName, Email string }
	}
	coord.Do(t, contact, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": why}).OK(t, &got)
	if got.VolunteerContact.Email != "logged@example.org" {
		t.Fatalf("contact = %+v", got.VolunteerContact)
	}
	// Reading the roster's e-mail addresses is logged too.
	coord.Do(t, `query($id: ID!) { opportunity(id: $id) { shifts { signups { volunteer { email } } } } }`, map[string]any{"id": f.oppID}).OK(t, nil)

	const log = `query($o: ID!) { auditLog(organisationId: $o, first: 10) { edges { node { action reason actor { displayName } subject { displayName } } } pageInfo { hasNextPage } } }`
	type entry struct {
		Action  string
		Reason  *string
		Actor   *struct{ DisplayName string }
		Subject *struct{ DisplayName string }
	}
	var out struct {
		AuditLog struct{ Edges []struct{ Node entry } }
	}
	// The log is for the organisation's admins; a coordinator, whose accesses it records, does not read it.
	helper := a.register(t, "coordinator-not-admin@example.org", "Kora")
	coord.Do(t, `mutation($o: ID!, $e: String!) { addOrganisationMember(organisationId: $o, email: $e, role: COORDINATOR) { organisation { id } } }`,
		map[string]any{"o": f.orgID, "e": "coordinator-not-admin@example.org"}).OK(t, nil)
	a.As(helper.AccessToken).Do(t, log, map[string]any{"o": f.orgID}).Fails(t, "FORBIDDEN", "")
	coord.Do(t, log, map[string]any{"o": f.orgID}).OK(t, &out)
	if len(out.AuditLog.Edges) == 0 {
		t.Fatal("the access is not in the audit log")
	}
	var contactEntry *entry
	for _, e := range out.AuditLog.Edges {
		if e.Node.Action == "CONTACT_VIEWED" && e.Node.Reason != nil && *e.Node.Reason == why {
			contactEntry = &e.Node
		}
	}
	if contactEntry == nil || contactEntry.Subject == nil || contactEntry.Subject.DisplayName != "Logged Lena" || contactEntry.Actor == nil {
		t.Fatalf("audit log = %+v, want the contact access with its reason", out.AuditLog.Edges)
	}
	roster := false
	for _, e := range out.AuditLog.Edges {
		roster = roster || e.Node.Action == "CONTACT_VIEWED" && e.Node.Reason != nil && *e.Node.Reason == "signup roster"
	}
	if !roster {
		t.Fatalf("audit log = %+v, want the roster's e-mail addresses read by staff", out.AuditLog.Edges)
	}
	a.As(vol.AccessToken).Do(t, log, map[string]any{"o": f.orgID}).Fails(t, "FORBIDDEN", "")
	a.As(otherOrg.coordinator.AccessToken).Do(t, log, map[string]any{"o": f.orgID}).Fails(t, "FORBIDDEN", "")
	// The volunteer sees the accesses about them in their export.
	var exp struct{ ExportMyData string }
	a.As(vol.AccessToken).Do(t, `{ exportMyData }`, nil).OK(t, &exp)
	if !strings.Contains(exp.ExportMyData, why) {
		t.Fatal("the export does not show the logged access")
	}

	// Erasure on request: staff of an organisation the volunteer dealt with, with a reason.
	erase := `mutation($o: ID!, $u: ID!, $r: String!) { eraseVolunteer(organisationId: $o, userId: $u, reason: $r) }`
	request := "the volunteer asked by letter on 20 November"
	a.As(otherOrg.coordinator.AccessToken).Do(t, erase, map[string]any{"o": otherOrg.orgID, "u": vol.User.ID, "r": request}).Fails(t, "NOT_FOUND", "userId")
	a.As(stranger.AccessToken).Do(t, erase, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": request}).Fails(t, "FORBIDDEN", "")
	coord.Do(t, erase, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": ""}).Fails(t, "BAD_USER_INPUT", "reason")
	coord.Do(t, erase, map[string]any{"o": f.orgID, "u": vol.User.ID, "r": request}).OK(t, nil)
	a.As(vol.AccessToken).Do(t, `{ me { id } }`, nil).Fails(t, "UNAUTHENTICATED", "")
	coord.Do(t, log, map[string]any{"o": f.orgID}).OK(t, &out)
	first := out.AuditLog.Edges[0].Node
	if first.Action != "VOLUNTEER_ERASED" || first.Subject != nil || first.Reason == nil || *first.Reason != request {
		t.Fatalf("latest audit entry = %+v, want the erasure with its reason and no subject left", first)
	}
}

// TestErasureAndSignupsRace erases volunteers while they and others sign up for a small
// shift: no signup of an erased person survives, and the shift is never oversold.
func TestErasureAndSignupsRace(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	start := time.Now().Add(72 * time.Hour)
	first := f.addShift(t, a, start, time.Hour, 50)
	contested := f.addShift(t, a, start.Add(48*time.Hour), time.Hour, 4)
	f.publish(t, a)
	const n = 16
	vols := a.volunteers(t, n)
	ids := make([]string, n)
	for i, v := range vols {
		var out struct {
			SignUp struct{ Signup struct{ ID string } }
		}
		a.As(v).Do(t, signUpMutation, map[string]any{"shift": first}).OK(t, &out)
		var me struct{ Me struct{ ID string } }
		a.As(v).Do(t, `{ me { id } }`, nil).OK(t, &me)
		ids[i] = me.Me.ID
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Errors are expected: the account may be gone when the signup arrives.
			a.As(vols[i]).Do(t, signUpMutation, map[string]any{"shift": contested})
		}()
		if i%2 == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.As(f.coordinator.AccessToken).Do(t, `mutation($o: ID!, $u: ID!) { eraseVolunteer(organisationId: $o, userId: $u, reason: "asked us on the phone") }`,
					map[string]any{"o": f.orgID, "u": ids[i]}).OK(t, nil)
			}()
		}
	}
	wg.Wait()
	a.events.Flush()
	dump, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	seats := 0
	for _, d := range dump["signups"] {
		if d["shiftId"] == contested && d["seatKey"] != nil {
			seats++
		}
	}
	for i := 0; i < n; i += 2 {
		for coll, docs := range dump {
			for _, d := range docs {
				if refersTo(d, ids[i]) {
					t.Errorf("erased volunteer %d still in %s: %v", i, coll, d)
				}
			}
		}
	}
	var shifts struct {
		Opportunity struct {
			Shifts []struct {
				ID             string
				ConfirmedCount int
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `query($id: ID!) { opportunity(id: $id) { shifts { id confirmedCount } } }`,
		map[string]any{"id": f.oppID}).OK(t, &shifts)
	for _, sh := range shifts.Opportunity.Shifts {
		if sh.ID == contested && (sh.ConfirmedCount != seats || seats > 4) {
			t.Fatalf("contested shift: confirmedCount %d, places held in the store %d, capacity 4", sh.ConfirmedCount, seats)
		}
	}
}
