package group_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
)

// meetingWithMembers creates a group with one meeting of the capacity and n members.
func meetingWithMembers(t *testing.T, w *world, s *group.Service, capacity, n int, waitlist bool) (auth.Actor, group.View, group.MeetingView, []auth.Actor) {
	t.Helper()
	coord, orgID := w.org(t)
	g := mustGroup(t, s, coord, groupInput(orgID))
	in := schedule(g.ID, "FREQ=WEEKLY;COUNT=1", time.Date(2030, 3, 5, 19, 0, 0, 0, berlin(t)), "Europe/Berlin")
	in.Capacity, in.Waitlist = capacity, waitlist
	if _, err := s.Schedule(t.Context(), coord, in); err != nil {
		t.Fatal(err)
	}
	members := make([]auth.Actor, n)
	for i := range members {
		members[i] = w.user(t, fmt.Sprintf("M%d", i))
		mustJoin(t, s, members[i], g.ID, fmt.Sprintf("Stern %d", i))
	}
	return coord, g, meetings(t, s, coord, g.ID)[0], members
}

// TestRSVPRaceNeverOversells lets many members RSVP at once for few places: 60 for 12 in
// one process (graph's TestRSVPRace sends 200 over HTTP), and, smaller as every attempt reads
// the store, through two services on one store that share no memory, as two server replicas,
// where the store's unique place keys alone keep the count.
func TestRSVPRaceNeverOversells(t *testing.T) {
	tests := []struct {
		name              string
		processes         int
		members, capacity int
	}{
		{"one process", 1, 60, 12},
		{"two processes", 2, 30, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			first := w.service(t, tt.processes == 1)
			coord, _, m, members := meetingWithMembers(t, w, first, tt.capacity, tt.members, true)
			services := []*group.Service{first}
			if tt.processes == 2 {
				services = append(services, w.service(t, false))
			}
			var wg sync.WaitGroup
			errc := make(chan error, len(members))
			for i, a := range members {
				wg.Go(func() {
					if _, err := services[i%len(services)].RSVP(t.Context(), a, m.ID, true); err != nil {
						errc <- err
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			got, err := w.service(t, false).Meeting(t.Context(), coord, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Attending != tt.capacity || got.Waitlisted != tt.members-tt.capacity {
				t.Fatalf("attending %d, waitlisted %d; want %d and %d", got.Attending, got.Waitlisted, tt.capacity, tt.members-tt.capacity)
			}
		})
	}
}

// TestRSVPWaitlistMovesUp withdraws an attending member: the first on the waitlist gets the
// place; a meeting without a waitlist refuses when full.
func TestRSVPWaitlistMovesUp(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	_, _, m, members := meetingWithMembers(t, w, s, 2, 4, true)
	var views []group.MeetingView
	for _, a := range members {
		v, err := s.RSVP(t.Context(), a, m.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		views = append(views, v)
	}
	if views[2].My.Status != group.Waitlisted || views[2].MyPosition != 1 || views[3].MyPosition != 2 {
		t.Fatalf("third and fourth: %v %d, %d", views[2].My.Status, views[2].MyPosition, views[3].MyPosition)
	}
	// Saying yes again changes nothing.
	if v, err := s.RSVP(t.Context(), members[0], m.ID, true); err != nil || v.Attending != 2 || v.Waitlisted != 2 {
		t.Fatalf("repeated RSVP: %+v, %v", v, err)
	}
	if _, err := s.RSVP(t.Context(), members[0], m.ID, false); err != nil {
		t.Fatal(err)
	}
	v, err := s.Meeting(t.Context(), members[2], m.ID)
	if err != nil || v.My == nil || v.My.Status != group.Attending || v.Attending != 2 || v.Waitlisted != 1 {
		t.Fatalf("after a withdrawal the first waiting: %+v, %v", v.My, err)
	}
	// Leaving the group frees the place too.
	if _, err := s.Leave(t.Context(), members[1], v.GroupID); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Meeting(t.Context(), members[3], m.ID); v.My == nil || v.My.Status != group.Attending {
		t.Fatalf("after a member left the last waiting is %+v", v.My)
	}

	w2 := newWorld(t)
	s2 := w2.service(t, true)
	_, _, m2, members2 := meetingWithMembers(t, w2, s2, 1, 2, false)
	if _, err := s2.RSVP(t.Context(), members2[0], m2.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.RSVP(t.Context(), members2[1], m2.ID, true); !errs.Is(err, errs.Conflict) {
		t.Fatalf("RSVP to a full meeting without waitlist: %v, want CONFLICT", err)
	}
	outsider := w2.user(t, "Fremd")
	if _, err := s2.RSVP(t.Context(), outsider, m2.ID, true); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("RSVP by a non-member: %v, want FORBIDDEN", err)
	}
}
