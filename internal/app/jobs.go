package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
)

// JobParts are the domain services the scheduled jobs call; the server passes its own, the
// worker builds the few it needs. A nil part leaves its jobs out.
type JobParts struct {
	Accounts    *account.Service
	Expirations notify.Expirations
	Training    interface {
		Prune(context.Context) (int64, error)
	}
	GroupMeetings interface {
		Expand(context.Context) (int64, error)
	}
	// Retention needs the server's memory of what it erases: only the server passes it.
	Retention interface {
		RunRetention(context.Context) (int64, error)
	}
}

// Runner builds the scheduler of the platform's jobs on the store, the same in the server
// and in the worker: they coordinate through leases. sender nil keeps e-mails in the outbox;
// leads are the shift reminders' times before the start.
func Runner(ctx context.Context, st *store.Store, parts JobParts, sender notify.Sender, leads []time.Duration,
	log *slog.Logger) (*schedule.Runner, error) {
	owner := lease.NewOwner()
	stores := st.NotifyStores()
	stores.Expirations = parts.Expirations
	notifications := notify.NewJobs(stores, sender, owner, log)
	notifications.Reminders.SetLeads(leads)
	p := schedule.Platform{Accounts: parts.Accounts, Notify: notifications, Leases: st.Leases(), Runs: st.JobRuns(),
		Replays: st.Replays(), Stats: stats.NewJob(st.Stats(), st.Outbox(), st.Stats()), Training: parts.Training,
		GroupMeetings: parts.GroupMeetings, Retention: parts.Retention}
	return schedule.NewRunner(ctx, schedule.Jobs(p), log,
		schedule.WithLeases(lease.NewManager(st.Leases(), owner, log)), schedule.WithRunLog(st.JobRuns()))
}
