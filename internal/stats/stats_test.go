package stats_test

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

// at is a wall-clock time in Berlin.
func at(day string, hour, minute int) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, berlin)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, berlin)
}

// newJob reads every event already inserted: in one test process event IDs grow with every
// insert, so a clock one second ahead and no settle margin lose nothing.
func newJob(st *store.Store, opts ...stats.JobOption) *stats.Job {
	opts = append([]stats.JobOption{stats.WithClock(func() time.Time { return time.Now().Add(time.Second) }, 0)}, opts...)
	return stats.NewJob(st.Stats(), st.Outbox(), st.Stats(), opts...)
}

func run(t *testing.T, j *stats.Job) int64 {
	t.Helper()
	n, err := j.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func appendEvents(t *testing.T, st *store.Store, events ...engagement.Event) {
	t.Helper()
	if err := st.Events().AppendEvents(t.Context(), events...); err != nil {
		t.Fatal(err)
	}
}

func raw(t *testing.T, st *store.Store, org string) map[string]map[string]float64 {
	t.Helper()
	figs, err := stats.RawFigures(t.Context(), st.Stats(), org)
	if err != nil {
		t.Fatal(err)
	}
	return figs
}

const org = "org-a"

// fixture is a small history with a hand-computed result (fixtureWant). Weeks are ISO weeks:
// 2026-W44 is 26 Oct to 1 Nov, W46 is 9 to 15 Nov, W47 starts on Monday 16 Nov.
func fixture() []engagement.Event {
	return []engagement.Event{
		{Kind: engagement.SignedUp, At: at("2026-10-31", 10, 0), UserID: "u1", OrganisationID: org, ShiftID: "s-none"},
		// Attendance at a shift comes with its confirmed hours.
		{Kind: engagement.Attended, At: at("2026-11-09", 9, 0), UserID: "u1", OrganisationID: org, Hours: 2},
		{Kind: engagement.SignedUp, At: at("2026-11-09", 12, 0), UserID: "u2", OrganisationID: org},
		// 23:30 in Berlin is still Monday, although it is 22:30 UTC.
		{Kind: engagement.GroupJoined, At: at("2026-11-09", 23, 30), UserID: "u2", OrganisationID: org, GroupID: "g1"},
		{Kind: engagement.HoursConfirmed, At: at("2026-11-10", 8, 0), UserID: "u2", OrganisationID: org, Hours: 3.5},
		{Kind: engagement.NoShow, At: at("2026-11-10", 18, 0), UserID: "u3", OrganisationID: org},
		// A sensitive group's meeting: a number, no person.
		{Kind: engagement.MeetingAttended, At: at("2026-11-16", 19, 0), OrganisationID: org, GroupID: "g2", MeetingID: "m1", Count: 4},
		{Kind: engagement.ModuleCompleted, At: at("2026-11-16", 20, 0), UserID: "u3", OrganisationID: org, ModuleID: "mod1"},
		// Sunday 23:30 UTC is Monday 00:30 in Berlin: week 47.
		{Kind: engagement.MeetingAttended, At: time.Date(2026, 11, 15, 23, 30, 0, 0, time.UTC), UserID: "u1", OrganisationID: org, GroupID: "g1", MeetingID: "m2"},
		// Neither counted nor leaked into org-a.
		{Kind: engagement.SignedUp, At: at("2026-11-09", 12, 0), UserID: "u1", OrganisationID: "org-b"},
		{Kind: engagement.Waitlisted, At: at("2026-11-09", 12, 0), UserID: "u9", OrganisationID: org},
	}
}

type figs = map[string]map[string]float64

func fixtureWant() figs {
	return figs{
		"DAY 2026-10-31": {"active": 1, "new": 1, "signups": 1},
		"WEEK 2026-W44":  {"active": 1, "new": 1, "signups": 1},
		"MONTH 2026-10":  {"active": 1, "new": 1, "signups": 1},
		"DAY 2026-11-09": {"active": 2, "new": 1, "returning": 1, "signups": 2, "attendances": 1, "hours": 2},
		"DAY 2026-11-10": {"active": 1, "returning": 1, "hours": 3.5, "noShows": 1},
		"DAY 2026-11-16": {"active": 2, "new": 1, "returning": 1, "meetings": 5, "completions": 1},
		"WEEK 2026-W46":  {"active": 2, "new": 1, "returning": 1, "signups": 2, "attendances": 1, "hours": 5.5, "noShows": 1},
		"WEEK 2026-W47":  {"active": 2, "new": 1, "returning": 1, "meetings": 5, "completions": 1},
		"MONTH 2026-11":  {"active": 3, "new": 2, "returning": 1, "signups": 2, "attendances": 1, "hours": 5.5, "noShows": 1, "meetings": 5, "completions": 1},
	}
}

func equalFigs(t *testing.T, got, want figs) {
	t.Helper()
	for k, w := range want {
		if !maps.Equal(got[k], w) {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected bucket %s = %v", k, g)
		}
	}
}

func TestFixtureCountsRerunAndLateEvent(t *testing.T) {
	st := storetest.New(t)
	appendEvents(t, st, fixture()...)
	job := newJob(st)
	if n := run(t, job); n != int64(len(fixture())) {
		t.Fatalf("first run read %d events, want %d", n, len(fixture()))
	}
	equalFigs(t, raw(t, st, org), fixtureWant())

	// A re-run reads nothing and changes nothing.
	if n := run(t, job); n != 0 {
		t.Fatalf("re-run read %d events, want 0", n)
	}
	equalFigs(t, raw(t, st, org), fixtureWant())

	// A run that crashed after storing the statistics but before the watermark: the next run
	// reads the same events again and must not count them twice.
	if err := st.Outbox().SetWatermark(t.Context(), stats.WatermarkName, ""); err != nil {
		t.Fatal(err)
	}
	if n := run(t, job); n != int64(len(fixture())) {
		t.Fatalf("run without watermark read %d events, want %d", n, len(fixture()))
	}
	equalFigs(t, raw(t, st, org), fixtureWant())

	// A late event: it happened in October, in periods computed already, but is inserted now.
	// u3 was active before their first November activity, so November counts them as returning.
	appendEvents(t, st, engagement.Event{Kind: engagement.SignedUp, At: at("2026-10-31", 11, 0), UserID: "u3", OrganisationID: org})
	if n := run(t, job); n != 1 {
		t.Fatalf("run after a late event read %d events, want 1", n)
	}
	// Again after losing the watermark: the log is read anew, with a later event than the
	// statistics hold; only that one may count.
	if err := st.Outbox().SetWatermark(t.Context(), stats.WatermarkName, ""); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, st, engagement.Event{Kind: engagement.SignedUp, At: at("2026-11-09", 12, 0), UserID: "u3", OrganisationID: "org-c"})
	if n := run(t, job); n != int64(len(fixture())+2) {
		t.Fatalf("run without watermark read %d events, want %d", n, len(fixture())+2)
	}
	want := fixtureWant()
	want["DAY 2026-10-31"] = map[string]float64{"active": 2, "new": 2, "signups": 2}
	want["WEEK 2026-W44"] = want["DAY 2026-10-31"]
	want["MONTH 2026-10"] = want["DAY 2026-10-31"]
	want["DAY 2026-11-16"] = map[string]float64{"active": 2, "returning": 2, "meetings": 5, "completions": 1}
	want["WEEK 2026-W47"] = map[string]float64{"active": 2, "returning": 2, "meetings": 5, "completions": 1}
	want["MONTH 2026-11"] = map[string]float64{"active": 3, "new": 1, "returning": 2, "signups": 2, "attendances": 1, "hours": 5.5, "noShows": 1, "meetings": 5, "completions": 1}
	equalFigs(t, raw(t, st, org), want)
	if got := raw(t, st, "org-b")["DAY 2026-11-09"]; !maps.Equal(got, map[string]float64{"active": 1, "new": 1, "signups": 1}) {
		t.Errorf("org-b = %v", got)
	}
}

