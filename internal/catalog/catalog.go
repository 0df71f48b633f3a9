// Package catalog keeps every published opportunity with its coming shifts and their free
// places in memory, for the discovery feed and search: the store scans collections for any
// filter, and the feed is the hottest path of the product.
//
// The catalog is rebuilt from the store at start, updated synchronously by this server's own
// writes (Changed), and picks up writes of other replicas or the worker through a change log
// in the store that every replica polls.
package catalog

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Slot is a coming shift and how many of its places are taken.
type Slot struct {
	Shift opportunity.Shift
	Taken int
	// Local is the shift's start and end on the clock of its own time zone, worked out once
	// here rather than for every volunteer who looks at it.
	Local LocalTime
}

// LocalTime is a span of one day in some time zone: weekday and minutes after midnight.
type LocalTime struct {
	Zone     string
	Weekday  time.Weekday
	From, To int
	// OneDay is false when the span crosses midnight or the shift has only a deadline.
	OneDay bool
}

// LocalTimeOf reads a shift's span on the clock of its own time zone.
func LocalTimeOf(sh opportunity.Shift) LocalTime {
	if !sh.Timed() {
		return LocalTime{Zone: sh.TimeZone}
	}
	zone := sh.Zone()
	start, end := sh.StartsAt.In(zone), sh.EndsAt.In(zone)
	from := start.Hour()*60 + start.Minute()
	to := from + int(end.Sub(start).Minutes())
	return LocalTime{Zone: sh.TimeZone, Weekday: start.Weekday(), From: from, To: to, OneDay: to <= 24*60}
}

// Free is the number of places left.
func (s Slot) Free() int { return max(s.Shift.Capacity-s.Taken, 0) }

// Start is when the slot begins; a deadline task begins now and ends at its deadline.
func (s Slot) Start() time.Time {
	if s.Shift.Timed() {
		return s.Shift.StartsAt
	}
	return s.Shift.Deadline
}

// Entry is a published opportunity with its active shifts that have not begun, by start.
// An entry in the index is never changed, only replaced, so readers may keep a pointer to it.
type Entry struct {
	Opportunity opportunity.Opportunity
	Slots       []Slot
}

// Open reports whether the entry has a slot with a free place.
func (e Entry) Open() bool {
	return slices.ContainsFunc(e.Slots, func(s Slot) bool { return s.Free() > 0 })
}

// Source reads opportunities without an actor: the catalog serves what is published.
type Source interface {
	// Published lists the published opportunities.
	Published(ctx context.Context) ([]opportunity.Opportunity, error)
	// Internal returns an opportunity whatever its status (errs.NotFound kind when missing).
	Internal(ctx context.Context, id string) (opportunity.Opportunity, error)
	ShiftsOf(ctx context.Context, opportunityIDs []string) (map[string][]opportunity.Shift, error)
}

// Occupancy counts the places taken on a shift.
type Occupancy interface {
	Confirmed(ctx context.Context, s opportunity.Shift) (int, error)
}

// Index is the in-memory catalog.
type Index struct {
	src  Source
	occ  Occupancy
	log  *slog.Logger
	now  func() time.Time
	feed ChangeFeed

	mu      sync.RWMutex
	entries map[string]*Entry
	// cells group the entries with a place by a grid of about 11 km, so that a volunteer's
	// feed visits the nearby ones only; remote holds those that can be done online.
	cells  map[cell]map[string]*Entry
	remote map[string]*Entry
	// listeners are told about every entry put or removed, e.g. the search index; they run
	// with the index locked and must not call back into it.
	listeners []func(Entry, bool)
}

// ChangeFeed carries changes between replicas.
type ChangeFeed interface {
	// Announce tells other replicas that an opportunity changed.
	Announce(opportunityID string)
}

// New returns an empty index; call Rebuild before serving.
func New(src Source, occ Occupancy, feed ChangeFeed, log *slog.Logger) *Index {
	return &Index{src: src, occ: occ, feed: feed, log: log, now: time.Now,
		entries: map[string]*Entry{}, cells: map[cell]map[string]*Entry{}, remote: map[string]*Entry{}}
}

// OnChange registers f to be called with every entry put (true) or removed (false).
func (x *Index) OnChange(f func(e Entry, present bool)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.listeners = append(x.listeners, f)
}

