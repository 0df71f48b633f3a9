package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
)

// runJob runs one scheduled job once against the server's database, from its own connection,
// as `worker run JOB` in another process does.
func runJob(t *testing.T, env map[string]string, job string) int64 {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(t.Context(), store.Config{URI: env["MONGODB_URI"], Database: env["MONGODB_DATABASE"], Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close(context.Background()) }()
	owner := lease.NewOwner()
	jobs := schedule.Jobs(schedule.Platform{Notify: notify.NewJobs(st.NotifyStores(), nil, owner, log), Leases: st.Leases(), Runs: st.JobRuns()})
	runner, err := schedule.NewRunner(t.Context(), jobs, log,
		schedule.WithLeases(lease.NewManager(st.Leases(), owner, log)), schedule.WithRunLog(st.JobRuns()))
	if err != nil {
		t.Fatal(err)
	}
	n, err := runner.RunOnce(t.Context(), job, 10*time.Second)
	if err != nil {
		t.Fatalf("run %s: %v", job, err)
	}
	return n
}

// runStatsJob runs the statistics job once as a worker would a few minutes from now, when the
// events of this moment have settled (see stats.DefaultSettle).
func runStatsJob(t *testing.T, env map[string]string) {
	t.Helper()
	st, err := store.Open(t.Context(), store.Config{URI: env["MONGODB_URI"], Database: env["MONGODB_DATABASE"],
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close(context.Background()) }()
	later := func() time.Time { return time.Now().Add(stats.DefaultSettle + time.Second) }
	if _, err := stats.NewJob(st.Stats(), st.Outbox(), st.Stats(), stats.WithClock(later, stats.DefaultSettle)).Run(t.Context()); err != nil {
		t.Fatal(err)
	}
}
