// Package lease lets one process at a time run a job, among any number of worker processes
// sharing a store.
//
// A lease is a chain of claims, each one document inserted with a unique _id. Time is cut
// into slots of fixed length; the claim on job J for slot k, round r has the _id
// "J@k#r". Taking a lease is inserting the claim for the current slot; the unique _id lets
// exactly one inserter win, on MongoDB and on the embedded store alike (which does not
// execute conditional updates atomically, so a scheme like "update where expiresAt < now"
// would let two processes believe they won). A holder renews by inserting the claim for the
// next slot before its slot ends; nobody else tries that claim until the slot begins, so a
// live holder always wins it. A holder that crashed inserts nothing more, and its lease
// lapses when the last slot it claimed ends. Releasing inserts a release marker next to each
// claim; a later taker in the same slot then inserts round r+1.
//
// Nothing is ever updated, so the store's lack of atomic read-modify-write does not matter.
// What remains is time: a holder stops (its context is cancelled) Margin before the end of
// its last claim, so clocks that differ by less than Margin cannot make two holders overlap.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Claim is one inserted document of a lease: job, slot and round make its ID.
type Claim struct {
	ID    string
	Job   string
	Owner string
	// Slot is the start of the claimed slot; the claim is valid until ExpiresAt, its end.
	Slot  time.Time
	Round int
	// Tenure is the ID of the first claim of the holder's unbroken chain of claims.
	Tenure     string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// Store keeps claims. Both writes are inserts.
type Store interface {
	// InsertClaim stores c; errs.ErrDuplicate when a claim with its ID exists.
	InsertClaim(ctx context.Context, c Claim) error
	// Claim returns the claim with the ID, or errs.ErrNotFound.
	Claim(ctx context.Context, id string) (Claim, error)
	// InsertRelease marks the claim released; marking it twice is no error.
	InsertRelease(ctx context.Context, claimID, owner string, at time.Time) error
	// Released reports whether the claim was released.
	Released(ctx context.Context, claimID string) (bool, error)
	// PruneClaims deletes claims (and their release markers) that expired before t.
	PruneClaims(ctx context.Context, before time.Time) (int64, error)
}

// ErrHeld is returned by Acquire when another owner holds the lease.
var ErrHeld = errors.New("lease: held by another owner")

// Defaults of a Manager.
const (
	DefaultSlot = 20 * time.Second
	// maxRounds bounds the probing within one slot: each round is one release in that slot.
	maxRounds = 1000
)

// Manager takes leases for one owner (one process).
type Manager struct {
	store Store
	owner string
	slot  time.Duration
	// Margin is how long before its claims end a holder gives up if it could not renew; it
	// bounds the clock difference between processes that the scheme tolerates.
	margin time.Duration
	log    *slog.Logger
	now    func() time.Time
}

// Option adjusts a Manager.
type Option func(*Manager)

// WithSlot sets the slot length (default DefaultSlot). A crashed holder's lease lapses at
// most 1.5 slots after its last renewal.
func WithSlot(d time.Duration) Option { return func(m *Manager) { m.slot = d } }

// WithClock replaces the clock, for tests.
func WithClock(now func() time.Time) Option { return func(m *Manager) { m.now = now } }

// NewManager returns a manager taking leases as owner, which should name the process
// uniquely (for example host, pid and a random suffix).
func NewManager(store Store, owner string, log *slog.Logger, opts ...Option) *Manager {
	m := &Manager{store: store, owner: owner, slot: DefaultSlot, log: log, now: time.Now}
	for _, o := range opts {
		o(m)
	}
	m.margin = m.slot / 10
	return m
}

// Owner names the process holding this manager's leases.
func (m *Manager) Owner() string { return m.owner }

func (m *Manager) slotOf(t time.Time) time.Time { return t.Truncate(m.slot) }

// ClaimID is the _id of the claim on job for the slot starting at slot, in round r.
func ClaimID(job string, slot time.Time, round int) string {
	return job + "@" + strconv.FormatInt(slot.UnixMilli(), 10) + "#" + strconv.Itoa(round)
}

// Acquire takes the lease on job, or returns ErrHeld (wrapped, naming the holder). The
// lease's context ends when the lease is lost or released; run the job in it.
func (m *Manager) Acquire(ctx context.Context, job string) (*Lease, error) {
	now := m.now()
	c, err := m.claimSlot(ctx, job, m.slotOf(now), now, "")
	if err != nil {
		return nil, fmt.Errorf("lease: acquire %s: %w", job, err)
	}
	l := m.hold(ctx, c)
	if l.ctx.Err() != nil {
		// Someone holds the next slot already.
		_ = l.Release(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("lease: acquire %s: %w from the next slot on", job, ErrHeld)
	}
	return l, nil
}

// claimSlot inserts the first free claim on job in the slot: round 0, or the round after
// the last released one. tenure is empty for a new lease (the claim starts its own tenure).
func (m *Manager) claimSlot(ctx context.Context, job string, slot, now time.Time, tenure string) (Claim, error) {
	for round := 0; round < maxRounds; round++ {
		c := Claim{ID: ClaimID(job, slot, round), Job: job, Owner: m.owner, Slot: slot, Round: round,
			Tenure: tenure, AcquiredAt: now, ExpiresAt: slot.Add(m.slot)}
		if c.Tenure == "" {
			c.Tenure = c.ID
		}
		err := m.store.InsertClaim(ctx, c)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, errs.ErrDuplicate) {
			return Claim{}, err
		}
		released, err := m.store.Released(ctx, c.ID)
		if err != nil {
			return Claim{}, err
		}
		if released {
			continue
		}
		holder, err := m.store.Claim(ctx, c.ID)
		if err != nil {
			return Claim{}, err
		}
		if tenure != "" && holder.Owner == m.owner && holder.Tenure == tenure {
			// An earlier insert of ours succeeded but its answer was lost.
			return holder, nil
		}
		return Claim{}, fmt.Errorf("%w: %s holds %s until %s", ErrHeld, holder.Owner, job, holder.ExpiresAt.Format(time.RFC3339))
	}
	return Claim{}, fmt.Errorf("%w: %s released %d times in one slot", ErrHeld, job, maxRounds)
}

// Lease is a held lease. Its methods are safe for concurrent use.
type Lease struct {
	m      *Manager
	job    string
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}

	mu     sync.Mutex
	claims []Claim // in order; the last one ends latest
}