// An event whose ID is younger than the settle margin waits for the next run: a server may
// still be inserting events with lower IDs.
func TestSettleMarginWaits(t *testing.T) {
	st := storetest.New(t)
	appendEvents(t, st, fixture()...)
	now := time.Now()
	early := stats.NewJob(st.Stats(), st.Outbox(), st.Stats(), stats.WithClock(func() time.Time { return now }, time.Hour))
	if n := run(t, early); n != 0 {
		t.Fatalf("read %d events younger than the margin", n)
	}
	if got := raw(t, st, org); len(got) != 0 {
		t.Fatalf("buckets written: %v", got)
	}
	later := stats.NewJob(st.Stats(), st.Outbox(), st.Stats(), stats.WithClock(func() time.Time { return now.Add(time.Hour + 2*time.Second) }, time.Hour))
	if n := run(t, later); n != int64(len(fixture())) {
		t.Fatalf("read %d events after the margin, want %d", n, len(fixture()))
	}
	equalFigs(t, raw(t, st, org), fixtureWant())
}

// manyEvents is a few weeks of activity of 40 volunteers in two organisations.
func manyEvents(n int) []engagement.Event {
	kinds := []engagement.Kind{engagement.SignedUp, engagement.Attended, engagement.NoShow, engagement.HoursConfirmed,
		engagement.MeetingAttended, engagement.ModuleCompleted, engagement.GroupJoined, engagement.Cancelled}
	start := at("2026-09-01", 8, 0)
	out := make([]engagement.Event, n)
	for i := range out {
		e := engagement.Event{Kind: kinds[i%len(kinds)], At: start.Add(time.Duration(i*7919%(60*24)) * time.Hour / 12),
			UserID: "u" + string(rune('a'+i%40/2)) + string(rune('a'+i%2)), OrganisationID: []string{org, "org-b"}[i%3/2]}
		switch e.Kind {
		case engagement.HoursConfirmed:
			e.Hours = float64(i%4) + 0.5
		case engagement.MeetingAttended:
			e.Count = i % 3
		}
		out[i] = e
	}
	return out
}

