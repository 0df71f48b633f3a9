package group_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

func TestPseudonymRules(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	g := mustGroup(t, s, coord, groupInput(orgID))
	other := mustGroup(t, s, coord, groupInput(orgID))
	a, b := w.user(t, "Anna"), w.user(t, "Bernd")
	for _, bad := range []string{"", " ", "x", strings.Repeat("a", 41), "anna@example.org", "mail me: anna at@x.de",
		"Ruf an 0171 2345678", "+49 (30) 123-4567", "Tel 030/1234567"} {
		if _, err := s.Join(t.Context(), a, g.ID, bad); err == nil {
			t.Errorf("Join with pseudonym %q succeeded", bad)
		} else {
			wantField(t, err, "pseudonym")
		}
	}
	if ms, _ := s.Members(t.Context(), coord, g.ID); len(ms) != 0 {
		t.Fatalf("bad pseudonyms wrote %d members", len(ms))
	}
	m := mustJoin(t, s, a, g.ID, "Morgenrot")
	if m.ID == a.UserID || strings.Contains(m.ID, a.UserID) || strings.Contains(a.UserID, strings.TrimPrefix(m.ID, "gm_")) {
		t.Fatalf("membership ID %q is derived from the user ID %q", m.ID, a.UserID)
	}
	if again := mustJoin(t, s, a, g.ID, "Anders"); again.ID != m.ID || again.Pseudonym != "Morgenrot" {
		t.Fatalf("joining again gave %+v", again)
	}
	_, err := s.Join(t.Context(), b, g.ID, "  morgenROT ")
	if e := errs.KindOf(err); e != errs.Conflict {
		t.Fatalf("taken pseudonym: %v, want CONFLICT", err)
	}
	_, err = s.Join(t.Context(), a, other.ID, "MORGENROT")
	wantField(t, err, "pseudonym")
	mustJoin(t, s, a, other.ID, "Abendrot")
	// After leaving, the name is free again.
	if _, err := s.Leave(t.Context(), a, g.ID); err != nil {
		t.Fatal(err)
	}
	mustJoin(t, s, b, g.ID, "Morgenrot")
}

