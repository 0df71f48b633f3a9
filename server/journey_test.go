package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Khan/genqlient/graphql"

	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/mobile-contract/client"
)

// bearer adds the app's access token to every request of the typed client.
type bearer struct{ token *string }

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	if *b.token != "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+*b.token)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// app is the mobile app as the server sees it: the typed client of mobile-contract's
// operations, signed in as one person.
type app struct {
	graphql.Client
	token *string
}

func newApp(url string) app {
	token := new(string)
	return app{Client: graphql.NewClient(url, &http.Client{Transport: bearer{token}}), token: token}
}

func (a app) register(t *testing.T, email, name string) {
	t.Helper()
	resp, err := client.Register(t.Context(), a, client.RegisterInput{Email: email, Password: "a long enough passphrase", DisplayName: name})
	if err != nil {
		t.Fatal(err)
	}
	*a.token = resp.Register.AccessToken
}

// TestVolunteerJourney walks the volunteer's path through the app's own operations against a
// running server: register, settings, profile, feed, sign up, waitlisted, promoted, notices and
// reminders from a worker, check in, hours.
// The coordinator's side uses plain GraphQL: their tool is not the app.
func TestVolunteerJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := sharedStoreEnv(t)
	s := start(t, ctx, env)
	url := s.url + "/graphql"

	// A coordinator publishes a task with one place, starting in twenty minutes.
	staff := gqltest.Client{URL: url}
	var reg struct {
		Register struct{ AccessToken string }
	}
	staff.Do(t, register, map[string]any{"input": map[string]any{"email": "koordination@example.org", "password": "a long enough passphrase", "displayName": "Koordination"}}).OK(t, &reg)
	staff = staff.As(reg.Register.AccessToken)
	var org struct {
		CreateOrganisation struct{ Organisation struct{ ID string } }
	}
	staff.Do(t, `mutation { createOrganisation(input: {name: "Tafel Leipzig"}) { organisation { id } } }`, nil).OK(t, &org)
	var opp struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!) { createOpportunity(input: {organisationId: $o, title: "Ausgabe an der Tafel", mode: ONSITE, skills: ["cooking"], languages: ["de"],
	  location: {address: "Markt 1, Leipzig", latitude: 51.34, longitude: 12.37}}) { opportunity { id } } }`,
		map[string]any{"o": org.CreateOrganisation.Organisation.ID}).OK(t, &opp)
	start := time.Now().Add(20 * time.Minute).Truncate(time.Minute)
	var shift struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!, $s: DateTime!, $e: DateTime!) { addShift(input: {opportunityId: $o, startsAt: $s, endsAt: $e, capacity: 1}) { shift { id } } }`,
		map[string]any{"o": opp.CreateOpportunity.Opportunity.ID, "s": start.Format(time.RFC3339), "e": start.Add(time.Hour).Format(time.RFC3339)}).OK(t, &shift)
	staff.Do(t, `mutation($o: ID!) { publishOpportunity(id: $o) { opportunity { id } } }`, map[string]any{"o": opp.CreateOpportunity.Opportunity.ID}).OK(t, nil)

	// Someone else takes the only place first.
	first := newApp(url)
	first.register(t, "erste@example.org", "Erste")
	taken, err := client.SignUp(t.Context(), first, shift.AddShift.Shift.ID, nil)
	if err != nil {
		t.Fatal(err)
	}

	// The volunteer of the journey.
	vol := newApp(url)
	vol.register(t, "vera@example.org", "Vera")
	radius := 10.0
	// Reminders may come at any hour for this journey, which can run at night.
	anytime := "00:00"
	if _, err := client.UpdateNotificationPreferences(t.Context(), vol, client.NotificationPreferencesInput{
		QuietHoursStart: &anytime, QuietHoursEnd: &anytime}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.UpdateVolunteerProfile(t.Context(), vol, client.VolunteerProfileInput{
		Skills: []string{"cooking"}, Languages: []string{"de"}, RadiusKm: &radius,
		Location: &client.LocationInput{Latitude: 51.33, Longitude: 12.38},
	}); err != nil {
		t.Fatal(err)
	}
	feed, err := client.RecommendedOpportunities(t.Context(), vol, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The only place is taken: a full shift is not offered.
	if n := len(feed.RecommendedOpportunities.Edges); n != 0 {
		t.Fatalf("feed shows %d tasks, want none while the only place is taken", n)
	}
	found, err := client.Search(t.Context(), vol, "Tafel", nil, nil, nil)
	if err != nil || found.Search.TotalCount != 1 {
		t.Fatalf("search = %+v, %v", found, err)
	}
	key := "journey-signup-0001"
	mine, err := client.SignUp(t.Context(), vol, shift.AddShift.Shift.ID, &key)
	if err != nil {
		t.Fatal(err)
	}
	if su := mine.SignUp.Signup; su.Status != client.SignupStatusWaitlisted || su.WaitlistPosition == nil || *su.WaitlistPosition != 1 {
		t.Fatalf("signup = %+v, want WAITLISTED at 1", su)
	}

	// The first volunteer cancels: Vera moves up at once.
	if _, err := client.CancelSignup(t.Context(), first, taken.SignUp.Signup.Id, nil); err != nil {
		t.Fatal(err)
	}
	list, err := client.MySignups(t.Context(), vol, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := list.MySignups.Edges[0].Node; got.Status != client.SignupStatusConfirmed || got.Shift.Opportunity.Title != "Ausgabe an der Tafel" {
		t.Fatalf("my signup = %+v, want CONFIRMED for the Tafel", got)
	}

	// The coordinator adds a shift in two hours; she takes it too.
	later := time.Now().Add(2*time.Hour + time.Minute)
	var second struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!, $s: DateTime!, $e: DateTime!) { addShift(input: {opportunityId: $o, startsAt: $s, endsAt: $e, capacity: 3}) { shift { id } } }`,
		map[string]any{"o": opp.CreateOpportunity.Opportunity.ID, "s": later.Format(time.RFC3339), "e": later.Add(time.Hour).Format(time.RFC3339)}).OK(t, &second)
	if _, err := client.SignUp(t.Context(), vol, second.AddShift.Shift.ID, nil); err != nil {
		t.Fatal(err)
	}

	// Her app listens for notifications; a worker process tells her that she moved up, and
	// reminds her of the shift in two hours.
	live, _, err := client.NotificationAdded(t.Context(), vol.subscriber(t, url))
	if err != nil {
		t.Fatal(err)
	}
	runJob(t, env, schedule.JobNotices)
	select {
	case msg := <-live:
		if len(msg.Errors) > 0 || msg.Data == nil || msg.Data.NotificationAdded.Kind != "PROMOTED" {
			t.Fatalf("live notification = %+v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no live notification of the promotion")
	}
	runJob(t, env, schedule.JobReminders)
	unread := true
	inbox, err := client.Notifications(t.Context(), vol, nil, nil, &unread)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, e := range inbox.Notifications.Edges {
		kinds[e.Node.Kind] = e.Node.Title
	}
	if kinds["PROMOTED"] != "Sie haben einen Platz: Ausgabe an der Tafel" || kinds["SHIFT_REMINDER"] != "Erinnerung: Ausgabe an der Tafel" || len(kinds) != 2 {
		t.Fatalf("notifications = %v, want the promotion and the reminder", kinds)
	}

	// She arrives and checks in; her hours count.
	in, err := client.CheckIn(t.Context(), vol, mine.SignUp.Signup.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.CheckIn.Signup.Status != client.SignupStatusAttended {
		t.Fatalf("check-in = %+v", in.CheckIn.Signup)
	}
	hours, err := client.MyHours(t.Context(), vol, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hours.MyHours) != 1 || hours.MyHours[0].Hours != 1 || !strings.HasPrefix(hours.MyHours[0].Organisation.Name, "Tafel") {
		t.Fatalf("hours = %+v, want 1 with the Tafel", hours.MyHours)
	}
}
