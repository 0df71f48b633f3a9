package privacy

import (
	"context"
	"errors"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/notify"
)

// Retention is how long data classes are kept (the deletion concept in README.md). A zero
// duration keeps that class.
type Retention struct {
	// InactiveAccount: an account nobody used for this long is erased, like deleteMyAccount.
	InactiveAccount time.Duration
	// Warning: how long before the erasure the person is told (e-mail or in-app message).
	Warning time.Duration
	// AuditLog: entries of the audit log older than this are deleted.
	AuditLog time.Duration
	// Notifications: messages older than this are deleted with their delivery records. The
	// notification jobs delete them after notify.Retention (90 days) in any case.
	Notifications time.Duration
}

// DefaultRetention: inactive accounts 24 months with a warning 30 days before, the audit log
// two years.
var DefaultRetention = Retention{InactiveAccount: 730 * 24 * time.Hour, Warning: 30 * 24 * time.Hour, AuditLog: 730 * 24 * time.Hour,
	Notifications: notify.Retention}

// Activity tells when people last did something.
type Activity interface {
	// LastActivity returns, by user, the latest of: account created, signed in or refreshed,
	// signed up, decided on a consent.
	LastActivity(ctx context.Context) (map[string]time.Time, error)
}

// Warnings sends the warning through the notification outbox (notify.Service).
type Warnings interface {
	Enqueue(ctx context.Context, reqs []notify.Request) ([]notify.Outcome, error)
	Message(ctx context.Context, id string) (notify.Message, error)
}

// Pruners delete old audit entries and notifications (the store).
type Pruners struct {
	Audit interface {
		PruneAudit(ctx context.Context, before time.Time) (int64, error)
	}
	Notifications interface {
		Prune(ctx context.Context, before time.Time) (int64, error)
	}
}

type retention struct {
	cfg      Retention
	activity Activity
	warnings Warnings
	prune    Pruners
}

// SetRetention wires the retention job.
func (s *Service) SetRetention(cfg Retention, activity Activity, warnings Warnings, prune Pruners) {
	s.retention = retention{cfg: cfg, activity: activity, warnings: warnings, prune: prune}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// RunRetention is the retention job: it warns people whose accounts are about to be erased for
// inactivity, erases those warned long enough ago, and prunes the audit log and notifications. It is
// idempotent: the warning is keyed by the person and their last activity, so a re-run or a
// second worker sends nothing twice, and any activity starts the clock again. It reports how
// many warnings, erasures and deleted entries it made.
func (s *Service) RunRetention(ctx context.Context) (int64, error) {
	r := s.retention
	var n int64
	if r.cfg.InactiveAccount > 0 && r.activity != nil && r.warnings != nil {
		m, err := s.expireInactive(ctx)
		n += m
		if err != nil {
			return n, err
		}
	}
	if r.cfg.AuditLog > 0 && r.prune.Audit != nil {
		m, err := r.prune.Audit.PruneAudit(ctx, s.now().Add(-r.cfg.AuditLog))
		n += m
		if err != nil {
			return n, errs.Wrap("privacy: prune audit log", err)
		}
	}
	if r.cfg.Notifications > 0 && r.prune.Notifications != nil {
		m, err := r.prune.Notifications.Prune(ctx, s.now().Add(-r.cfg.Notifications))
		n += m
		if err != nil {
			return n, errs.Wrap("privacy: prune notifications", err)
		}
	}
	return n, nil
}

func (s *Service) expireInactive(ctx context.Context) (int64, error) {
	r := s.retention
	last, err := r.activity.LastActivity(ctx)
	if err != nil {
		return 0, errs.Wrap("privacy: activity", err)
	}
	now := s.now()
	var n int64
	for userID, at := range last {
		eraseAt := at.Add(r.cfg.InactiveAccount)
		if now.Before(eraseAt.Add(-r.cfg.Warning)) {
			continue
		}
		key := "inactive:" + userID + ":" + at.UTC().Format("20060102T150405")
		warnedAt, warned, err := s.warnedAt(ctx, key)
		if err != nil {
			return n, err
		}
		if !warned {
			until := eraseAt
			if until.Before(now.Add(r.cfg.Warning)) {
				until = now.Add(r.cfg.Warning)
			}
			outcomes, err := r.warnings.Enqueue(ctx, []notify.Request{{Key: key, UserID: userID, Kind: notify.AccountInactive,
				Data: notify.Data{Until: until}}})
			if err != nil {
				return n, errs.Wrap("privacy: warn", err)
			}
			if len(outcomes) > 0 && outcomes[0] == notify.Created {
				n++
			}
			continue
		}
		// The person had the whole warning period, however late the warning went out.
		if now.Before(eraseAt) || now.Before(warnedAt.Add(r.cfg.Warning)) {
			continue
		}
		u, err := s.accounts.User(ctx, userID)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if err := s.erase(ctx, u); err != nil {
			if errs.Is(err, errs.Conflict) {
				// e.g. the last admin of an organisation: someone must take over first.
				s.log.WarnContext(ctx, "privacy: inactive account kept", "reason", err.Error())
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// warnedAt finds the warning message of the key on any channel.
func (s *Service) warnedAt(ctx context.Context, key string) (time.Time, bool, error) {
	for _, ch := range []notify.Channel{notify.InApp, notify.Email} {
		m, err := s.retention.warnings.Message(ctx, notify.MessageID(key, ch))
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			return time.Time{}, false, errs.Wrap("privacy: warning", err)
		}
		return m.CreatedAt, true, nil
	}
	return time.Time{}, false, nil
}
