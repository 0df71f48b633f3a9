package stats

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

// WatermarkName is the job's entry among the watermarks.
const WatermarkName = "engagement-stats"

// DefaultSettle is how old an event's ID must be before the job reads it. Event IDs are
// ObjectIDs: they begin with the second in which a server created them, just before inserting
// them, and servers insert concurrently, so an event can become visible a little after one
// with a higher ID. Reading only IDs older than this margin makes the watermark follow
// insertion order, also across processes: everything below it has been inserted. (An insert
// gives up after its 30 s timeout; the margin also covers clock skew.)
const DefaultSettle = 2 * time.Minute

// batchSize bounds the queued events read per query.
const batchSize = 20_000

// Job folds new engagement events into the statistics. Re-running it changes nothing; several
// runs at once, or a run after a crash, give the same statistics as one run, because each pack
// version records the last event it holds and a run adds only later events to it.
//
// The first run reads the whole event log once; later runs read the queue, a copy of each new
// event that the store keeps until the job has read it: on the embedded store every query on
// the log scans all of it (about 8 s for 200,000 events), the queue holds only what is new.
type Job struct {
	store  Store
	marks  Watermarks
	shifts Shifts
	now    func() time.Time
	settle time.Duration
	batch  int

	// secret keys the volunteer pseudonyms; it never changes, so it is read once.
	secretMu sync.Mutex
	secret   []byte
}

// pseudonymSecret returns the secret, reading it from the store the first time.
func (j *Job) pseudonymSecret(ctx context.Context) ([]byte, error) {
	j.secretMu.Lock()
	defer j.secretMu.Unlock()
	if j.secret == nil {
		s, err := j.store.Secret(ctx)
		if err != nil {
			return nil, fmt.Errorf("stats: read the pseudonym secret: %w", err)
		}
		j.secret = s
	}
	return j.secret, nil
}

// JobOption tunes the job.
type JobOption func(*Job)

// WithClock sets the clock and the settle margin (tests read events at once).
func WithClock(now func() time.Time, settle time.Duration) JobOption {
	return func(j *Job) { j.now, j.settle = now, settle }
}

// WithBatch sets how many queued events one query reads.
func WithBatch(n int) JobOption { return func(j *Job) { j.batch = n } }

// NewJob returns the statistics job.
func NewJob(store Store, marks Watermarks, shifts Shifts, opts ...JobOption) *Job {
	j := &Job{store: store, marks: marks, shifts: shifts, now: time.Now, settle: DefaultSettle, batch: batchSize}
	for _, o := range opts {
		o(j)
	}
	return j
}

