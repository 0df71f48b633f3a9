package stats

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

// WatermarkName is the job's entry among the watermarks.
const WatermarkName = "engagement-stats"

// DefaultSettle is how old an event's ID must be before the job reads it. Event IDs are
// ObjectIDs: they begin with the second in which a server created them, just before inserting
// them, and servers insert concurrently, so an event can become visible a little after one
// with a higher ID. Reading only IDs older than this margin makes the watermark follow
// insertion order, also across processes: everything below the watermark has been inserted.
// (An insert gives up after its 30 s timeout; the margin also covers clock skew.)
const DefaultSettle = 2 * time.Minute

// batchSize bounds the events read per query. Every query scans the event log on the embedded
// store, so batches are large.
const batchSize = 50_000

// Job folds new engagement events into the buckets. Re-running it changes nothing; several
// runs at once, or a run after a crash, give the same buckets as one run, because each bucket
// version records the last event it holds and a run adds only later events to it.
type Job struct {
	store  Store
	marks  Watermarks
	shifts Shifts
	now    func() time.Time
	settle time.Duration
	batch  int
}

// JobOption tunes the job.
type JobOption func(*Job)

// WithClock sets the clock and the settle margin (tests read events at once).
func WithClock(now func() time.Time, settle time.Duration) JobOption {
	return func(j *Job) { j.now, j.settle = now, settle }
}

// WithBatch sets how many events one query reads.
func WithBatch(n int) JobOption { return func(j *Job) { j.batch = n } }

// NewJob returns the statistics job.
func NewJob(store Store, marks Watermarks, shifts Shifts, opts ...JobOption) *Job {
	j := &Job{store: store, marks: marks, shifts: shifts, now: time.Now, settle: DefaultSettle, batch: batchSize}
	for _, o := range opts {
		o(j)
	}
	return j
}

// idBefore is the smallest ObjectID (hex) of second t: every ID created before t is lower.
func idBefore(t time.Time) string { return fmt.Sprintf("%08x%016x", uint32(t.Unix()), 0) }

// Run reads the events after the watermark in batches and returns how many it read.
func (j *Job) Run(ctx context.Context) (int64, error) {
	wm, err := j.marks.Watermark(ctx, WatermarkName)
	if err != nil {
		return 0, fmt.Errorf("stats: read watermark: %w", err)
	}
	before := idBefore(j.now().Add(-j.settle))
	var n int64
	for {
		events, err := j.store.EventsBetween(ctx, wm, before, j.batch)
		if err != nil {
			return n, fmt.Errorf("stats: read events: %w", err)
		}
		if len(events) == 0 {
			return n, nil
		}
		if err := j.fold(ctx, events); err != nil {
			return n, err
		}
		n += int64(len(events))
		wm = events[len(events)-1].ID
		// A concurrent run may set an older mark after this; the next run then reads some
		// events again, which the buckets' Through ignores.
		if err := j.marks.SetWatermark(ctx, WatermarkName, wm); err != nil {
			return n, fmt.Errorf("stats: set watermark: %w", err)
		}
		if len(events) < j.batch {
			return n, nil
		}
	}
}

// counted are the kinds that make a volunteer active: taking a place, taking part, learning.
var counted = map[engagement.Kind]bool{
	engagement.SignedUp: true, engagement.Approved: true, engagement.Promoted: true,
	engagement.Attended: true, engagement.HoursLogged: true, engagement.HoursConfirmed: true,
	engagement.GroupJoined: true, engagement.MeetingAttended: true, engagement.ModuleCompleted: true,
}

// touched collects, per bucket, the events and shift refreshes of one batch.
type touched struct {
	period Period
	org    string
	events []int
	shifts map[string]ShiftState
}

