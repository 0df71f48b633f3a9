package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// twoStores opens one fresh database twice, as two processes would.
func twoStores(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	cfg := storetest.Config(t)
	a, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.Drop(context.Background())
		_ = a.Close(context.Background())
		_ = b.Close(context.Background())
	})
	return a, b
}

func TestOutboxIndexes(t *testing.T) {
	s := storetest.New(t)
	for _, tt := range []struct{ coll, index string }{
		{"outbox", "inbox"}, {"outboxReads", "user"}, {"leases", "expiry"}, {"jobRuns", "job_time"}, {"signups", "starting"},
	} {
		names, err := s.IndexNames(t.Context(), tt.coll)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(names, tt.index) {
			t.Errorf("indexes of %s = %v, want %s", tt.coll, names, tt.index)
		}
	}
}

// TestEachAttemptHasOneClaimant races eight claimants in two processes for the same attempts:
// every attempt is won exactly once, which is what keeps an e-mail from going out twice.
func TestEachAttemptHasOneClaimant(t *testing.T) {
	a, b := twoStores(t)
	var attempts []notify.Attempt
	for i := range 200 {
		id := fmt.Sprintf("reminder:shift:s%03d:2h:email", i)
		attempts = append(attempts, notify.Attempt{ID: notify.AttemptID(id, 1), MessageID: id, N: 1, StartedAt: time.Now()})
	}
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for i, st := range []*store.Store{a, a, a, a, b, b, b, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := slices.Clone(attempts)
			rand.Shuffle(len(mine), func(x, y int) { mine[x], mine[y] = mine[y], mine[x] })
			for chunk := range slices.Chunk(mine, 50) {
				for k := range chunk {
					chunk[k].Owner = fmt.Sprint(i)
				}
				ids, err := st.Outbox().InsertAttempts(context.Background(), chunk)
				if err != nil {
					t.Errorf("InsertAttempts: %v", err)
					return
				}
				mu.Lock()
				for _, id := range ids {
					won[id]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(won) != len(attempts) {
		t.Fatalf("%d attempts won, want %d", len(won), len(attempts))
	}
	for id, n := range won {
		if n != 1 {
			t.Errorf("attempt %s won %d times", id, n)
		}
	}
}

func TestAMessageIsStoredOnce(t *testing.T) {
	a, b := twoStores(t)
	msg := func(i int) notify.Message {
		return notify.Message{ID: fmt.Sprintf("k%d:inapp", i), Key: fmt.Sprintf("k%d", i), UserID: "u", Channel: notify.InApp,
			Kind: notify.Promoted, Status: notify.Sent, CreatedAt: time.Now()}
	}
	var mu sync.Mutex
	inserted := map[string]int{}
	var wg sync.WaitGroup
	for _, st := range []*store.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var msgs []notify.Message
			for i := range 50 {
				msgs = append(msgs, msg(i))
			}
			ids, err := st.Outbox().InsertMessages(context.Background(), msgs)
			if err != nil {
				t.Errorf("InsertMessages: %v", err)
				return
			}
			mu.Lock()
			for _, id := range ids {
				inserted[id]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(inserted) != 50 {
		t.Fatalf("%d messages inserted, want 50", len(inserted))
	}
	for id, n := range inserted {
		if n != 1 {
			t.Errorf("%s inserted %d times", id, n)
		}
	}
}

func TestPruneKeepsWhatIsRecent(t *testing.T) {
	s := storetest.New(t)
	ctx := t.Context()
	old, recent := time.Now().Add(-100*24*time.Hour), time.Now()
	if _, err := s.Outbox().InsertMessages(ctx, []notify.Message{
		{ID: "old:inapp", Channel: notify.InApp, CreatedAt: old}, {ID: "new:inapp", Channel: notify.InApp, CreatedAt: recent},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Outbox().InsertResults(ctx, []notify.Result{{ID: "old#1", Status: notify.Sent, At: old}, {ID: "new#1", Status: notify.Sent, At: recent}}); err != nil {
		t.Fatal(err)
	}
	n, err := s.Outbox().Prune(ctx, time.Now().Add(-90*24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	if _, err := s.Outbox().Message(ctx, "new:inapp"); err != nil {
		t.Fatalf("recent message after prune: %v", err)
	}
	res, err := s.Outbox().Results(ctx, []string{"old#1", "new#1"})
	if err != nil || len(res) != 1 {
		t.Fatalf("results after prune = %v (%v), want the recent one", res, err)
	}

	runs := s.JobRuns()
	for _, at := range []time.Time{old, recent} {
		if err := runs.RecordRun(ctx, schedRun(at)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := runs.PruneRuns(ctx, time.Now().Add(-24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneRuns = %d, %v; want 1", n, err)
	}
}
