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
	entries map[string]Entry
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
	return &Index{src: src, occ: occ, feed: feed, log: log, now: time.Now, entries: map[string]Entry{}}
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
	entries := make(map[string]Entry, len(opps))
	for _, o := range opps {
		e, err := x.entry(ctx, o, shifts[o.ID], now)
		if err != nil {
			return err
		}
		entries[o.ID] = e
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.entries = entries
	for _, e := range entries {
		x.notify(e, true)
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
		e.Slots = append(e.Slots, Slot{Shift: sh, Taken: taken})
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
	x.entries[id] = e
	x.notify(e, true)
	return nil
}

func (x *Index) remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.entries[id]; ok {
		delete(x.entries, id)
		x.notify(e, false)
	}
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
	return e, ok
}

// Each calls f for every entry, with the index read-locked: f must not call back into it.
func (x *Index) Each(f func(Entry)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, e := range x.entries {
		f(e)
	}
}

// Len is the number of published opportunities held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.entries)
}
