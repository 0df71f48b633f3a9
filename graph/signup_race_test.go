package graph_test

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/graph"
)

type rosterView struct {
	Shift struct {
		ConfirmedCount int
		WaitlistCount  int
		Signups        []struct {
			ID     string
			Status string
		}
	}
}

const rosterQuery = `query Roster($id: ID!) { shift(id: $id) { confirmedCount waitlistCount signups { id status } } }`

// TestFiveHundredVolunteersRaceForTwentyPlaces proves invariant 1 through the real HTTP
// handler on the embedded store: never more confirmed than places, a FIFO waitlist with
// unique positions, and freed places going to the first waiting.
func TestFiveHundredVolunteersRaceForTwentyPlaces(t *testing.T) {
	// Under the race detector on two cores, the last of 500 queued signups waits for the
	// others: allow for it rather than time requests out.
	a := newAPI(t, func(o *graph.Options) { o.RequestTimeout = 2 * time.Minute })
	a.HTTP = manyConnections
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(48*time.Hour), 3*time.Hour, 20)
	f.publish(t, a)
	const n = 500
	tokens := a.volunteers(t, n)
	t.Cleanup(func() {
		if t.Failed() {
			dumpInternal(t, a)
		}
	})

	results := make([]signupView, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var out struct{ SignUp struct{ Signup signupView } }
			a.As(tokens[i]).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &out)
			results[i] = out.SignUp.Signup
		}()
	}
	close(start)
	wg.Wait()

	confirmed, positions := 0, []int{}
	byPosition := map[int]int{} // waitlist position → volunteer index
	for i, r := range results {
		switch r.Status {
		case "CONFIRMED":
			confirmed++
		case "WAITLISTED":
			if r.WaitlistPosition == nil {
				t.Fatalf("waitlisted signup %s has no position", r.ID)
			}
			positions = append(positions, *r.WaitlistPosition)
			byPosition[*r.WaitlistPosition] = i
		default:
			t.Fatalf("signup %d status = %s", i, r.Status)
		}
	}
	slices.Sort(positions)
	if confirmed != 20 || len(positions) != 480 || positions[0] != 1 || positions[479] != 480 || len(byPosition) != 480 {
		t.Fatalf("confirmed = %d, waitlisted = %d (positions %d..%d, %d distinct); want 20 and 480 with 1..480",
			confirmed, len(positions), positions[0], positions[len(positions)-1], len(byPosition))
	}

	// The store agrees.
	var roster rosterView
	a.As(f.coordinator.AccessToken).Do(t, rosterQuery, map[string]any{"id": shiftID}).OK(t, &roster)
	if got := countStatus(roster, "CONFIRMED"); got != 20 || roster.Shift.ConfirmedCount != 20 || roster.Shift.WaitlistCount != 480 {
		t.Fatalf("stored confirmed = %d, confirmedCount = %d, waitlistCount = %d", got, roster.Shift.ConfirmedCount, roster.Shift.WaitlistCount)
	}

	// Five confirmed volunteers cancel at once while an observer counts confirmed signups in
	// the store: never more than 20, and the first five waiting move up.
	var cancelling []int
	for i, r := range results {
		if r.Status == "CONFIRMED" && len(cancelling) < 5 {
			cancelling = append(cancelling, i)
		}
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	observed := make(chan struct{})
	go func() {
		defer close(observed)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var r rosterView
			a.As(f.coordinator.AccessToken).Do(t, rosterQuery, map[string]any{"id": shiftID}).OK(t, &r)
			if c := int64(countStatus(r, "CONFIRMED")); c > peak.Load() {
				peak.Store(c)
			}
		}
	}()
	for _, i := range cancelling {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct{ CancelSignup struct{ Signup signupView } }
			a.As(tokens[i]).Do(t, cancelSignupMutation, map[string]any{"id": results[i].ID}).OK(t, &out)
			if out.CancelSignup.Signup.Status != "CANCELLED" {
				t.Errorf("cancelled signup status = %s", out.CancelSignup.Signup.Status)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-observed
	if peak.Load() > 20 {
		t.Fatalf("observed %d confirmed signups, capacity is 20", peak.Load())
	}

	a.As(f.coordinator.AccessToken).Do(t, rosterQuery, map[string]any{"id": shiftID}).OK(t, &roster)
	status := map[string]string{}
	for _, s := range roster.Shift.Signups {
		status[s.ID] = s.Status
	}
	for pos := 1; pos <= 6; pos++ {
		want := "CONFIRMED"
		if pos == 6 {
			want = "WAITLISTED"
		}
		if got := status[results[byPosition[pos]].ID]; got != want {
			t.Errorf("volunteer at waitlist position %d is %s, want %s", pos, got, want)
		}
	}
	if got := countStatus(roster, "CONFIRMED"); got != 20 || roster.Shift.WaitlistCount != 475 {
		t.Fatalf("after cancellations confirmed = %d, waitlisted = %d; want 20 and 475", got, roster.Shift.WaitlistCount)
	}
	// The sixth in line is now first.
	var mine struct {
		MySignups struct{ Edges []struct{ Node signupView } }
	}
	a.As(tokens[byPosition[6]]).Do(t, `{ mySignups { edges { node { id status waitlistPosition } } } }`, nil).OK(t, &mine)
	if p := mine.MySignups.Edges[0].Node.WaitlistPosition; p == nil || *p != 1 {
		t.Fatalf("sixth in line now has position %v, want 1", p)
	}

	// Every step is in the event log.
	events := a.eventsOf(t, "shiftId", shiftID)
	kinds := map[string]int{}
	for _, e := range events {
		kinds[string(e.Kind)]++
	}
	if kinds["SIGNED_UP"] != 20 || kinds["WAITLISTED"] != 480 || kinds["CANCELLED"] != 5 || kinds["PROMOTED"] != 5 {
		t.Fatalf("events = %v", kinds)
	}
}

func countStatus(r rosterView, status string) int {
	n := 0
	for _, s := range r.Shift.Signups {
		if s.Status == status {
			n++
		}
	}
	return n
}

func TestDuplicateSignupsByOneVolunteerGiveOne(t *testing.T) {
	a := newAPI(t, func(o *graph.Options) { o.RequestTimeout = 2 * time.Minute })
	a.HTTP = manyConnections
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(24*time.Hour), 2*time.Hour, 5)
	f.publish(t, a)
	token := a.volunteers(t, 1)[0]

	ids := make([]string, 50)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct{ SignUp struct{ Signup signupView } }
			a.As(token).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &out)
			ids[i] = out.SignUp.Signup.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("signups %s and %s for one volunteer and shift", ids[0], id)
		}
	}
	var roster rosterView
	a.As(f.coordinator.AccessToken).Do(t, rosterQuery, map[string]any{"id": shiftID}).OK(t, &roster)
	if len(roster.Shift.Signups) != 1 || roster.Shift.ConfirmedCount != 1 {
		t.Fatalf("roster = %+v, want one confirmed signup", roster.Shift)
	}
}

