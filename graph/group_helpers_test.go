package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/gqltest"
)

const createGroupMutation = `mutation($in: CreateGroupInput!) {
  createGroup(input: $in) { group { id name sensitive canManage memberCount } }
}`

const joinGroupMutation = `mutation($g: ID!, $p: String!) {
  joinGroup(groupId: $g, pseudonym: $p) { membership { id pseudonym status } }
}`

const scheduleMutation = `mutation($in: ScheduleMeetingsInput!) {
  scheduleMeetings(input: $in) { group { id meetings { id startsAt endsAt timeZone capacity attendingCount } } }
}`

const rsvpMutation = `mutation($m: ID!, $yes: Boolean!) {
  rsvp(meetingId: $m, attending: $yes) { meeting { id attendingCount waitlistCount myRsvp { status waitlistPosition } } }
}`

type meetingView struct {
	ID             string
	StartsAt       time.Time
	EndsAt         time.Time
	TimeZone       string
	Capacity       int
	AttendingCount int
	WaitlistCount  int
	MyRsvp         *struct {
		Status           string
		WaitlistPosition *int
	}
}

// groupFixture is an organisation with a coordinator and a sensitive, on-site group.
type groupFixture struct {
	coordinator session
	orgID       string
	groupID     string
	name        string
}

func newGroupFixture(t testing.TB, a *api, extra map[string]any) groupFixture {
	t.Helper()
	coord := a.register(t, fmt.Sprintf("kontakt-%d@example.org", time.Now().UnixNano()), "Kontaktstelle")
	org := a.createOrg(t, coord.AccessToken, "Selbsthilfe-Kontaktstelle Mitte")
	in := map[string]any{"organisationId": org.ID, "name": "Angehörige von Suchtkranken", "category": "addiction",
		"description": "Austausch für Angehörige", "languages": []string{"de"}, "mode": "HYBRID",
		"place": "Gemeindehaus St. Marien, Raum 2", "onlineUrl": "https://meet.example.org/angehoerige",
		"area": map[string]any{"postalCode": "10115", "latitude": 52.53, "longitude": 13.38}}
	for k, v := range extra {
		in[k] = v
	}
	var out struct {
		CreateGroup struct{ Group struct{ ID, Name string } }
	}
	a.As(coord.AccessToken).Do(t, createGroupMutation, map[string]any{"in": in}).OK(t, &out)
	return groupFixture{coordinator: coord, orgID: org.ID, groupID: out.CreateGroup.Group.ID, name: out.CreateGroup.Group.Name}
}

// schedule adds a fortnightly Tuesday evening schedule starting next week and returns the
// meetings.
func (f groupFixture) schedule(t testing.TB, a *api, capacity int, waitlist bool) []meetingView {
	t.Helper()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Now().In(berlin).AddDate(0, 0, 7)
	for start.Weekday() != time.Tuesday {
		start = start.AddDate(0, 0, 1)
	}
	start = time.Date(start.Year(), start.Month(), start.Day(), 19, 0, 0, 0, berlin)
	var out struct {
		ScheduleMeetings struct {
			Group struct{ Meetings []meetingView }
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, scheduleMutation, map[string]any{"in": map[string]any{
		"groupId": f.groupID, "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "startsAt": start.Format(time.RFC3339),
		"durationMinutes": 120, "timeZone": "Europe/Berlin", "capacity": capacity, "waitlist": waitlist, "horizonDays": 60,
	}}).OK(t, &out)
	return out.ScheduleMeetings.Group.Meetings
}

func (a *api) join(t testing.TB, token, groupID, pseudonym string) string {
	t.Helper()
	var out struct {
		JoinGroup struct{ Membership struct{ ID string } }
	}
	a.As(token).Do(t, joinGroupMutation, map[string]any{"g": groupID, "p": pseudonym}).OK(t, &out)
	return out.JoinGroup.Membership.ID
}

// leaks returns the secrets that occur anywhere in a response, data or errors.
func leaks(t testing.TB, r gqltest.Response, secrets ...string) []string {
	t.Helper()
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(strings.ToLower(string(raw)), strings.ToLower(s)) {
			found = append(found, s)
		}
	}
	return found
}