// Two job runs at once, in two goroutines with their own store connections (as two workers),
// in small batches and each several times, give the statistics of one run.
func TestConcurrentRunsEqualOneRun(t *testing.T) {
	events := manyEvents(600)

	single := storetest.New(t)
	appendEvents(t, single, events...)
	run(t, newJob(single))

	cfg := storetest.Config(t)
	var stores []*store.Store
	for range 2 {
		st, err := store.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close(context.Background()) })
		stores = append(stores, st)
	}
	t.Cleanup(func() { _ = stores[0].Drop(context.Background()) })
	// The first runs read the log, the later ones the queue, in batches of different sizes.
	appendEvents(t, stores[0], events[:400]...)
	concurrently := func() {
		var wg sync.WaitGroup
		errc := make(chan error, 2)
		for i, st := range stores {
			wg.Go(func() {
				job := newJob(st, stats.WithBatch(37+i*16))
				for range 3 {
					if _, err := job.Run(t.Context()); err != nil {
						errc <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
	}
	concurrently()
	appendEvents(t, stores[1], events[400:]...)
	concurrently()
	for _, o := range []string{org, "org-b"} {
		want := raw(t, single, o)
		if len(want) == 0 {
			t.Fatalf("%s: no buckets in the single run", o)
		}
		equalFigs(t, raw(t, stores[1], o), want)
	}
	// And a later run by either, from whatever watermark was left, changes nothing.
	run(t, newJob(stores[0]))
	equalFigs(t, raw(t, stores[0], org), raw(t, single, org))
}

// allow lets every caller read; authorisation is tested over GraphQL with the real
// organisation service.
type allow struct{}

func (allow) Authorize(context.Context, auth.Actor, string, ...organisation.Role) (organisation.Organisation, error) {
	return organisation.Organisation{}, nil
}

func TestTableSuppressesSmallCounts(t *testing.T) {
	st := storetest.New(t)
	appendEvents(t, st, manyEvents(900)...)
	run(t, newJob(st))
	svc := stats.NewService(st.Stats(), allow{}, 5)
	from, _ := stats.ParseDate("2026-08-25")
	to, _ := stats.ParseDate("2026-10-10")
	shown, suppressed := 0, 0
	for _, g := range stats.Granularities {
		tab, err := svc.Table(t.Context(), auth.Actor{UserID: "x"}, org, from, to, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range tab.Rows {
			for _, c := range []stats.Cell{r.ActiveVolunteers, r.NewVolunteers, r.ReturningVolunteers, r.Signups,
				r.Attendances, r.NoShows, r.MeetingAttendance, r.TrainingCompletions, r.FilledPlaces, r.OfferedPlaces} {
				if n := c.Count(); n != nil {
					shown++
					if *n < 5 {
						t.Errorf("%s %s: shown count %d below k", g, r.Period, *n)
					}
				} else {
					suppressed++
				}
			}
		}
	}
	if shown == 0 || suppressed == 0 {
		t.Fatalf("the data should show some cells and suppress others: %d shown, %d suppressed", shown, suppressed)
	}
}

func TestFillRate(t *testing.T) {
	st := storetest.New(t)
	ctx := t.Context()
	sh := &opportunity.Shift{OpportunityID: "o1", OrganisationID: org, StartsAt: at("2026-11-20", 10, 0),
		EndsAt: at("2026-11-20", 12, 0), TimeZone: "Europe/Berlin", Capacity: 8, Status: opportunity.ShiftActive}
	if err := st.Opportunities().InsertShift(ctx, sh); err != nil {
		t.Fatal(err)
	}
	var events []engagement.Event
	for i, status := range []signup.Status{signup.Confirmed, signup.Confirmed, signup.Attended, signup.NoShow, signup.Cancelled, signup.Waitlisted} {
		su := signup.Signup{ID: "su" + string(rune('0'+i)), ShiftID: sh.ID, OpportunityID: "o1", OrganisationID: org,
			UserID: "v" + string(rune('0'+i)), Status: status, ShiftStart: sh.StartsAt, ShiftEnd: sh.EndsAt}
		if status.HoldsPlace() {
			su.Seat = i + 1
		}
		if err := st.Signups().Insert(ctx, su); err != nil {
			t.Fatal(err)
		}
		events = append(events, engagement.Event{Kind: engagement.SignedUp, At: at("2026-11-02", 9, 0), UserID: su.UserID,
			OrganisationID: org, ShiftID: sh.ID, SignupID: su.ID})
	}
	appendEvents(t, st, events...)
	run(t, newJob(st))
	got := raw(t, st, org)
	// Places count on the day the shift starts, not the day of the signup.
	for _, k := range []string{"DAY 2026-11-20", "WEEK 2026-W47", "MONTH 2026-11"} {
		if got[k]["filled"] != 4 || got[k]["offered"] != 8 {
			t.Errorf("%s: filled %v of %v, want 4 of 8", k, got[k]["filled"], got[k]["offered"])
		}
	}
	if got["DAY 2026-11-02"]["signups"] != 6 {
		t.Errorf("signups on 2 Nov = %v, want 6", got["DAY 2026-11-02"]["signups"])
	}
}

// A queue that grew while no job ran is read and emptied in slices (the embedded store deletes
// at most 32,766 documents in one statement; here the slice is 7).
func TestLongQueue(t *testing.T) {
	defer func(n int) { store.DropSlice = n }(store.DropSlice)
	store.DropSlice = 7
	st := storetest.New(t)
	// Some history is read from the log by the first run; the queue holds it too.
	events := manyEvents(60)
	appendEvents(t, st, events...)
	job := newJob(st, stats.WithBatch(25))
	if n := run(t, job); n != int64(len(events)) {
		t.Fatalf("read %d events, want %d", n, len(events))
	}
	more := manyEvents(52)
	appendEvents(t, st, more...)
	if n := run(t, job); n != int64(len(more)) {
		t.Fatalf("read %d queued events, want %d", n, len(more))
	}
	if n := run(t, job); n != 0 {
		t.Fatalf("read %d events from an emptied queue", n)
	}
	single := storetest.New(t)
	appendEvents(t, single, append(events, more...)...)
	run(t, newJob(single))
	equalFigs(t, raw(t, st, org), raw(t, single, org))
}
