package graph_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/audit"
)

type groupMember struct {
	token                  string
	id, email, displayName string
}

// groupMembers creates n accounts and reads who they are.
func (a *api) groupMembers(t *testing.T, n int) []groupMember {
	t.Helper()
	var out []groupMember
	for _, tok := range a.volunteers(t, n) {
		var me struct {
			Me struct{ ID, Email, DisplayName string }
		}
		a.As(tok).Do(t, `{ me { id email displayName } }`, nil).OK(t, &me)
		out = append(out, groupMember{token: tok, id: me.Me.ID, email: me.Me.Email, displayName: me.Me.DisplayName})
	}
	return out
}

// TestGroupJourney: a facilitator schedules a fortnightly meeting, members join under
// pseudonyms and RSVP, and the calendar feed shows the meetings under a neutral title.
func TestGroupJourney(t *testing.T) {
	a := newAPI(t)
	f := newGroupFixture(t, a, nil)
	meetings := f.schedule(t, a, 12, true)
	if len(meetings) < 4 {
		t.Fatalf("%d meetings in 60 days, want at least 4", len(meetings))
	}
	for i, m := range meetings {
		if m.TimeZone != "Europe/Berlin" || m.StartsAt.Hour() != 19 || m.EndsAt.Sub(m.StartsAt) != 2*time.Hour {
			t.Errorf("meeting %d: %s to %s (%s)", i, m.StartsAt, m.EndsAt, m.TimeZone)
		}
		if i > 0 && m.StartsAt.Sub(meetings[i-1].StartsAt) < 13*24*time.Hour {
			t.Errorf("meetings %d and %d are not a fortnight apart", i-1, i)
		}
	}
	ps := a.groupMembers(t, 2)
	a.join(t, ps[0].token, f.groupID, "Kiebitz")
	a.join(t, ps[1].token, f.groupID, "Zaunkönig")
	var rs struct {
		Rsvp struct{ Meeting meetingView }
	}
	a.As(ps[0].token).Do(t, rsvpMutation, map[string]any{"m": meetings[0].ID, "yes": true}).OK(t, &rs)
	if m := rs.Rsvp.Meeting; m.AttendingCount != 1 || m.MyRsvp == nil || m.MyRsvp.Status != "ATTENDING" {
		t.Fatalf("after RSVP: %+v", m)
	}

	var feed struct {
		CreateGroupCalendarFeed struct{ Path string }
	}
	a.As(ps[0].token).Do(t, `mutation { createGroupCalendarFeed { path } }`, nil).OK(t, &feed)
	token := strings.TrimSuffix(strings.TrimPrefix(feed.CreateGroupCalendarFeed.Path, "/calendar/"), ".ics")
	doc, err := a.services.Calendar.Render(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Events()) != len(meetings) {
		t.Fatalf("feed has %d events, want %d", len(cal.Events()), len(meetings))
	}
	for _, ev := range cal.Events() {
		if s := ev.GetProperty(ics.ComponentPropertySummary).Value; s != "Gruppentreffen" {
			t.Fatalf("event title %q, want the neutral Gruppentreffen", s)
		}
	}
	if bytes.Contains(doc, []byte("Sucht")) {
		t.Fatalf("feed reveals the topic:\n%s", doc)
	}
	var revoked struct{ RevokeGroupCalendarFeed bool }
	a.As(ps[0].token).Do(t, `mutation { revokeGroupCalendarFeed }`, nil).OK(t, &revoked)
	if _, err := a.services.Calendar.Render(t.Context(), token); err == nil || !revoked.RevokeGroupCalendarFeed {
		t.Fatal("a revoked feed still renders")
	}
}

