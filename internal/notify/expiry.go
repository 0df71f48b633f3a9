package notify

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Expiry is a training completion or credential whose validity ends soon.
type Expiry struct {
	// Key identifies the expiry: "training:<completionId>" or
	// "credential:<credentialId>:<validUntil>" (a renewed credential expires anew).
	Key            string
	UserID         string
	PersonName     string
	OrganisationID string
	// Coordinators are the organisation's coordinators and admins.
	Coordinators []string
	// Module is the module's title for a completion; Credential the kind otherwise.
	Module     string
	Credential string
	ValidUntil time.Time
}

// Expirations lists the training completions and credentials that end soon; package
// training provides it.
type Expirations interface {
	Expiring(ctx context.Context, from, to time.Time) ([]Expiry, error)
}

// ExpiryLead (30 days, "30d" in keys) is how long before a completion or credential ends its holder and the
// organisation's coordinators are told.
const ExpiryLead = 30 * 24 * time.Hour

// ExpiryReminderKey is the idempotency key of the reminder of an expiry (Expiry.Key)
// to a recipient: "reminder:training:<completionId>:30d" for the volunteer, with
// ":<coordinatorId>" appended for a coordinator.
func ExpiryReminderKey(expiryKey, recipient, volunteer string) string {
	k := "reminder:" + expiryKey + ":30d"
	if recipient != volunteer {
		k += ":" + recipient
	}
	return k
}

// ExpiryReminders is the job that tells volunteers and coordinators, once, that a completion
// or credential ends within ExpiryLead, outside the recipient's quiet hours.
type ExpiryReminders struct {
	svc  *Service
	src  Expirations
	mu   sync.Mutex
	done map[string]time.Time // key → end of validity; forgotten after it
	// loaded: the keys stored by earlier runs were read (once per process).
	loaded bool
}

// NewExpiryReminders returns the expiry reminder job.
func NewExpiryReminders(svc *Service, src Expirations) *ExpiryReminders {
	return &ExpiryReminders{svc: svc, src: src, done: map[string]time.Time{}}
}

// Run creates the reminders of what ends within ExpiryLead and reports how many it created.
func (r *ExpiryReminders) Run(ctx context.Context) (int64, error) {
	now := r.svc.now()
	list, err := r.src.Expiring(ctx, now, now.Add(ExpiryLead))
	if err != nil {
		return 0, errs.Wrap("notify: expiring", err)
	}
	if err := r.load(ctx, now); err != nil {
		return 0, err
	}
	var reqs []Request
	r.mu.Lock()
	for k, until := range r.done {
		if until.Before(now) {
			delete(r.done, k)
		}
	}
	for _, e := range list {
		kind, staff := TrainingExpiring, TrainingExpiringStaff
		if e.Credential != "" {
			kind, staff = CredentialExpiring, CredentialExpiringStaff
		}
		d := Data{Title: e.Module, Credential: e.Credential, Until: e.ValidUntil, Person: e.PersonName}
		for _, to := range append([]string{e.UserID}, e.Coordinators...) {
			key := ExpiryReminderKey(e.Key, to, e.UserID)
			if _, ok := r.done[key]; ok {
				continue
			}
			k := kind
			if to != e.UserID {
				k = staff
			}
			reqs = append(reqs, Request{Key: key, UserID: to, Kind: k, Data: d, Deadline: e.ValidUntil, Reminder: true})
		}
	}
	r.mu.Unlock()
	return r.svc.enqueueRemembering(ctx, reqs, &r.mu, r.done, func(i int) time.Time { return reqs[i].Deadline })
}

// load remembers the reminders stored in the last ExpiryLead, so that a new process does not
// ask the outbox about each again.
func (r *ExpiryReminders) load(ctx context.Context, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded {
		return nil
	}
	for _, prefix := range []string{"reminder:training:", "reminder:credential:"} {
		ids, err := r.svc.outbox.MessageIDs(ctx, prefix, now.Add(-ExpiryLead))
		if err != nil {
			return errs.Wrap("notify: stored expiry reminders", err)
		}
		for _, id := range ids {
			if i := strings.LastIndexByte(id, ':'); i > 0 {
				r.done[id[:i]] = now.Add(ExpiryLead)
			}
		}
	}
	r.loaded = true
	return nil
}
