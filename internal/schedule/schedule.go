// Package schedule runs the periodic jobs, in the worker process or, with the embedded store,
// inside the server.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mitwirken/mitwirken/internal/account"
)

// Job is one periodic task. Run reports how many items it handled.
type Job struct {
	Name string
	// Spec is a cron expression or a descriptor such as "@every 10m".
	Spec string
	Run  func(ctx context.Context) (items int64, err error)
}

// Jobs lists every job of the platform. The server and the worker run the same list.
func Jobs(accounts *account.Service) []Job {
	return []Job{
		{Name: "prune-sessions", Spec: "@every 1h", Run: accounts.Prune},
	}
}

// Runner schedules jobs with cron: a job still running when its next turn comes is skipped,
// and a panic in a job is logged, not fatal.
type Runner struct {
	cron *cron.Cron
	jobs []Job
	log  *slog.Logger
}

// NewRunner prepares the jobs; ctx bounds every run.
func NewRunner(ctx context.Context, jobs []Job, log *slog.Logger) (*Runner, error) {
	cl := cronLogger{log}
	r := &Runner{
		cron: cron.New(cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)), cron.WithLogger(cl)),
		jobs: jobs, log: log,
	}
	for _, j := range jobs {
		if _, err := r.cron.AddFunc(j.Spec, func() { _, _ = r.run(ctx, j) }); err != nil {
			return nil, fmt.Errorf("schedule: job %s: %w", j.Name, err)
		}
	}
	return r, nil
}

// Start runs the schedule in the background.
func (r *Runner) Start() { r.cron.Start() }

// Stop ends the schedule and waits for running jobs to finish or ctx to end.
func (r *Runner) Stop(ctx context.Context) {
	select {
	case <-r.cron.Stop().Done():
	case <-ctx.Done():
	}
}

// RunOnce runs the named job now, for operators.
func (r *Runner) RunOnce(ctx context.Context, name string) (int64, error) {
	i := slices.IndexFunc(r.jobs, func(j Job) bool { return j.Name == name })
	if i < 0 {
		return 0, fmt.Errorf("schedule: no job named %q", name)
	}
	return r.run(ctx, r.jobs[i])
}

func (r *Runner) run(ctx context.Context, j Job) (int64, error) {
	start := time.Now()
	n, err := j.Run(ctx)
	attrs := []any{"job", j.Name, "items", n, "durationMs", time.Since(start).Milliseconds()}
	if err != nil {
		r.log.ErrorContext(ctx, "job failed", append(attrs, "err", err)...)
	} else {
		r.log.InfoContext(ctx, "job done", attrs...)
	}
	return n, err
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