// TestReplicasRacingOnOneStoreNeverOversell runs the race through two servers that share the
// database but not their memory, as replicas on MongoDB do: each decides from what it last
// read, and the store's unique keys settle every disagreement.
func TestReplicasRacingOnOneStoreNeverOversell(t *testing.T) {
	replicas := newReplicas(t, 2)
	a, b := replicas[0], replicas[1]
	a.HTTP, b.HTTP = manyConnections, manyConnections
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(48*time.Hour), time.Hour, 20)
	f.publish(t, a)
	const n = 100
	tokens := a.volunteers(t, n)

	results := make([]signupView, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			via := replicas[i%2]
			var out struct{ SignUp struct{ Signup signupView } }
			via.As(tokens[i]).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &out)
			results[i] = out.SignUp.Signup
		}()
	}
	close(start)
	wg.Wait()

	var roster rosterView
	b.As(f.coordinator.AccessToken).Do(t, rosterQuery, map[string]any{"id": shiftID}).OK(t, &roster)
	if c, w := countStatus(roster, "CONFIRMED"), countStatus(roster, "WAITLISTED"); c != 20 || w != n-20 || len(roster.Shift.Signups) != n {
		t.Fatalf("stored: %d confirmed, %d waitlisted, %d signups; want 20, %d, %d", c, w, len(roster.Shift.Signups), n-20, n)
	}
	positions := map[int]bool{}
	for _, r := range results {
		if r.Status == "WAITLISTED" {
			if positions[*r.WaitlistPosition] {
				t.Fatalf("waitlist position %d given twice", *r.WaitlistPosition)
			}
			positions[*r.WaitlistPosition] = true
		}
	}
}