// TestGroupAnonymity asks every query path a member has — the group and its members, its
// meetings, search, their own groups, errors — and finds no other member's account ID,
// e-mail, name or other groups in any answer.
func TestGroupAnonymity(t *testing.T) {
	a := newAPI(t)
	f := newGroupFixture(t, a, nil)
	other := newGroupFixture(t, a, map[string]any{"name": "Trauergruppe", "category": "grief"})
	meetings := f.schedule(t, a, 12, true)
	ps := a.groupMembers(t, 3)
	anna, bernd, outsider := ps[0], ps[1], ps[2]
	annaHere := a.join(t, anna.token, f.groupID, "Kiebitz")
	annaThere := a.join(t, anna.token, other.groupID, "Nachtigall")
	a.join(t, bernd.token, f.groupID, "Zaunkönig")
	a.As(anna.token).Do(t, rsvpMutation, map[string]any{"m": meetings[0].ID, "yes": true}).OK(t, nil)
	// That the other group exists is public; that Anna belongs to it is not.
	secrets := []string{anna.id, anna.email, anna.displayName, "Nachtigall", annaThere}

	if strings.Contains(annaHere, anna.id) || strings.Contains(annaThere, anna.id) || annaHere == annaThere {
		t.Fatalf("membership IDs %q and %q relate to the account %q or to each other", annaHere, annaThere, anna.id)
	}
	asBernd := a.As(bernd.token)
	paths := map[string]string{
		"group": `query($g: ID!) { group(id: $g) { id name memberCount place onlineUrl myMembership { id pseudonym }
		  members { id pseudonym status facilitator isMe } membershipRequests { id pseudonym }
		  meetings { id attendingCount waitlistCount location onlineUrl myRsvp { status } attendedCount group { id } } } }`,
		"meeting":  `query($m: ID!) { meeting(id: $m) { id attendingCount waitlistCount myRsvp { status } group { members { id pseudonym } } } }`,
		"search":   `{ search(text: "Angehörige") { edges { node { ... on Group { id name members { id pseudonym } myMembership { id } } } } } }`,
		"myGroups": `{ myGroups { id pseudonym status group { id name members { id pseudonym } } } }`,
		"browse":   `{ groups(filter: {postalCode: "101"}) { edges { node { id name members { pseudonym } } } } }`,
	}
	vars := map[string]any{"g": f.groupID, "m": meetings[0].ID}
	for name, q := range paths {
		r := asBernd.Do(t, q, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", name, r.Errors)
		}
		if found := leaks(t, r, secrets...); len(found) > 0 {
			t.Errorf("%s shows a member %v:\n%s", name, found, r.Data)
		}
	}
	var g struct {
		Group struct {
			Members []struct {
				ID, Pseudonym string
				IsMe          bool
			}
			Place *string
		}
	}
	asBernd.Do(t, paths["group"], vars).OK(t, &g)
	if len(g.Group.Members) != 2 || g.Group.Place == nil {
		t.Fatalf("a member sees %d members and place %v; want both pseudonyms and the place", len(g.Group.Members), g.Group.Place)
	}
	// The schema has no path from a member to an account or to RSVPs by person.
	for _, q := range []string{
		`query($g: ID!) { group(id: $g) { members { user { id } } } }`,
		`query($g: ID!) { group(id: $g) { members { email } } }`,
		`query($m: ID!) { meeting(id: $m) { rsvps { id } } }`,
		`query($g: ID!) { group(id: $g) { facilitators { id } } }`,
	} {
		r := asBernd.Do(t, q, vars)
		if len(r.Errors) == 0 || !strings.HasPrefix(r.Errors[0].Message, "Cannot query field") {
			t.Errorf("%s: %+v, want a validation error", q, r.Errors)
		}
	}
	// Errors name nobody: a taken pseudonym, a resolution attempt, Anna's membership elsewhere.
	taken := a.As(outsider.token).Do(t, joinGroupMutation, map[string]any{"g": f.groupID, "p": "kiebitz"})
	taken.Fails(t, "CONFLICT", "pseudonym")
	resolve := asBernd.Do(t, `mutation($m: ID!) { resolveGroupMember(membershipId: $m, reason: "ich will es wissen, bitte") { email } }`, map[string]any{"m": annaHere})
	resolve.Fails(t, "FORBIDDEN", "")
	remove := asBernd.Do(t, `mutation($m: ID!) { removeGroupMember(membershipId: $m) { membership { id } } }`, map[string]any{"m": annaThere})
	remove.Fails(t, "NOT_FOUND", "")
	for _, r := range []struct {
		name  string
		found []string
	}{{"taken", leaks(t, taken, secrets...)}, {"resolve", leaks(t, resolve, secrets...)}, {"remove", leaks(t, remove, secrets...)}} {
		if len(r.found) > 0 {
			t.Errorf("error of %s names %v", r.name, r.found)
		}
	}
	// A stranger sees what the group is about, but not where exactly, nor who.
	var s struct {
		Group struct {
			Place, OnlineURL *string
			Members          []struct{ ID string }
			MemberCount      int
		}
	}
	a.As(outsider.token).Do(t, `query($g: ID!) { group(id: $g) { place onlineUrl members { id } memberCount } }`, vars).OK(t, &s)
	if s.Group.Place != nil || s.Group.OnlineURL != nil || len(s.Group.Members) != 0 {
		t.Fatalf("a stranger sees %+v", s.Group)
	}
}

