package schedule

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/stats"
)

// Platform is what the platform's jobs call. A nil part leaves its jobs out.
type Platform struct {
	Accounts *account.Service
	Notify   notify.Jobs
	Leases   lease.Store
	Runs     RunLog
	// Stats folds new engagement events into the statistics.
	Stats *stats.Job
	// Replays forgets the results of keyed mutations after a day.
	Replays interface {
		PruneReplays(ctx context.Context, before time.Time) (int64, error)
	}
	// Retention erases inactive accounts after a warning and prunes the audit log and old
	// notifications (privacy.Service.RunRetention); idempotent.
	Retention interface {
		RunRetention(ctx context.Context) (int64, error)
	}
	// GroupMeetings creates the meetings of self-help groups' schedules for their rolling
	// horizon (group.Service.Expand); idempotent.
	GroupMeetings interface {
		Expand(ctx context.Context) (int64, error)
	}
	// Training deletes credentials after the volunteer's inactivity in the organisation and
	// past quiz attempts (training.Service.Prune); idempotent.
	Training interface {
		Prune(ctx context.Context) (int64, error)
	}
}

// Job names, for `worker run JOB`.
const (
	JobPruneSessions      = "prune-sessions"
	JobDeliver            = "deliver-notifications"
	JobReminders          = "shift-reminders"
	JobNotices            = "event-notices"
	JobPruneNotifications = "prune-notifications"
	JobPruneLeases        = "prune-leases"
	JobPruneReplays       = "prune-replays"
	JobEngagementStats    = "engagement-stats"
	JobDigest             = "coordinator-digest"
	JobMeetingReminders   = "meeting-reminders"
	JobExpandMeetings     = "expand-group-meetings"
	JobExpiryReminders    = "expiry-reminders"
	JobPruneTraining      = "prune-credentials"
	JobRetention          = "retention"
)

// How long lease claims and run records are kept. Two processes running the frequent jobs
// write about 70,000 claims and 35,000 run records a day; lookups among the claims scan them on
// the embedded store, so they are pruned every hour.
const (
	leaseRetention = time.Hour
	runRetention   = 24 * time.Hour
)

// Jobs lists the jobs of the platform. The server and the worker run the same list.
func Jobs(p Platform) []Job {
	var jobs []Job
	if p.Accounts != nil {
		jobs = append(jobs, Job{Name: JobPruneSessions, Spec: "@every 1h", Run: p.Accounts.Prune})
	}
	if p.Replays != nil {
		jobs = append(jobs, Job{Name: JobPruneReplays, Spec: "@every 1h", Run: func(ctx context.Context) (int64, error) {
			return p.Replays.PruneReplays(ctx, time.Now().Add(-24*time.Hour))
		}})
	}
	if p.Stats != nil {
		jobs = append(jobs, Job{Name: JobEngagementStats, Spec: "@every 10m", Run: p.Stats.Run})
	}
	if n := p.Notify; n.Service != nil {
		jobs = append(jobs,
			Job{Name: JobDeliver, Spec: "@every 10s", Run: n.Delivery.Run},
			Job{Name: JobReminders, Spec: "@every 1m", Run: n.Reminders.Run},
			Job{Name: JobNotices, Spec: "@every 10s", Run: n.Notices.Run},
			Job{Name: JobPruneNotifications, Spec: "@daily", Run: n.Service.Prune},
		)
		if n.Digest != nil {
			// Monday morning; the digest is keyed by week, so a re-run or a second worker adds
			// nothing, and quiet hours hold it until the recipient's morning.
			jobs = append(jobs, Job{Name: JobDigest, Spec: "CRON_TZ=Europe/Berlin 0 6 * * MON", Run: n.Digest.Run})
		}
	}
	if n := p.Notify; n.MeetingReminders != nil {
		jobs = append(jobs, Job{Name: JobMeetingReminders, Spec: "@every 1m", Run: n.MeetingReminders.Run})
	}
	if n := p.Notify; n.ExpiryReminders != nil {
		// Keyed per completion or credential and recipient: a re-run or a second worker adds nothing.
		jobs = append(jobs, Job{Name: JobExpiryReminders, Spec: "@every 1h", Run: n.ExpiryReminders.Run})
	}
	if p.Training != nil {
		jobs = append(jobs, Job{Name: JobPruneTraining, Spec: "@every 6h", Run: p.Training.Prune})
	}
	if p.Retention != nil {
		jobs = append(jobs, Job{Name: JobRetention, Spec: "CRON_TZ=Europe/Berlin 30 3 * * *", Run: p.Retention.RunRetention})
	}
	if p.GroupMeetings != nil {
		jobs = append(jobs, Job{Name: JobExpandMeetings, Spec: "@every 6h", Run: p.GroupMeetings.Expand})
	}
	if p.Leases != nil || p.Runs != nil {
		jobs = append(jobs, Job{Name: JobPruneLeases, Spec: "@every 1h", Run: func(ctx context.Context) (int64, error) {
			var n int64
			now := time.Now()
			if p.Leases != nil {
				m, err := p.Leases.PruneClaims(ctx, now.Add(-leaseRetention))
				if n += m; err != nil {
					return n, err
				}
			}
			if p.Runs != nil {
				m, err := p.Runs.PruneRuns(ctx, now.Add(-runRetention))
				if n += m; err != nil {
					return n, err
				}
			}
			return n, nil
		}})
	}
	return jobs
}
