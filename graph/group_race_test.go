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
