// Package schedule runs the periodic jobs, in the worker process or, with the embedded store,
// inside the server.
//
// Any number of processes may run the same schedule against one store: each run of a job
// first takes the job's lease (package lease), so one process at a time runs it, and every
// run that took the lease is recorded.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mitwirken/mitwirken/internal/lease"
)

// Job is one periodic task. Run reports how many items it handled.
type Job struct {
	Name string
	// Spec is a cron expression or a descriptor such as "@every 10m".
	Spec string
	Run  func(ctx context.Context) (items int64, err error)
}

// Run is the record of one run of a job.
type Run struct {
	ID        string
	Job       string
	Owner     string
	Lease     string // the lease tenure the run held
	StartedAt time.Time
	EndedAt   time.Time
	Items     int64
	Error     string // empty on success
}

// RunLog keeps the record of runs. A run is recorded when it ends; a process that dies during
// a run leaves its lease claims, not a record.
type RunLog interface {
	RecordRun(ctx context.Context, r Run) error
	// RecentRuns lists the latest runs, newest first, of one job or, with job empty, of all.
	RecentRuns(ctx context.Context, job string, limit int) ([]Run, error)
	PruneRuns(ctx context.Context, before time.Time) (int64, error)
}

// Runner schedules jobs with cron: a job still running when its next turn comes is skipped,
// a panic in a job is logged, not fatal, and a job whose lease another process holds is
// skipped this turn.
type Runner struct {
	cron   *cron.Cron
	jobs   []Job
	log    *slog.Logger
	leases *lease.Manager
	runs   RunLog
	owner  string
}

// Option configures a Runner.
type Option func(*Runner)

// WithLeases makes every run take the job's lease first.
func WithLeases(m *lease.Manager) Option {
	return func(r *Runner) {
		r.leases = m
		r.owner = m.Owner()
	}
}

// WithRunLog records every run.
func WithRunLog(l RunLog) Option { return func(r *Runner) { r.runs = l } }

// NewRunner prepares the jobs; ctx bounds every run.
func NewRunner(ctx context.Context, jobs []Job, log *slog.Logger, opts ...Option) (*Runner, error) {
	cl := cronLogger{log}
	r := &Runner{
		cron: cron.New(cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)), cron.WithLogger(cl)),
		jobs: jobs, log: log,
	}
	for _, o := range opts {
		o(r)
	}
	for _, j := range jobs {
		if _, err := r.cron.AddFunc(j.Spec, func() {
			if _, err := r.run(ctx, j); errors.Is(err, lease.ErrHeld) {
				r.log.DebugContext(ctx, "job skipped", "job", j.Name, "reason", err.Error())
			}
		}); err != nil {
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

// RunOnce runs the named job now, for operators. While another process holds the job's
// lease it waits, up to wait, for the lease to come free.
func (r *Runner) RunOnce(ctx context.Context, name string, wait time.Duration) (int64, error) {
	i := slices.IndexFunc(r.jobs, func(j Job) bool { return j.Name == name })
	if i < 0 {
		return 0, fmt.Errorf("schedule: no job named %q", name)
	}
	deadline := time.Now().Add(wait)
	for {
		n, err := r.run(ctx, r.jobs[i])
		if !errors.Is(err, lease.ErrHeld) || time.Now().After(deadline) {
			return n, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func (r *Runner) run(ctx context.Context, j Job) (n int64, err error) {
	rec := Run{Job: j.Name, Owner: r.owner, StartedAt: time.Now()}
	jobCtx := ctx
	if r.leases != nil {
		l, err := r.leases.Acquire(ctx, j.Name)
		if err != nil {
			return 0, err
		}
		rec.Lease = l.ID()
		// The run starts once it holds the lease: waiting for the store to grant it is not
		// part of it, and another process's run may end during that wait.
		rec.StartedAt = time.Now()
		jobCtx = l.Context()
		defer func() {
			if err := l.Release(context.WithoutCancel(ctx)); err != nil {
				r.log.WarnContext(ctx, "lease not released; it lapses by itself", "job", j.Name, "err", err)
			}
		}()
	}
	defer func() {
		// A panicking run is recorded like a failed one; cron's Recover stays in the chain
		// for anything outside this function.
		if p := recover(); p != nil {
			err = fmt.Errorf("schedule: job %s panicked: %v", j.Name, p)
			r.log.ErrorContext(ctx, "job panicked", "job", j.Name, "stack", string(debug.Stack()))
		}
		r.finish(ctx, rec, n, err)
	}()
	return j.Run(jobCtx)
}

func (r *Runner) finish(ctx context.Context, rec Run, n int64, err error) {
	rec.EndedAt, rec.Items = time.Now(), n
	attrs := []any{"job", rec.Job, "items", n, "durationMs", rec.EndedAt.Sub(rec.StartedAt).Milliseconds()}
	if err != nil {
		rec.Error = err.Error()
		r.log.ErrorContext(ctx, "job failed", append(attrs, "err", err)...)
	} else if n > 0 {
		r.log.InfoContext(ctx, "job done", attrs...)
	} else {
		// Most turns of the frequent jobs find nothing to do.
		r.log.DebugContext(ctx, "job done", attrs...)
	}
	if r.runs == nil {
		return
	}
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.runs.RecordRun(recCtx, rec); err != nil {
		r.log.WarnContext(ctx, "job run not recorded", "job", rec.Job, "err", err)
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
