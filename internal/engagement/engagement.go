// Package engagement records append-only facts about participation (signed up, attended,
// hours, ...), from which the worker computes statistics. Facts are never changed; erasing a
// person pseudonymises them.
package engagement

import (
	"context"
	"log/slog"
	"time"
)

// Kind names a fact.
type Kind string

const (
	SignedUp             Kind = "SIGNED_UP"
	Waitlisted           Kind = "WAITLISTED"
	RequestedApproval    Kind = "REQUESTED_APPROVAL"
	Approved             Kind = "APPROVED"
	Declined             Kind = "DECLINED"
	Promoted             Kind = "PROMOTED"
	Cancelled            Kind = "CANCELLED"
	Attended             Kind = "ATTENDED"
	NoShow               Kind = "NO_SHOW"
	HoursLogged          Kind = "HOURS_LOGGED"
	HoursConfirmed       Kind = "HOURS_CONFIRMED"
	OpportunityCancelled Kind = "OPPORTUNITY_CANCELLED"
	ShiftCancelled       Kind = "SHIFT_CANCELLED"
)

// Event is one fact.
type Event struct {
	Kind           Kind
	At             time.Time
	UserID         string
	ActorID        string // who caused it, when not the user (a coordinator, or the system)
	OrganisationID string
	OpportunityID  string
	ShiftID        string
	SignupID       string
	Hours          float64
}

// Store appends events.
type Store interface {
	AppendEvents(ctx context.Context, events ...Event) error
}

// Recorder writes events. A failed write is logged, not returned: the action it describes has
// already happened and must not be reported as failed.
type Recorder struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// NewRecorder returns a recorder writing to store.
func NewRecorder(store Store, log *slog.Logger) *Recorder {
	return &Recorder{store: store, log: log, now: time.Now}
}

// Record appends the events, stamping those without a time.
func (r *Recorder) Record(ctx context.Context, events ...Event) {
	if len(events) == 0 {
		return
	}
	now := r.now()
	for i := range events {
		if events[i].At.IsZero() {
			events[i].At = now
		}
	}
	if err := r.store.AppendEvents(context.WithoutCancel(ctx), events...); err != nil {
		r.log.ErrorContext(ctx, "engagement: events lost", "err", err, "count", len(events), "kind", string(events[0].Kind))
	}
}
