package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"
)

// Change is one announced change of an opportunity.
type Change struct {
	ID            string
	Origin        string
	OpportunityID string
	At            time.Time
}

// ChangeLog stores announced changes for the replicas to poll.
type ChangeLog interface {
	AppendChanges(ctx context.Context, changes []Change) error
	// ChangesSince lists the changes stamped at or after since.
	ChangesSince(ctx context.Context, since time.Time) ([]Change, error)
	PruneChanges(ctx context.Context, before time.Time) error
}

// Feed propagates changes between replicas through the change log. Announcements are
// collected and written together once per tick, so that a burst of signups on one task costs
// one write; each replica reads the log every tick and refreshes what others changed.
type Feed struct {
	store  ChangeLog
	log    *slog.Logger
	origin string
	now    func() time.Time

	mu      sync.Mutex
	pending map[string]bool
	seen    map[string]time.Time // change ID → when first seen, forgotten after overlap
}

const (
	// overlap is how far back every poll reads: writers stamp changes with their own clocks
	// and their writes land in any order, so a poll re-reads a window and skips what it saw.
	overlap = 10 * time.Second
	// keep is how long changes stay in the log.
	keep = 10 * time.Minute
)

// NewFeed returns a feed for this replica with a random origin name.
func NewFeed(store ChangeLog, log *slog.Logger) *Feed {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Feed{store: store, log: log, origin: hex.EncodeToString(b), now: time.Now,
		pending: map[string]bool{}, seen: map[string]time.Time{}}
}

// Announce queues a change for the other replicas.
func (f *Feed) Announce(opportunityID string) {
	f.mu.Lock()
	f.pending[opportunityID] = true
	f.mu.Unlock()
}

// Run writes announcements and applies other replicas' changes to x every tick until ctx ends.
func (f *Feed) Run(ctx context.Context, x *Index, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	lastPrune := f.now()
	for {
		select {
		case <-ctx.Done():
			f.flush(context.WithoutCancel(ctx))
			return
		case <-t.C:
		}
		f.flush(ctx)
		f.poll(ctx, x)
		if f.now().Sub(lastPrune) > time.Minute {
			lastPrune = f.now()
			if err := f.store.PruneChanges(ctx, lastPrune.Add(-keep)); err != nil {
				f.log.WarnContext(ctx, "catalog: prune change log", "err", err)
			}
		}
	}
}

func (f *Feed) flush(ctx context.Context) {
	f.mu.Lock()
	if len(f.pending) == 0 {
		f.mu.Unlock()
		return
	}
	now := f.now()
	changes := make([]Change, 0, len(f.pending))
	for id := range f.pending {
		changes = append(changes, Change{Origin: f.origin, OpportunityID: id, At: now})
	}
	f.pending = map[string]bool{}
	f.mu.Unlock()
	if err := f.store.AppendChanges(ctx, changes); err != nil {
		f.log.ErrorContext(ctx, "catalog: announce changes", "err", err, "count", len(changes))
	}
}

// poll refreshes the opportunities other replicas changed since the last polls.
func (f *Feed) poll(ctx context.Context, x *Index) {
	now := f.now()
	changes, err := f.store.ChangesSince(ctx, now.Add(-overlap))
	if err != nil {
		f.log.WarnContext(ctx, "catalog: read change log", "err", err)
		return
	}
	todo := map[string]bool{}
	f.mu.Lock()
	for _, c := range changes {
		if _, ok := f.seen[c.ID]; ok {
			continue
		}
		f.seen[c.ID] = now
		if c.Origin != f.origin {
			todo[c.OpportunityID] = true
		}
	}
	for id, at := range f.seen {
		if now.Sub(at) > 2*overlap {
			delete(f.seen, id)
		}
	}
	f.mu.Unlock()
	for id := range todo {
		if err := x.refresh(ctx, id); err != nil {
			f.log.WarnContext(ctx, "catalog: refresh from change log", "err", err, "opportunity", id)
		}
	}
}