// TestResolveGroupMember: only the organisation's coordinators learn who is behind a
// pseudonym, for a reason, and each resolution lands in the audit log.
func TestResolveGroupMember(t *testing.T) {
	a := newAPI(t)
	f := newGroupFixture(t, a, nil)
	ps := a.groupMembers(t, 1)
	id := a.join(t, ps[0].token, f.groupID, "Kiebitz")
	q := `mutation($m: ID!, $r: String!) { resolveGroupMember(membershipId: $m, reason: $r) { membershipId pseudonym displayName email } }`
	as := a.As(f.coordinator.AccessToken)
	as.Do(t, q, map[string]any{"m": id, "r": "kurz"}).Fails(t, "BAD_USER_INPUT", "reason")
	var out struct {
		ResolveGroupMember struct{ MembershipID, Pseudonym, DisplayName, Email string }
	}
	as.Do(t, q, map[string]any{"m": id, "r": "Hinweis auf Gefährdung in der Gruppe"}).OK(t, &out)
	if out.ResolveGroupMember.Email != ps[0].email || out.ResolveGroupMember.Pseudonym != "Kiebitz" {
		t.Fatalf("resolved %+v", out.ResolveGroupMember)
	}
	entries, err := a.services.Audit.ListAbout(t.Context(), ps[0].id)
	if err != nil || len(entries) != 1 || entries[0].Action != audit.ResolvePseudonym || entries[0].ActorID != f.coordinator.User.ID ||
		entries[0].Reason != "Hinweis auf Gefährdung in der Gruppe" {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func TestGroupBadInput(t *testing.T) {
	a := newAPI(t)
	f := newGroupFixture(t, a, nil)
	as := a.As(f.coordinator.AccessToken)
	start := time.Now().AddDate(0, 0, 8).Format(time.RFC3339)
	base := func(change map[string]any) map[string]any {
		in := map[string]any{"groupId": f.groupID, "rrule": "FREQ=WEEKLY", "startsAt": start, "durationMinutes": 90, "capacity": 10}
		for k, v := range change {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	for field, change := range map[string]map[string]any{
		"input.rrule":       {"rrule": "FREQ=SOMETIMES"},
		"input.horizonDays": {"horizonDays": 3650},
		"input.capacity":    {"capacity": 0},
	} {
		as.Do(t, scheduleMutation, base(change)).Fails(t, "BAD_USER_INPUT", field)
	}
	var g struct {
		Group struct{ Meetings []struct{ ID string } }
	}
	as.Do(t, `query($g: ID!) { group(id: $g) { meetings { id } } }`, map[string]any{"g": f.groupID}).OK(t, &g)
	if len(g.Group.Meetings) != 0 {
		t.Fatalf("bad input wrote %d meetings", len(g.Group.Meetings))
	}
	ps := a.groupMembers(t, 1)
	for _, p := range []string{"", strings.Repeat("x", 41), "kiebitz@example.org", "0171 23456789"} {
		a.As(ps[0].token).Do(t, joinGroupMutation, map[string]any{"g": f.groupID, "p": p}).Fails(t, "BAD_USER_INPUT", "pseudonym")
	}
}
