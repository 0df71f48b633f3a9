package graph_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/notify"
)

// TestNoObjectOfAnotherPersonByID probes every object type a person holds with its ID, as
// another signed-in person (and as a coordinator of another organisation): a signup, a group
// membership, a meeting of a group they are not in, a training completion and its
// certificate, a credential, a notification, a draft opportunity. Each probe is refused with
// NOT_FOUND or FORBIDDEN, or (for reads that may be empty) shows nothing, and changes nothing.
func TestNoObjectOfAnotherPersonByID(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	shift := f.addShift(t, a, time.Now().Add(20*time.Minute), time.Hour, 5)
	f.publish(t, a)
	vols := a.volunteers(t, 2)
	owner, prober := a.As(vols[0]), a.As(vols[1])
	otherOrg := newFixture(t, a, nil) // a coordinator, but of another organisation
	stranger := a.As(otherOrg.coordinator.AccessToken)

	// The owner's signup.
	var su struct{ SignUp struct{ Signup signupView } }
	owner.Do(t, signUpMutation, map[string]any{"shift": shift}).OK(t, &su)
	signupID := su.SignUp.Signup.ID

	// The owner's membership in a group, and a meeting of it.
	g := newGroupFixture(t, a, map[string]any{"joinPolicy": "OPEN"})
	meeting := g.schedule(t, a, 10, false)[0]
	membershipID := a.join(t, vols[0], g.groupID, "Morgenrot")

	// The owner's completion and certificate, and a credential recorded for them.
	moduleID := f.publishedModule(t, a, dataProtection(f.orgID))
	m := a.module(t, vols[0], moduleID)
	var passed struct {
		SubmitQuiz struct{ Completion struct{ ID string } }
	}
	owner.Do(t, submitQuizMutation, map[string]any{"m": moduleID, "a": answersOf(m, []int{1}, []int{0, 2})}).OK(t, &passed)
	completionID := passed.SubmitQuiz.Completion.ID
	var me struct{ Me struct{ ID string } }
	owner.Do(t, `{ me { id } }`, nil).OK(t, &me)
	var cred struct {
		RecordCredential struct{ Credential struct{ ID string } }
	}
	a.As(f.coordinator.AccessToken).Do(t, recordCredentialMutation, map[string]any{"in": map[string]any{
		"organisationId": f.orgID, "volunteerId": me.Me.ID, "kind": "CERTIFICATE_OF_CONDUCT",
		"documentDate": time.Now().AddDate(0, -1, 0).Format(time.DateOnly), "seenDate": time.Now().Format(time.DateOnly),
	}}).OK(t, &cred)

	// A notification for the owner.
	if _, err := a.services.Notify.Enqueue(t.Context(), []notify.Request{{Key: "idor-probe", UserID: me.Me.ID,
		Kind: notify.ShiftReminder, Data: notify.Data{Title: "Ausgabe an der Tafel", Start: time.Now().Add(time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	var inbox struct {
		Notifications struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	// The server learns of it from the feed it polls.
	for deadline := time.Now().Add(10 * time.Second); len(inbox.Notifications.Edges) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		owner.Do(t, `{ notifications { edges { node { id } } } }`, nil).OK(t, &inbox)
	}
	if len(inbox.Notifications.Edges) != 1 {
		t.Fatalf("owner's notifications = %+v", inbox.Notifications.Edges)
	}
	notificationID := inbox.Notifications.Edges[0].Node.ID

	// A draft opportunity of the owner's organisation.
	draft := newFixture(t, a, nil)

	probes := []struct {
		name, query string
		vars        map[string]any
	}{
		{"cancel the signup", `mutation($id: ID!) { cancelSignup(signupId: $id) { signup { id } } }`, map[string]any{"id": signupID}},
		{"check in for it", `mutation($id: ID!) { checkIn(signupId: $id) { signup { id } } }`, map[string]any{"id": signupID}},
		{"log hours on it", `mutation($id: ID!) { logHours(signupId: $id, hours: 2) { signup { id } } }`, map[string]any{"id": signupID}},
		{"record attendance", `mutation($id: ID!) { recordAttendance(signupId: $id, attended: false) { signup { id } } }`, map[string]any{"id": signupID}},
		{"remove the member", `mutation($id: ID!) { removeGroupMember(membershipId: $id) { membership { id } } }`, map[string]any{"id": membershipID}},
		{"resolve the pseudonym", `mutation($id: ID!) { resolveGroupMember(membershipId: $id, reason: "ich will wissen wer das ist") { displayName } }`, map[string]any{"id": membershipID}},
		{"answer the meeting", `mutation($id: ID!) { rsvp(meetingId: $id, attending: true) { meeting { id } } }`, map[string]any{"id": meeting.ID}},
		{"read the certificate", `query($id: ID!) { trainingCertificate(completionId: $id) { moduleTitle } }`, map[string]any{"id": completionID}},
		{"revoke the credential", `mutation($id: ID!) { revokeCredential(id: $id) { credential { id } } }`, map[string]any{"id": cred.RecordCredential.Credential.ID}},
		{"read the contact", `query($o: ID!, $u: ID!) { volunteerContact(organisationId: $o, userId: $u, reason: "nur mal schauen bitte") { email } }`, map[string]any{"o": f.orgID, "u": me.Me.ID}},
	}
	for _, p := range probes {
		for _, who := range []struct {
			name  string
			token string
		}{{"another volunteer", vols[1]}, {"another organisation's coordinator", otherOrg.coordinator.AccessToken}} {
			t.Run(p.name+" as "+who.name, func(t *testing.T) {
				r := a.As(who.token).Do(t, p.query, p.vars)
				if len(r.Errors) == 0 {
					t.Fatalf("answered %s", r.Data)
				}
				if c := r.Errors[0].Code(); c != "NOT_FOUND" && c != "FORBIDDEN" {
					t.Fatalf("code %s (%s), want NOT_FOUND or FORBIDDEN", c, r.Errors[0].Message)
				}
			})
		}
	}

	// Reads that answer with nothing rather than an error.
	var read struct {
		MarkNotificationsRead int
	}
	prober.Do(t, `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`, map[string]any{"ids": []string{notificationID}}).OK(t, &read)
	if read.MarkNotificationsRead != 0 {
		t.Fatalf("another person marked %d of the owner's notifications read", read.MarkNotificationsRead)
	}
	var unread struct {
		Notifications struct{ TotalCount int }
	}
	owner.Do(t, `{ notifications(unreadOnly: true) { totalCount } }`, nil).OK(t, &unread)
	if unread.Notifications.TotalCount != 1 {
		t.Fatalf("the owner's notification was marked read by another person")
	}
	var opp struct{ Opportunity *struct{ ID string } }
	stranger.Do(t, `query($id: ID!) { opportunity(id: $id) { id } }`, map[string]any{"id": draft.oppID}).OK(t, &opp)
	if opp.Opportunity != nil {
		t.Fatal("another organisation's coordinator sees a draft")
	}
	var mine struct {
		MySignups struct{ TotalCount int }
	}
	prober.Do(t, `{ mySignups { totalCount } }`, nil).OK(t, &mine)
	if mine.MySignups.TotalCount != 0 {
		t.Fatalf("the prober lists %d signups", mine.MySignups.TotalCount)
	}
	// Nothing changed: the owner's signup stands.
	var still struct {
		MySignups struct{ Edges []struct{ Node signupView } }
	}
	owner.Do(t, `{ mySignups { edges { node { id status } } } }`, nil).OK(t, &still)
	if len(still.MySignups.Edges) != 1 || still.MySignups.Edges[0].Node.Status != "CONFIRMED" {
		t.Fatalf("owner's signups after the probes = %+v", still.MySignups.Edges)
	}
}
