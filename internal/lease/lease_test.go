package lease_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// twoProcesses opens the same fresh database twice, as two worker processes would: each has
// its own connection pool and its own in-process locks.
func twoProcesses(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	cfg := storetest.Config(t)
	open := func() *store.Store {
		st, err := store.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b := open(), open()
	t.Cleanup(func() {
		_ = a.Drop(context.Background())
		_ = a.Close(context.Background())
		_ = b.Close(context.Background())
	})
	return a, b
}

func TestTwoProcessesNeverHoldALeaseAtOnce(t *testing.T) {
	a, b := twoProcesses(t)
	// Short slots, so that many tenures begin in fresh slots and some are renewed.
	slot := lease.WithSlot(time.Second)
	managers := []*lease.Manager{
		lease.NewManager(a.Leases(), "a", quiet, slot), lease.NewManager(a.Leases(), "a2", quiet, slot),
		lease.NewManager(b.Leases(), "b", quiet, slot), lease.NewManager(b.Leases(), "b2", quiet, slot),
	}
	var holders, maxHolders, taken, held atomic.Int32
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	for _, m := range managers {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					l, err := m.Acquire(t.Context(), "deliver")
					if errors.Is(err, lease.ErrHeld) {
						held.Add(1)
						continue
					}
					if err != nil {
						t.Errorf("Acquire: %v", err)
						return
					}
					n := holders.Add(1)
					for {
						mx := maxHolders.Load()
						if n <= mx || maxHolders.CompareAndSwap(mx, n) {
							break
						}
					}
					taken.Add(1)
					time.Sleep(2 * time.Millisecond)
					holders.Add(-1)
					if err := l.Release(context.Background()); err != nil {
						t.Errorf("Release: %v", err)
					}
				}
			}()
		}
	}
	wg.Wait()
	t.Logf("%d tenures, %d refusals", taken.Load(), held.Load())
	if maxHolders.Load() != 1 {
		t.Fatalf("up to %d holders at once, want 1", maxHolders.Load())
	}
	if taken.Load() < 5 || held.Load() == 0 {
		t.Fatalf("%d tenures and %d refusals: the race did not happen", taken.Load(), held.Load())
	}
}

// clock is a settable clock shared by managers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestACrashedHoldersLeaseLapses(t *testing.T) {
	a, b := twoProcesses(t)
	slot := 20 * time.Second
	c := &clock{now: time.Date(2027, 3, 28, 0, 59, 50, 0, time.UTC)}
	crashed := lease.NewManager(a.Leases(), "crashed", quiet, lease.WithSlot(slot), lease.WithClock(c.Now))
	next := lease.NewManager(b.Leases(), "next", quiet, lease.WithSlot(slot), lease.WithClock(c.Now))

	ctx, crash := context.WithCancel(t.Context())
	l, err := crashed.Acquire(ctx, "reminders")
	if err != nil {
		t.Fatal(err)
	}
	crash() // the process dies: no renewal, no release
	<-l.Context().Done()

	// Taken 10 s before its slot ended, the lease was renewed into the next slot at once;
	// it lapses when that one ends, 30 s after the crash.
	for _, after := range []time.Duration{0, slot} {
		c.Set(time.Date(2027, 3, 28, 0, 59, 50, 0, time.UTC).Add(after))
		if _, err := next.Acquire(t.Context(), "reminders"); !errors.Is(err, lease.ErrHeld) {
			t.Fatalf("Acquire %v after the crash: err = %v, want ErrHeld", after, err)
		}
	}
	c.Set(time.Date(2027, 3, 28, 1, 0, 20, 0, time.UTC))
	l2, err := next.Acquire(t.Context(), "reminders")
	if err != nil {
		t.Fatalf("Acquire after the claim lapsed: %v", err)
	}
	defer l2.Release(context.Background())
	// Another job is not affected by either.
	l3, err := crashed.Acquire(t.Context(), "notices")
	if err != nil {
		t.Fatalf("Acquire of another job: %v", err)
	}
	_ = l3.Release(context.Background())
}

func TestAHolderRenewsAndAReleasedLeaseIsFreeAtOnce(t *testing.T) {
	a, b := twoProcesses(t)
	slot := 400 * time.Millisecond
	holder := lease.NewManager(a.Leases(), "holder", quiet, lease.WithSlot(slot))
	other := lease.NewManager(b.Leases(), "other", quiet, lease.WithSlot(slot))
	l, err := holder.Acquire(t.Context(), "deliver")
	if err != nil {
		t.Fatal(err)
	}
	// Held across several slots: the holder renews, the other keeps being refused.
	for end := time.Now().Add(4 * slot); time.Now().Before(end); time.Sleep(slot / 5) {
		if l.Context().Err() != nil {
			t.Fatalf("lease lost while renewing: %v", context.Cause(l.Context()))
		}
		if _, err := other.Acquire(t.Context(), "deliver"); !errors.Is(err, lease.ErrHeld) {
			t.Fatalf("Acquire by the other while held: err = %v, want ErrHeld", err)
		}
	}
	if err := l.Release(t.Context()); err != nil {
		t.Fatal(err)
	}
	if l.Context().Err() == nil {
		t.Fatal("the released lease's context did not end")
	}
	l2, err := other.Acquire(t.Context(), "deliver")
	if err != nil {
		t.Fatalf("Acquire right after the release: %v", err)
	}
	_ = l2.Release(t.Context())
}

func TestAHolderThatCannotRenewStops(t *testing.T) {
	a, b := twoProcesses(t)
	slot := 400 * time.Millisecond
	holder := lease.NewManager(a.Leases(), "holder", quiet, lease.WithSlot(slot))
	l, err := holder.Acquire(t.Context(), "deliver")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(context.Background())
	// A process whose clock runs a slot ahead claims the next slot first; the holder must
	// notice and stop before that slot begins.
	ahead := lease.NewManager(b.Leases(), "ahead", quiet, lease.WithSlot(slot), lease.WithClock(func() time.Time { return time.Now().Add(slot) }))
	var l2 *lease.Lease
	for l2 == nil {
		if l2, err = ahead.Acquire(t.Context(), "deliver"); err != nil && !errors.Is(err, lease.ErrHeld) {
			t.Fatal(err)
		}
	}
	defer l2.Release(context.Background())
	select {
	case <-l.Context().Done():
		if !errors.Is(context.Cause(l.Context()), lease.ErrLost) {
			t.Fatalf("cause = %v, want ErrLost", context.Cause(l.Context()))
		}
	case <-time.After(2 * slot):
		t.Fatal("the holder kept running after its lease was taken")
	}
}