func TestJoinRequestsAndRemoval(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	in := groupInput(orgID)
	in.JoinPolicy = group.OnRequest
	g := mustGroup(t, s, coord, in)
	a, b := w.user(t, "Anna"), w.user(t, "Bernd")
	m := mustJoin(t, s, a, g.ID, "Lerche")
	if m.Status != group.Pending {
		t.Fatalf("status %s, want PENDING", m.Status)
	}
	mb := mustJoin(t, s, b, g.ID, "Amsel")
	if _, err := s.Accept(t.Context(), a, mb.ID); err == nil {
		t.Fatal("a pending requester accepted another")
	}
	reqs, err := s.Requests(t.Context(), coord, g.ID)
	if err != nil || len(reqs) != 2 {
		t.Fatalf("Requests = %v, %v", reqs, err)
	}
	if _, err := s.Accept(t.Context(), coord, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decline(t.Context(), coord, mb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(t.Context(), a, m.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("member removes: %v, want FORBIDDEN", err)
	}
	if _, err := s.Remove(t.Context(), coord, m.ID); err != nil {
		t.Fatal(err)
	}
	if ms, _ := s.Members(t.Context(), coord, g.ID); len(ms) != 0 {
		t.Fatalf("members after removal: %v", ms)
	}
}

// TestResolveIsAuditedAndForCoordinatorsOnly: only the organisation's coordinators learn who
// is behind a pseudonym, with a reason, and every resolution is in the audit log.
func TestResolveIsAuditedAndForCoordinatorsOnly(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	g := mustGroup(t, s, coord, groupInput(orgID))
	facilitator := w.user(t, "Moderation")
	if _, err := s.AddFacilitator(t.Context(), coord, g.ID, mustEmail(t, w, facilitator.UserID)); err != nil {
		t.Fatal(err)
	}
	a, b := w.user(t, "Anna"), w.user(t, "Bernd")
	m := mustJoin(t, s, a, g.ID, "Kranich")
	mustJoin(t, s, b, g.ID, "Reiher")
	for name, actor := range map[string]any{"member": b, "facilitator": facilitator} {
		_, err := s.Resolve(t.Context(), actorOf(actor), m.ID, "Sorge um das Wohl eines Mitglieds")
		if !errs.Is(err, errs.Forbidden) || strings.Contains(err.Error(), "Anna") {
			t.Fatalf("%s resolves: %v, want FORBIDDEN without the name", name, err)
		}
	}
	_, err := s.Resolve(t.Context(), coord, m.ID, "weil")
	wantField(t, err, "reason")
	if list, _ := w.audit.ListAbout(t.Context(), a.UserID); len(list) != 0 {
		t.Fatalf("refused resolutions were audited: %v", list)
	}
	id, err := s.Resolve(t.Context(), coord, m.ID, "Sorge um das Wohl eines Mitglieds")
	if err != nil || id.UserID != a.UserID || id.DisplayName != "Anna" {
		t.Fatalf("Resolve = %+v, %v", id, err)
	}
	list, err := w.audit.ListAbout(t.Context(), a.UserID)
	if err != nil || len(list) != 1 {
		t.Fatalf("audit about the member: %v, %v", list, err)
	}
	if e := list[0]; e.ActorID != coord.UserID || e.Action != audit.ResolvePseudonym || e.Reason != "Sorge um das Wohl eines Mitglieds" ||
		e.OrganisationID != orgID || e.Target != "membership:"+m.ID || e.At.IsZero() {
		t.Fatalf("audit entry %+v", e)
	}
	if list, err := w.audit.ListForOrganisation(t.Context(), coord, orgID, 10, ""); err != nil || len(list) != 1 {
		t.Fatalf("organisation's audit log: %v, %v", list, err)
	}
}

// TestEngagementEventsOfSensitiveGroupsCountOnly: joins, RSVPs and leaves of a sensitive
// group name nobody; attendance is one event with a count.
func TestEngagementEventsOfSensitiveGroupsCountOnly(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	sensitive := mustGroup(t, s, coord, groupInput(orgID)) // addiction: sensitive by default
	open := groupInput(orgID)
	open.Category, open.Name = "neighbourhood", "Nachbarschaftstreff"
	plain := mustGroup(t, s, coord, open)
	if !sensitive.Sensitive || plain.Sensitive {
		t.Fatalf("sensitive by default: %v for addiction, %v for neighbourhood", sensitive.Sensitive, plain.Sensitive)
	}
	a := w.user(t, "Anna")
	for _, g := range []group.View{sensitive, plain} {
		in := schedule(g.ID, "FREQ=WEEKLY;COUNT=1", time.Date(2030, 3, 5, 19, 0, 0, 0, berlin(t)), "Europe/Berlin")
		if _, err := s.Schedule(t.Context(), coord, in); err != nil {
			t.Fatal(err)
		}
		mustJoin(t, s, a, g.ID, "Eule "+g.Category)
		m := meetings(t, s, coord, g.ID)[0]
		if _, err := s.RSVP(t.Context(), a, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Leave(t.Context(), a, g.ID); err != nil {
			t.Fatal(err)
		}
		w.clock.set(time.Date(2030, 3, 5, 21, 0, 0, 0, time.UTC))
		if _, err := s.RecordAttendance(t.Context(), coord, m.ID, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordAttendance(t.Context(), coord, m.ID, 8); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second attendance record: %v, want CONFLICT", err)
		}
		w.clock.set(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	}
	w.events.Flush()
	for _, g := range []group.View{sensitive, plain} {
		events, err := w.st.Events().EventsOf(t.Context(), "groupId", g.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[engagement.Kind]int{}
		for _, e := range events {
			kinds[e.Kind]++
			if g.Sensitive && (e.UserID != "" || e.ActorID != "") {
				t.Errorf("event %s of a sensitive group names %q/%q", e.Kind, e.UserID, e.ActorID)
			}
			if !g.Sensitive && e.Kind != engagement.MeetingAttended && e.UserID != a.UserID {
				t.Errorf("event %s of an ordinary group names %q, want the member", e.Kind, e.UserID)
			}
			if e.Kind == engagement.MeetingAttended && e.Count != 7 {
				t.Errorf("attendance event counts %d, want 7", e.Count)
			}
		}
		want := map[engagement.Kind]int{engagement.GroupJoined: 1, engagement.MeetingRSVP: 1, engagement.GroupLeft: 1, engagement.MeetingAttended: 1}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%s: %d %s events, want %d", g.Name, kinds[k], k, n)
			}
		}
	}
}

func TestCreateGroupRules(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	stranger := w.user(t, "Fremd")
	if _, err := s.Create(t.Context(), stranger, groupInput(orgID)); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("stranger creates: %v, want FORBIDDEN", err)
	}
	tests := []struct {
		field  string
		change func(*group.CreateInput)
	}{
		{"input.name", func(in *group.CreateInput) { in.Name = "" }},
		{"input.category", func(in *group.CreateInput) { in.Category = "Sucht!" }},
		{"input.mode", func(in *group.CreateInput) { in.Mode = "SOMEWHERE" }},
		{"input.place", func(in *group.CreateInput) { in.Place = "" }},
		{"input.onlineUrl", func(in *group.CreateInput) { in.Mode = opportunity.ModeOnline; in.OnlineURL = "" }},
		{"input.joinPolicy", func(in *group.CreateInput) { in.JoinPolicy = "MAYBE" }},
		{"input.area.postalCode", func(in *group.CreateInput) { in.Area = &group.AreaInput{PostalCode: "!!"} }},
		{"input.languages.0", func(in *group.CreateInput) { in.Languages = []string{"deutsch"} }},
	}
	for _, tt := range tests {
		in := groupInput(orgID)
		tt.change(&in)
		_, err := s.Create(t.Context(), coord, in)
		wantField(t, err, tt.field)
	}
	if p, _ := s.Browse(t.Context(), coord, group.Filter{}, 10, ""); p.Total != 0 {
		t.Fatalf("bad input wrote %d groups", p.Total)
	}
	lat, lng := 52.5321, 13.3849
	in := groupInput(orgID)
	in.Area = &group.AreaInput{PostalCode: "10115", Latitude: &lat, Longitude: &lng}
	g := mustGroup(t, s, coord, in)
	if g.Area.Latitude != 52.53 || g.Area.Longitude != 13.38 {
		t.Fatalf("area %+v, want rounded to 52.53, 13.38", g.Area)
	}
	// A facilitator of the organisation may create groups too.
	f := w.user(t, "Moderation")
	if _, err := s.AddFacilitator(t.Context(), coord, g.ID, mustEmail(t, w, f.UserID)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(t.Context(), f, groupInput(orgID)); err != nil {
		t.Fatalf("facilitator creates: %v", err)
	}
	p, err := s.Browse(t.Context(), stranger, group.Filter{Category: "addiction", PostalCode: "101"}, 10, "")
	if err != nil || p.Total != 2 || p.Items[0].PlaceFor() != "" {
		t.Fatalf("Browse = %d groups, place %q, %v", p.Total, p.Items[0].PlaceFor(), err)
	}
	if p, _ := s.Browse(t.Context(), stranger, group.Filter{PostalCode: "20"}, 10, ""); p.Total != 0 {
		t.Fatalf("Browse elsewhere = %d", p.Total)
	}
}

// TestFollowSeesOtherProcessesGroups: a second process hears of a group the first created.
func TestFollowSeesOtherProcessesGroups(t *testing.T) {
	w := newWorld(t)
	a, b := w.service(t, false), w.service(t, false)
	seen := make(chan string, 10)
	if err := b.OnChange(t.Context(), func(g group.Group) { seen <- g.ID }); err != nil {
		t.Fatal(err)
	}
	go b.Follow(t.Context(), 10*time.Millisecond)
	coord, orgID := w.org(t)
	g := mustGroup(t, a, coord, groupInput(orgID))
	for id := range seen {
		if id == g.ID {
			return
		}
	}
}
