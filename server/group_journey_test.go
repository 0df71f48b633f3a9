package main

import (
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/mobile-contract/client"
)

// TestGroupJourney: a facilitator schedules a fortnightly meeting, members join under
// pseudonyms and RSVP from the app, the calendar feed shows the meetings, and no member
// learns who the others are.
func TestGroupJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := start(t, ctx, sharedStoreEnv(t))
	url := s.url + "/graphql"

	staff := gqltest.Client{URL: url}
	var reg struct {
		Register struct{ AccessToken string }
	}
	staff.Do(t, register, map[string]any{"input": map[string]any{"email": "kontaktstelle@example.org", "password": "a long enough passphrase", "displayName": "Kontaktstelle"}}).OK(t, &reg)
	staff = staff.As(reg.Register.AccessToken)
	var org struct {
		CreateOrganisation struct{ Organisation struct{ ID string } }
	}
	staff.Do(t, `mutation { createOrganisation(input: {name: "Selbsthilfe-Kontaktstelle"}) { organisation { id } } }`, nil).OK(t, &org)
	var grp struct {
		CreateGroup struct{ Group struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!) { createGroup(input: {organisationId: $o, name: "Angehörige von Suchtkranken", category: "addiction",
	  mode: ONSITE, place: "Gemeindehaus, Raum 2", area: {postalCode: "04109"}}) { group { id } } }`,
		map[string]any{"o": org.CreateOrganisation.Organisation.ID}).OK(t, &grp)
	groupID := grp.CreateGroup.Group.ID
	berlin, _ := time.LoadLocation("Europe/Berlin")
	first := time.Now().In(berlin).AddDate(0, 0, 3)
	first = time.Date(first.Year(), first.Month(), first.Day(), 19, 0, 0, 0, berlin)
	staff.Do(t, `mutation($g: ID!, $s: DateTime!) { scheduleMeetings(input: {groupId: $g, rrule: "FREQ=WEEKLY;INTERVAL=2", startsAt: $s,
	  durationMinutes: 120, timeZone: "Europe/Berlin", capacity: 10, waitlist: true}) { group { id } } }`,
		map[string]any{"g": groupID, "s": first.Format(time.RFC3339)}).OK(t, nil)

	anna, bernd := newApp(url), newApp(url)
	anna.register(t, "anna@example.org", "Anna Beispiel")
	bernd.register(t, "bernd@example.org", "Bernd Beispiel")
	for a, name := range map[app]string{anna: "Kiebitz", bernd: "Zaunkönig"} {
		if _, err := client.JoinGroup(t.Context(), a, groupID, name); err != nil {
			t.Fatal(err)
		}
	}
	detail, err := client.Group(t.Context(), bernd, groupID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := detail.Group
	if len(g.Members) != 2 || len(g.Meetings) < 6 || g.Place == nil {
		t.Fatalf("member's view: %d members, %d meetings, place %v", len(g.Members), len(g.Meetings), g.Place)
	}
	for _, m := range g.Members {
		if m.Id == "" || strings.Contains(m.Pseudonym, "Anna") {
			t.Fatalf("member %+v", m)
		}
	}
	key := "rsvp-offline-0001"
	rs, err := client.Rsvp(t.Context(), anna, g.Meetings[0].Id, true, &key)
	if err != nil || rs.Rsvp.Meeting.MyRsvp == nil || rs.Rsvp.Meeting.MyRsvp.Status != client.RsvpStatusAttending {
		t.Fatalf("Rsvp = %+v, %v", rs, err)
	}
	// Anna changes her mind; then her phone, back online, sends the first answer again. The
	// replay returns the meeting as it is and does not undo her later answer.
	no, err := client.Rsvp(t.Context(), anna, g.Meetings[0].Id, false, nil)
	if err != nil || no.Rsvp.Meeting.MyRsvp != nil && no.Rsvp.Meeting.MyRsvp.Status != client.RsvpStatusWithdrawn {
		t.Fatalf("Rsvp(false) = %+v, %v", no, err)
	}
	again, err := client.Rsvp(t.Context(), anna, g.Meetings[0].Id, true, &key)
	if err != nil || again.Rsvp.Meeting.MyRsvp != nil && again.Rsvp.Meeting.MyRsvp.Status != client.RsvpStatusWithdrawn ||
		again.Rsvp.Meeting.AttendingCount != 0 {
		t.Fatalf("replayed Rsvp = %+v, %v; want her later answer kept", again, err)
	}
	feed, err := client.CreateGroupCalendarFeed(t.Context(), anna)
	if err != nil {
		t.Fatal(err)
	}
	code, body := get(t, s.url+feed.CreateGroupCalendarFeed.Path)
	if code != 200 {
		t.Fatalf("GET feed = %d %s", code, body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Events()) != len(g.Meetings) {
		t.Fatalf("feed has %d events, want %d", len(cal.Events()), len(g.Meetings))
	}
	for _, ev := range cal.Events() {
		at, err := ev.GetStartAt()
		if err != nil || ev.GetProperty(ics.ComponentPropertySummary).Value != "Gruppentreffen" || at.In(berlin).Hour() != 19 {
			t.Fatalf("event %s at %s (%v)", ev.GetProperty(ics.ComponentPropertySummary).Value, at, err)
		}
	}
	if strings.Contains(body, "Sucht") || strings.Contains(body, "Anna") {
		t.Fatal("the feed reveals the group or a name")
	}
}