// TestReplayedMutationsHaveOneEffect sends the same keyed mutation ten times at once, as an app
// back online might: one effect, the same answer each time.
func TestReplayedMutationsHaveOneEffect(t *testing.T) {
	a := newAPI(t)
	a.HTTP = manyConnections
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(24*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vol := a.volunteers(t, 1)[0]
	const signUp = `mutation($s: ID!, $k: String) { signUp(shiftId: $s, idempotencyKey: $k) { signup { id status } } }`
	const cancel = `mutation($id: ID!, $k: String) { cancelSignup(signupId: $id, idempotencyKey: $k) { signup { id status } } }`

	var su struct{ SignUp struct{ Signup signupView } }
	a.As(vol).Do(t, signUp, map[string]any{"s": shiftID, "k": "app-key-signup-1"}).OK(t, &su)
	id := su.SignUp.Signup.ID

	results := make([]string, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out struct{ CancelSignup struct{ Signup signupView } }
			a.As(vol).Do(t, cancel, map[string]any{"id": id, "k": "app-key-cancel-1"}).OK(t, &out)
			results[i] = out.CancelSignup.Signup.ID + " " + out.CancelSignup.Signup.Status
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r != id+" CANCELLED" {
			t.Fatalf("replayed cancellations answered %v, want %s CANCELLED every time", results, id)
		}
	}
	cancelled := 0
	for _, e := range a.eventsOf(t, "signupId", id) {
		if e.Kind == "CANCELLED" {
			cancelled++
		}
	}
	if cancelled != 1 {
		t.Fatalf("%d cancellations recorded, want 1", cancelled)
	}
	// Replaying the first signUp returns the (now cancelled) signup rather than a new one.
	a.As(vol).Do(t, signUp, map[string]any{"s": shiftID, "k": "app-key-signup-1"}).OK(t, &su)
	if su.SignUp.Signup.ID != id || su.SignUp.Signup.Status != "CANCELLED" {
		t.Fatalf("replayed signUp = %+v, want the first signup", su.SignUp.Signup)
	}
	a.As(vol).Do(t, cancel, map[string]any{"id": id, "k": "app-key-signup-1"}).Fails(t, "BAD_USER_INPUT", "idempotencyKey")
	a.As(vol).Do(t, signUp, map[string]any{"s": shiftID, "k": "short"}).Fails(t, "BAD_USER_INPUT", "idempotencyKey")
}

// TestReplayedCheckInsHaveOneEffect: a keyed check-in sent ten times at once is recorded once.
func TestReplayedCheckInsHaveOneEffect(t *testing.T) {
	a := newAPI(t)
	a.HTTP = manyConnections
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(10*time.Minute), time.Hour, 5)
	f.publish(t, a)
	vol := a.volunteers(t, 1)[0]
	var su struct{ SignUp struct{ Signup signupView } }
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &su)
	const checkIn = `mutation($id: ID!, $k: String) { checkIn(signupId: $id, idempotencyKey: $k) { signup { id status } } }`
	statuses := make([]string, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			var out struct{ CheckIn struct{ Signup signupView } }
			a.As(vol).Do(t, checkIn, map[string]any{"id": su.SignUp.Signup.ID, "k": "app-key-checkin-1"}).OK(t, &out)
			statuses[i] = out.CheckIn.Signup.Status
		})
	}
	wg.Wait()
	for _, s := range statuses {
		if s != "ATTENDED" {
			t.Fatalf("replayed check-ins answered %v, want ATTENDED each time", statuses)
		}
	}
	attended := 0
	for _, e := range a.eventsOf(t, "signupId", su.SignUp.Signup.ID) {
		if e.Kind == "ATTENDED" {
			attended++
		}
	}
	if attended != 1 {
		t.Fatalf("%d attendances recorded, want 1", attended)
	}
}