// fold adds a batch of events (in ID order) to the buckets they belong to.
func (j *Job) fold(ctx context.Context, events []LoggedEvent) error {
	through := events[len(events)-1].ID
	byKey := map[string]*touched{}
	touch := func(org string, d Date) []*touched {
		out := make([]*touched, 0, len(Granularities))
		for _, g := range Granularities {
			p := PeriodOf(g, d)
			k := BucketKey(org, p)
			t := byKey[k]
			if t == nil {
				t = &touched{period: p, org: org}
				byKey[k] = t
			}
			out = append(out, t)
		}
		return out
	}
	var shiftIDs []string
	for i, e := range events {
		if e.OrganisationID == "" {
			continue
		}
		for _, t := range touch(e.OrganisationID, DateOf(e.At)) {
			t.events = append(t.events, i)
		}
		if e.ShiftID != "" {
			shiftIDs = append(shiftIDs, e.ShiftID)
		}
	}
	if len(shiftIDs) > 0 && j.shifts != nil {
		slices.Sort(shiftIDs)
		states, err := j.shifts.ShiftStates(ctx, slices.Compact(shiftIDs))
		if err != nil {
			return fmt.Errorf("stats: read shifts: %w", err)
		}
		for id, s := range states {
			if s.OrganisationID == "" || s.Day.IsZero() {
				continue
			}
			for _, t := range touch(s.OrganisationID, DateOf(s.Day)) {
				if t.shifts == nil {
					t.shifts = map[string]ShiftState{}
				}
				t.shifts[id] = s
			}
		}
	}
	if len(byKey) == 0 {
		return nil
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	versions, err := j.store.BucketVersions(ctx, keys)
	if err != nil {
		return fmt.Errorf("stats: read buckets: %w", err)
	}
	current, stale := latest(versions)
	var fresh []Bucket
	for _, k := range keys {
		t := byKey[k]
		b, ok := current[k]
		if ok && b.Through >= through {
			continue // another run stored this batch already
		}
		if ok {
			stale = append(stale, b)
		} else {
			b = Bucket{OrganisationID: t.org, Period: t.period}
		}
		fresh = append(fresh, apply(b, events, t, through))
	}
	if err := j.store.SaveBuckets(ctx, fresh, stale); err != nil {
		return fmt.Errorf("stats: save buckets: %w", err)
	}
	return nil
}

// apply returns the next version of b: the events of t that b does not hold yet, and the
// current state of its shifts.
func apply(b Bucket, events []LoggedEvent, t *touched, through string) Bucket {
	b.Active = slices.Clone(b.Active)
	b.HoursVolunteers = slices.Clone(b.HoursVolunteers)
	for _, i := range t.events {
		e := events[i]
		if e.ID <= b.Through {
			continue
		}
		switch e.Kind {
		case engagement.SignedUp, engagement.Waitlisted, engagement.RequestedApproval:
			b.Signups++
		case engagement.Attended:
			b.Attendances++
		case engagement.NoShow:
			b.NoShows++
		case engagement.HoursConfirmed:
			b.Hours += e.Hours
			if e.UserID != "" {
				b.HoursVolunteers = insertSorted(b.HoursVolunteers, volunteerKey(e.OrganisationID, e.UserID))
			}
		case engagement.MeetingAttended:
			b.MeetingAttendance += max(e.Count, 1)
		case engagement.ModuleCompleted:
			b.Completions++
		}
		if counted[e.Kind] && e.UserID != "" {
			b.Active = insertSorted(b.Active, volunteerKey(e.OrganisationID, e.UserID))
		}
	}
	if len(t.shifts) > 0 {
		shifts := make(map[string]ShiftFill, len(b.Shifts)+len(t.shifts))
		for id, f := range b.Shifts {
			shifts[id] = f
		}
		for id, s := range t.shifts {
			if s.Cancelled || s.Capacity <= 0 {
				delete(shifts, id)
				continue
			}
			shifts[id] = ShiftFill{Capacity: s.Capacity, Held: min(s.Held, s.Capacity)}
		}
		b.Shifts = shifts
	}
	b.Through = through
	return b
}

func insertSorted(keys []string, k string) []string {
	i, found := slices.BinarySearch(keys, k)
	if found {
		return keys
	}
	return slices.Insert(keys, i, k)
}