// ErrLost is the cause of a lease context that ended because the lease could not be renewed.
var ErrLost = errors.New("lease: lost")

func (m *Manager) hold(ctx context.Context, first Claim) *Lease {
	lctx, cancel := context.WithCancelCause(ctx)
	l := &Lease{m: m, job: first.Job, ctx: lctx, cancel: cancel, done: make(chan struct{}), claims: []Claim{first}}
	// Taken late in its slot, the claim needs its successor at once.
	if !l.renew() {
		close(l.done)
		return l
	}
	go l.keep()
	return l
}

// Context ends when the lease is lost, released or its parent context ends.
func (l *Lease) Context() context.Context { return l.ctx }

// ID is the first claim's ID; it identifies this tenure (a fencing token).
func (l *Lease) ID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.claims[0].ID
}

func (l *Lease) until() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.claims[len(l.claims)-1].ExpiresAt
}

// keep renews the lease from the middle of each slot and cancels the context when the lease
// can no longer be trusted.
func (l *Lease) keep() {
	defer close(l.done)
	tick := time.NewTicker(l.m.slot / 8)
	defer tick.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-tick.C:
		}
		if !l.renew() {
			return
		}
	}
}

// renew claims the next slot once the last claim has less than half a slot left. It reports
// false, having cancelled the context, when the lease is lost or about to lapse.
func (l *Lease) renew() bool {
	m := l.m
	now := m.now()
	until := l.until()
	if until.Sub(now) <= m.slot/2 {
		// Claim the slot that begins when the last claim ends.
		next, err := m.claimSlot(context.WithoutCancel(l.ctx), l.job, until, now, l.ID())
		switch {
		case err == nil:
			l.mu.Lock()
			l.claims = append(l.claims, next)
			l.mu.Unlock()
			return true
		case errors.Is(err, ErrHeld):
			m.log.Warn("lease taken over", "job", l.job, "owner", m.owner, "err", err)
			l.cancel(ErrLost)
			return false
		default:
			// Try again at the next tick; the check below ends the lease in time.
			m.log.Warn("lease renewal failed", "job", l.job, "err", err)
		}
	}
	if !now.Before(until.Add(-m.margin)) {
		m.log.Warn("lease expired before it could be renewed", "job", l.job, "owner", m.owner)
		l.cancel(ErrLost)
		return false
	}
	return true
}

// Release gives the lease up: its context ends and other owners may take it at once.
func (l *Lease) Release(ctx context.Context) error {
	l.cancel(context.Canceled)
	<-l.done
	l.mu.Lock()
	claims := append([]Claim(nil), l.claims...)
	l.mu.Unlock()
	now := l.m.now()
	var errList []error
	for _, c := range claims {
		if !c.ExpiresAt.After(now) {
			continue // already lapsed; nobody waits for it
		}
		if err := l.m.store.InsertRelease(ctx, c.ID, l.m.owner, now); err != nil {
			errList = append(errList, err)
		}
	}
	if err := errors.Join(errList...); err != nil {
		return fmt.Errorf("lease: release %s: %w", l.job, err)
	}
	return nil
}

// NewOwner returns a name for this process: host, process ID and a random suffix, so that
// two processes never share one.
func NewOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
