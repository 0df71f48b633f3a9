package graph_test

import (
	"fmt"
	"sync"
	"testing"
)

// TestRSVPRace: 200 members RSVP for 12 places at once over HTTP; exactly 12 attend and the
// rest wait in an unbroken queue.
func TestRSVPRace(t *testing.T) {
	a := newAPI(t)
	a.HTTP = manyConnections
	f := newGroupFixture(t, a, map[string]any{"joinPolicy": "OPEN"})
	m := f.schedule(t, a, 12, true)[0]
	tokens := a.volunteers(t, 200)
	for i, tok := range tokens {
		a.join(t, tok, f.groupID, fmt.Sprintf("Stern %d", i))
	}
	var wg sync.WaitGroup
	results := make([]meetingView, len(tokens))
	errc := make(chan error, len(tokens))
	for i, tok := range tokens {
		wg.Go(func() {
			r := a.As(tok).Do(t, rsvpMutation, map[string]any{"m": m.ID, "yes": true})
			if len(r.Errors) > 0 {
				errc <- fmt.Errorf("%+v", r.Errors)
				return
			}
			var out struct {
				Rsvp struct{ Meeting meetingView }
			}
			r.OK(t, &out)
			results[i] = out.Rsvp.Meeting
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	attending, positions := 0, map[int]bool{}
	for _, r := range results {
		switch {
		case r.MyRsvp == nil:
			t.Fatal("an RSVP came back without the caller's answer")
		case r.MyRsvp.Status == "ATTENDING":
			attending++
		case r.MyRsvp.Status == "WAITLISTED" && r.MyRsvp.WaitlistPosition != nil:
			positions[*r.MyRsvp.WaitlistPosition] = true
		}
	}
	var now struct {
		Meeting meetingView
	}
	a.As(tokens[0]).Do(t, `query($m: ID!) { meeting(id: $m) { attendingCount waitlistCount } }`, map[string]any{"m": m.ID}).OK(t, &now)
	if attending != 12 || now.Meeting.AttendingCount != 12 || now.Meeting.WaitlistCount != 188 {
		t.Fatalf("%d told they attend, meeting shows %d attending and %d waiting; want 12 and 188", attending, now.Meeting.AttendingCount, now.Meeting.WaitlistCount)
	}
	if len(positions) < 2 {
		t.Fatalf("waitlist positions %v", positions)
	}
	// The store agrees: its unique place keys hold 12 places.
	rsvps, err := a.store.Groups().RSVPsOf(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	seats := map[int]bool{}
	for _, r := range rsvps {
		if r.Seat > 0 {
			seats[r.Seat] = true
		}
	}
	if len(seats) != 12 {
		t.Fatalf("store holds %d places, want 12", len(seats))
	}
}

// TestReplayedRSVPsHaveOneEffect: the app sends one keyed answer ten times at once (a flaky
// connection), and once more after the person answered otherwise; one place is taken and the
// later answer stands.
func TestReplayedRSVPsHaveOneEffect(t *testing.T) {
	a := newAPI(t)
	a.HTTP = manyConnections
	f := newGroupFixture(t, a, map[string]any{"joinPolicy": "OPEN"})
	m := f.schedule(t, a, 3, true)[0]
	member := a.volunteers(t, 1)[0]
	a.join(t, member, f.groupID, "Morgenstern")
	const keyed = `mutation($m: ID!, $yes: Boolean!, $k: String) {
  rsvp(meetingId: $m, attending: $yes, idempotencyKey: $k) { meeting { id attendingCount waitlistCount myRsvp { status waitlistPosition } } }
}`
	vars := map[string]any{"m": m.ID, "yes": true, "k": "app-rsvp-key-1"}
	var wg sync.WaitGroup
	counts := make([]int, 10)
	for i := range counts {
		wg.Go(func() {
			var out struct{ Rsvp struct{ Meeting meetingView } }
			a.As(member).Do(t, keyed, vars).OK(t, &out)
			counts[i] = out.Rsvp.Meeting.AttendingCount
		})
	}
	wg.Wait()
	for _, n := range counts {
		if n != 1 {
			t.Fatalf("replays answered attending counts %v, want 1 each", counts)
		}
	}
	var rsvpEvents int
	for _, e := range a.eventsOf(t, "meetingId", m.ID) {
		if e.Kind == "MEETING_RSVP" {
			rsvpEvents++
		}
	}
	if rsvpEvents != 1 {
		t.Fatalf("%d RSVP events, want 1", rsvpEvents)
	}

	a.As(member).Do(t, rsvpMutation, map[string]any{"m": m.ID, "yes": false}).OK(t, nil)
	var replayed struct{ Rsvp struct{ Meeting meetingView } }
	a.As(member).Do(t, keyed, vars).OK(t, &replayed)
	if got := replayed.Rsvp.Meeting; got.AttendingCount != 0 || got.MyRsvp != nil && got.MyRsvp.Status == "ATTENDING" {
		t.Fatalf("replayed answer = %+v, want the later refusal kept", got)
	}
	a.As(member).Do(t, keyed, map[string]any{"m": m.ID, "yes": false, "k": "app-rsvp-key-1"}).Fails(t, "BAD_USER_INPUT", "idempotencyKey")
}
