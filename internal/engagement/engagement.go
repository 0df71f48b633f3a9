// Package engagement records append-only facts about participation (signed up, attended,
// hours, ...), from which the worker computes statistics. Facts are never changed; erasing a
// person pseudonymises them.
package engagement

import (
	"context"
	"log/slog"
	"sync"
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
	// ShiftChanged: a shift's times changed (not its capacity).
	ShiftChanged Kind = "SHIFT_CHANGED"

	// Self-help groups. For sensitive groups the events carry no user, so that they only count.
	GroupJoined     Kind = "GROUP_JOINED"
	GroupLeft       Kind = "GROUP_LEFT"
	MeetingRSVP     Kind = "MEETING_RSVP"
	MeetingAttended Kind = "MEETING_ATTENDED"

	// Training.
	ModuleCompleted Kind = "MODULE_COMPLETED"
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
	GroupID        string
	MeetingID      string
	ModuleID       string
	Hours          float64
	// Count is how many people an aggregate event stands for (meeting attendance recorded as
	// a number); zero means one.
	Count int
}

// Store appends events.
type Store interface {
	AppendEvents(ctx context.Context, events ...Event) error
}

// Recorder writes events in batches from a background goroutine: an action pays for an
// append to a buffer, not for a round trip to the store. A failed write is logged, not
// returned: the actions it describes have already happened and must not be reported as failed.
type Recorder struct {
	store Store
	log   *slog.Logger
	now   func() time.Time

	mu      sync.Mutex
	pending []Event
	wake    chan struct{}
	flushed *sync.Cond // signalled after every write
	writing bool
	closed  bool
	done    chan struct{}
}

// maxBatch bounds one write.
const maxBatch = 500

// NewRecorder returns a recorder writing to store; Close flushes and stops it.
func NewRecorder(store Store, log *slog.Logger) *Recorder {
	r := &Recorder{store: store, log: log, now: time.Now, wake: make(chan struct{}, 1), done: make(chan struct{})}
	r.flushed = sync.NewCond(&r.mu)
	go r.run()
	return r
}

// Record queues the events, stamping those without a time.
func (r *Recorder) Record(_ context.Context, events ...Event) {
	if len(events) == 0 {
		return
	}
	now := r.now()
	for i := range events {
		if events[i].At.IsZero() {
			events[i].At = now
		}
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.write(events)
		return
	}
	r.pending = append(r.pending, events...)
	// Signalled under the lock, so that Close cannot close the channel in between.
	select {
	case r.wake <- struct{}{}:
	default:
	}
	r.mu.Unlock()
}

func (r *Recorder) run() {
	defer close(r.done)
	for range r.wake {
		for {
			r.mu.Lock()
			batch := r.pending
			if len(batch) > maxBatch {
				batch = batch[:maxBatch]
			}
			r.pending = r.pending[len(batch):]
			r.writing = len(batch) > 0
			r.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			r.write(batch)
			r.mu.Lock()
			r.writing = false
			r.flushed.Broadcast()
			r.mu.Unlock()
		}
		r.mu.Lock()
		r.flushed.Broadcast()
		r.mu.Unlock()
	}
}

func (r *Recorder) write(events []Event) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.store.AppendEvents(ctx, events...); err != nil {
		r.log.Error("engagement: events lost", "err", err, "count", len(events), "kind", string(events[0].Kind))
	}
}

// Flush waits until every event recorded so far is written.
func (r *Recorder) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.pending) > 0 || r.writing {
		r.flushed.Wait()
	}
}

// Close writes what is queued and stops the background writer. Events recorded after Close
// are written at once.
func (r *Recorder) Close() {
	r.Flush()
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.wake)
	}
	r.mu.Unlock()
	<-r.done
}
