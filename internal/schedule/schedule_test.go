package schedule_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func twoProcesses(t *testing.T) [2]*store.Store {
	t.Helper()
	cfg := storetest.Config(t)
	var out [2]*store.Store
	for i := range out {
		st, err := store.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = st
	}
	t.Cleanup(func() {
		_ = out[0].Drop(context.Background())
		_ = out[0].Close(context.Background())
		_ = out[1].Close(context.Background())
	})
	return out
}

func runner(t *testing.T, st *store.Store, owner string, jobs []schedule.Job) *schedule.Runner {
	t.Helper()
	r, err := schedule.NewRunner(t.Context(), jobs, quiet,
		schedule.WithLeases(lease.NewManager(st.Leases(), owner, quiet, lease.WithSlot(time.Second))), schedule.WithRunLog(st.JobRuns()))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunnersInTwoProcessesTakeTurnsAndRecordEveryRun(t *testing.T) {
	procs := twoProcesses(t)
	var running, most, runs atomic.Int32
	slow := schedule.Job{Name: "slow", Spec: "@every 1h", Run: func(ctx context.Context) (int64, error) {
		n := running.Add(1)
		defer running.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		runs.Add(1)
		// Longer than a lease slot: the holder must renew.
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return 7, nil
	}}
	var wg sync.WaitGroup
	for i, st := range procs {
		r := runner(t, st, []string{"one", "two"}[i], []schedule.Job{slow})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, err := r.RunOnce(t.Context(), "slow", 30*time.Second); err != nil || n != 7 {
				t.Errorf("RunOnce in process %d = %d, %v", i, n, err)
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 || runs.Load() != 2 {
		t.Fatalf("%d runs, up to %d at once; want 2, one at a time", runs.Load(), most.Load())
	}
	recs, err := procs[1].JobRuns().RecentRuns(t.Context(), "slow", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Owner == recs[1].Owner || recs[0].Items != 7 || recs[0].Lease == "" {
		t.Fatalf("run records = %+v, want two with items, leases and different owners", recs)
	}
	if recs[0].StartedAt.Before(recs[1].EndedAt) {
		t.Fatalf("the runs overlap: %+v", recs)
	}
}

func TestAFailingOrPanickingRunIsRecorded(t *testing.T) {
	procs := twoProcesses(t)
	r := runner(t, procs[0], "one", []schedule.Job{
		{Name: "panics", Spec: "@every 1h", Run: func(context.Context) (int64, error) { panic("boom") }},
	})
	if _, err := r.RunOnce(t.Context(), "panics", time.Second); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("RunOnce = %v, want the panic as an error", err)
	}
	recs, err := procs[0].JobRuns().RecentRuns(t.Context(), "", 0)
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Error, "boom") {
		t.Fatalf("records = %+v (%v), want the failed run", recs, err)
	}
	// The lease was released: the other process runs the job at once.
	r2 := runner(t, procs[1], "two", []schedule.Job{{Name: "panics", Spec: "@every 1h", Run: func(context.Context) (int64, error) { return 1, nil }}})
	if n, err := r2.RunOnce(t.Context(), "panics", 0); err != nil || n != 1 {
		t.Fatalf("RunOnce after the panic = %d, %v", n, err)
	}
	if _, err := r2.RunOnce(t.Context(), "nope", 0); err == nil {
		t.Fatal("RunOnce of an unknown job succeeded")
	}
}

func TestScheduledJobsRunAndSkipWhileHeld(t *testing.T) {
	procs := twoProcesses(t)
	var runs atomic.Int32
	job := schedule.Job{Name: "tick", Spec: "@every 1s", Run: func(context.Context) (int64, error) {
		runs.Add(1)
		return 0, nil
	}}
	a, b := runner(t, procs[0], "a", []schedule.Job{job}), runner(t, procs[1], "b", []schedule.Job{job})
	a.Start()
	b.Start()
	time.Sleep(3500 * time.Millisecond)
	a.Stop(t.Context())
	b.Stop(t.Context())
	// Both processes tick every second; the lease lets one run per tick through, sometimes
	// both when one finished before the other began.
	if n := runs.Load(); n < 3 || n > 8 {
		t.Fatalf("%d runs in 3.5 s by two schedulers ticking every second", n)
	}
}
