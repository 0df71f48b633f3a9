package schedule

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Operators decides who operates the platform.
type Operators interface {
	RequirePlatformAdmin(ctx context.Context, actor auth.Actor) error
}

// RunView shows the record of job runs to the platform's operators: whether reminders went
// out, how many, and what failed. Organisations' staff do not see it; the runs span them all.
type RunView struct {
	runs RunLog
	ops  Operators
}

// NewRunView returns the view.
func NewRunView(runs RunLog, ops Operators) *RunView { return &RunView{runs: runs, ops: ops} }

// Run limits of one request.
const (
	DefaultRunsShown = 50
	MaxRunsShown     = 500
)

// Recent lists the latest first runs (nil: DefaultRunsShown), newest first, of one job or
// (job empty) of all.
func (v *RunView) Recent(ctx context.Context, actor auth.Actor, job string, first *int) ([]Run, error) {
	if err := v.ops.RequirePlatformAdmin(ctx, actor); err != nil {
		return nil, err
	}
	limit := DefaultRunsShown
	if first != nil {
		if limit = *first; limit < 1 || limit > MaxRunsShown {
			return nil, errs.InvalidField("first", "give a number from 1 to %d", MaxRunsShown)
		}
	}
	runs, err := v.runs.RecentRuns(ctx, job, limit)
	return runs, errs.Wrap("schedule: recent runs", err)
}