// Run folds the events after the watermark and returns how many it read.
func (j *Job) Run(ctx context.Context) (int64, error) {
	wm, err := j.marks.Watermark(ctx, WatermarkName)
	if err != nil {
		return 0, fmt.Errorf("stats: read watermark: %w", err)
	}
	before := engagement.IDFloor(j.now().Add(-j.settle))
	var n int64
	if wm == "" {
		var events []LoggedEvent
		err := j.store.ScanEvents(ctx, "", before, func(e LoggedEvent) error {
			events = append(events, e)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("stats: read events: %w", err)
		}
		if len(events) > 0 {
			last := slices.MaxFunc(events, func(a, b LoggedEvent) int { return strings.Compare(a.ID, b.ID) }).ID
			if err := j.fold(ctx, events, last); err != nil {
				return 0, err
			}
			if wm, err = j.advance(ctx, last); err != nil {
				return 0, err
			}
			n = int64(len(events))
		}
	}
	if wm != "" {
		// What the first run read from the log, or a crashed run folded, is in the queue too.
		if err := j.store.DropQueued(ctx, wm); err != nil {
			return n, fmt.Errorf("stats: drop queue: %w", err)
		}
	}
	for {
		queued, err := j.store.QueuedEvents(ctx, before, j.batch)
		if err != nil {
			return n, fmt.Errorf("stats: read queue: %w", err)
		}
		if len(queued) == 0 {
			return n, nil
		}
		last := queued[len(queued)-1].ID
		// A concurrent run may have moved the watermark past some of these.
		fresh := slices.DeleteFunc(slices.Clone(queued), func(e LoggedEvent) bool { return e.ID <= wm })
		if len(fresh) > 0 {
			if err := j.fold(ctx, fresh, last); err != nil {
				return n, err
			}
			if wm, err = j.advance(ctx, last); err != nil {
				return n, err
			}
			n += int64(len(fresh))
		}
		if err := j.store.DropQueued(ctx, last); err != nil {
			return n, fmt.Errorf("stats: drop queue: %w", err)
		}
		if len(queued) < j.batch {
			return n, nil
		}
	}
}

// advance stores the watermark. A concurrent run may store an older one after this; the next
// run then reads some events again, which the packs' Through ignores.
func (j *Job) advance(ctx context.Context, wm string) (string, error) {
	if err := j.marks.SetWatermark(ctx, WatermarkName, wm); err != nil {
		return "", fmt.Errorf("stats: set watermark: %w", err)
	}
	return wm, nil
}

// counted are the kinds that make a volunteer active: taking a place, taking part, learning.
var counted = map[engagement.Kind]bool{
	engagement.SignedUp: true, engagement.Approved: true, engagement.Promoted: true,
	engagement.Attended: true, engagement.HoursLogged: true, engagement.HoursConfirmed: true,
	engagement.GroupJoined: true, engagement.MeetingAttended: true, engagement.ModuleCompleted: true,
}

// touched collects, per pack, the events and shift refreshes of one run.
type touched struct {
	org    string
	month  Date
	events []int
	shifts map[string]ShiftState
}

// fold adds events (all with IDs up to through) to the packs they belong to.
func (j *Job) fold(ctx context.Context, events []LoggedEvent, through string) error {
	byKey := map[string]*touched{}
	touch := func(org string, d Date) []*touched {
		var out []*touched
		for _, g := range Granularities {
			m := packMonth(PeriodOf(g, d))
			k := PackKey(org, m)
			t := byKey[k]
			if t == nil {
				t = &touched{org: org, month: m}
				byKey[k] = t
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
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
	secret, err := j.pseudonymSecret(ctx)
	if err != nil {
		return err
	}
	var orgs []string
	for _, t := range byKey {
		orgs = append(orgs, t.org)
	}
	slices.Sort(orgs)
	versions, err := j.store.PackVersions(ctx, slices.Compact(orgs))
	if err != nil {
		return fmt.Errorf("stats: read statistics: %w", err)
	}
	current, stale := latest(versions)
	var fresh []Pack
	names := newPseudonyms(secret)
	for k, t := range byKey {
		p, ok := current[k]
		if ok && p.Through >= through {
			continue // another run stored these events already
		}
		if !ok {
			p = Pack{OrganisationID: t.org, Month: t.month}
		} else {
			stale = append(stale, p)
		}
		fresh = append(fresh, apply(p, events, t, through, names))
	}
	if err := j.store.SavePacks(ctx, fresh, stale); err != nil {
		return fmt.Errorf("stats: save statistics: %w", err)
	}
	return nil
}

// apply returns the next version of p: the events of t that p does not hold yet, and the
// current state of its shifts.
func apply(p Pack, events []LoggedEvent, t *touched, through string, names *pseudonyms) Pack {
	old := p.Buckets
	p.Buckets = make(map[string]*Bucket, len(old)+4)
	for k, b := range old {
		c := *b
		p.Buckets[k] = &c
	}
	// bucketsOf returns the buckets of this pack that contain day d; each is copied on first
	// change, so that the version read stays as it was.
	copied := map[string]bool{}
	bucketsOf := func(d Date) []*Bucket {
		var out []*Bucket
		for _, g := range Granularities {
			per := PeriodOf(g, d)
			if packMonth(per) != p.Month {
				continue
			}
			k := string(g) + " " + per.Key()
			b := p.Buckets[k]
			if b == nil {
				b = &Bucket{OrganisationID: p.OrganisationID, Period: per}
				p.Buckets[k] = b
			}
			if !copied[k] {
				copied[k] = true
				b.Active = slices.Clone(b.Active)
				b.HoursVolunteers = slices.Clone(b.HoursVolunteers)
				b.Shifts = maps.Clone(b.Shifts)
			}
			out = append(out, b)
		}
		return out
	}
	for _, i := range t.events {
		e := events[i]
		if e.ID <= p.Through {
			continue
		}
		for _, b := range bucketsOf(DateOf(e.At)) {
			count(b, e, names)
		}
	}
	for id, s := range t.shifts {
		for _, b := range bucketsOf(DateOf(s.Day)) {
			if b.Shifts == nil {
				b.Shifts = map[string]ShiftFill{}
			}
			if s.Cancelled || s.Capacity <= 0 {
				delete(b.Shifts, id)
				continue
			}
			b.Shifts[id] = ShiftFill{Capacity: s.Capacity, Held: min(s.Held, s.Capacity)}
		}
	}
	p.Through = through
	return p
}

// count adds one event to a bucket.
func count(b *Bucket, e LoggedEvent, names *pseudonyms) {
	switch e.Kind {
	case engagement.SignedUp, engagement.Waitlisted, engagement.RequestedApproval:
		b.Signups++
	case engagement.Attended:
		// Attendance at a shift is recorded with its hours, confirmed: by staff, or by a
		// check-in for the shift's length. Micro-task hours are confirmed separately.
		b.Attendances++
		addHours(b, e, names)
	case engagement.NoShow:
		b.NoShows++
	case engagement.HoursConfirmed:
		addHours(b, e, names)
	case engagement.MeetingAttended:
		b.MeetingAttendance += max(e.Count, 1)
	case engagement.ModuleCompleted:
		b.Completions++
	}
	if counted[e.Kind] && e.UserID != "" {
		b.Active = insertSorted(b.Active, names.key(e.OrganisationID, e.UserID))
	}
}

func addHours(b *Bucket, e LoggedEvent, names *pseudonyms) {
	if e.Hours <= 0 {
		return
	}
	b.Hours += e.Hours
	if e.UserID != "" {
		b.HoursVolunteers = insertSorted(b.HoursVolunteers, names.key(e.OrganisationID, e.UserID))
	}
}

func insertSorted(keys []string, k string) []string {
	i, found := slices.BinarySearch(keys, k)
	if found {
		return keys
	}
	return slices.Insert(keys, i, k)
}