// Rebuild reads every published opportunity from the store.
func (x *Index) Rebuild(ctx context.Context) error {
	opps, err := x.src.Published(ctx)
	if err != nil {
		return errs.Wrap("catalog: rebuild", err)
	}
	ids := make([]string, len(opps))
	for i, o := range opps {
		ids[i] = o.ID
	}
	shifts, err := x.src.ShiftsOf(ctx, ids)
	if err != nil {
		return errs.Wrap("catalog: rebuild shifts", err)
	}
	now := x.now()
	built := make([]Entry, 0, len(opps))
	for _, o := range opps {
		e, err := x.entry(ctx, o, shifts[o.ID], now)
		if err != nil {
			return err
		}
		built = append(built, e)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.entries, x.cells, x.remote = map[string]*Entry{}, map[cell]map[string]*Entry{}, map[string]*Entry{}
	for i := range built {
		x.putLocked(&built[i])
	}
	return nil
}

func (x *Index) entry(ctx context.Context, o opportunity.Opportunity, shifts []opportunity.Shift, now time.Time) (Entry, error) {
	e := Entry{Opportunity: o}
	for _, sh := range shifts {
		if sh.Status != opportunity.ShiftActive {
			continue
		}
		start := sh.StartsAt
		if !sh.Timed() {
			start = sh.Deadline
		}
		if !start.After(now) {
			continue
		}
		taken, err := x.occ.Confirmed(ctx, sh)
		if err != nil {
			return Entry{}, errs.Wrap("catalog: places taken", err)
		}
		e.Slots = append(e.Slots, Slot{Shift: sh, Taken: taken, Local: LocalTimeOf(sh)})
	}
	slices.SortFunc(e.Slots, func(a, b Slot) int { return a.Start().Compare(b.Start()) })
	return e, nil
}

// Changed brings one opportunity up to date after a write of this server, and announces the
// change to other replicas. Errors are logged: the write itself succeeded, and the poller
// corrects the entry on its next round.
func (x *Index) Changed(ctx context.Context, opportunityID string) {
	if err := x.refresh(ctx, opportunityID); err != nil {
		x.log.ErrorContext(ctx, "catalog: refresh", "err", err, "opportunity", opportunityID)
	}
	if x.feed != nil {
		x.feed.Announce(opportunityID)
	}
}

// refresh re-reads one opportunity from the source.
func (x *Index) refresh(ctx context.Context, id string) error {
	o, err := x.src.Internal(ctx, id)
	if errs.Is(err, errs.NotFound) {
		x.remove(id)
		return nil
	}
	if err != nil {
		return err
	}
	if o.Status != opportunity.StatusPublished {
		x.remove(id)
		return nil
	}
	shifts, err := x.src.ShiftsOf(ctx, []string{id})
	if err != nil {
		return err
	}
	e, err := x.entry(ctx, o, shifts[id], x.now())
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.putLocked(&e)
	return nil
}

func (x *Index) remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.entries[id]; ok {
		x.unindexLocked(e)
		delete(x.entries, id)
		x.notify(*e, false)
	}
}

func (x *Index) putLocked(e *Entry) {
	id := e.Opportunity.ID
	if old, ok := x.entries[id]; ok {
		x.unindexLocked(old)
	}
	x.entries[id] = e
	if l := e.Opportunity.Location; l != nil {
		c := cellOf(l.Latitude, l.Longitude)
		if x.cells[c] == nil {
			x.cells[c] = map[string]*Entry{}
		}
		x.cells[c][id] = e
	}
	if e.Opportunity.Mode != opportunity.ModeOnsite {
		x.remote[id] = e
	}
	x.notify(*e, true)
}

func (x *Index) unindexLocked(e *Entry) {
	id := e.Opportunity.ID
	if l := e.Opportunity.Location; l != nil {
		c := cellOf(l.Latitude, l.Longitude)
		delete(x.cells[c], id)
		if len(x.cells[c]) == 0 {
			delete(x.cells, c)
		}
	}
	delete(x.remote, id)
}

// notify runs the listeners with the index locked, so that they see changes in order.
func (x *Index) notify(e Entry, present bool) {
	for _, f := range x.listeners {
		f(e, present)
	}
}

// Get returns the entry of a published opportunity.
func (x *Index) Get(id string) (Entry, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e, ok := x.entries[id]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// Each calls f for every entry, with the index read-locked: f must not call back into it
// nor keep or change the entry.
func (x *Index) Each(f func(*Entry)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, e := range x.entries {
		f(e)
	}
}

// Near calls f, with the index read-locked, for every entry that can be done online and
// every entry placed within about radiusKm of the point (a bounding box of grid cells, so
// some entries a little farther are visited too; the caller measures the distance).
func (x *Index) Near(lat, lng, radiusKm float64, f func(*Entry)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, e := range x.remote {
		f(e)
	}
	dLat := radiusKm / 111.0
	dLng := radiusKm / (111.0 * max(math.Cos(lat*math.Pi/180), 0.01))
	lo, hi := cellOf(lat-dLat, lng-dLng), cellOf(lat+dLat, lng+dLng)
	for i := lo.lat; i <= hi.lat; i++ {
		for j := lo.lng; j <= hi.lng; j++ {
			for _, e := range x.cells[cell{i, j}] {
				if e.Opportunity.Mode == opportunity.ModeOnsite {
					f(e)
				}
			}
		}
	}
}

// cell is a square of the grid, 0.1° on each side (11 km north to south).
type cell struct{ lat, lng int }

func cellOf(lat, lng float64) cell {
	return cell{int(math.Floor(lat * 10)), int(math.Floor(lng * 10))}
}

// Len is the number of published opportunities held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.entries)
}
