// Package signup holds volunteers' signups for shifts: places that are never oversold,
// waitlists that move in order, approvals, attendance and hours.
//
// The capacity invariant rests on the store's unique keys (one key per place, one per
// waitlist rank, one per active signup of a volunteer and shift), so it holds on any backend.
// Decisions are made against an in-memory book of the shifts' places, because the embedded
// store answers such questions only by scanning.
package signup

import (
	"context"
	"time"
)

// Status is where a signup stands.
type Status string

const (
	Confirmed       Status = "CONFIRMED"
	Waitlisted      Status = "WAITLISTED"
	PendingApproval Status = "PENDING_APPROVAL"
	Cancelled       Status = "CANCELLED"
	Attended        Status = "ATTENDED"
	NoShow          Status = "NO_SHOW"
)

// Active reports whether the signup still counts for the shift ahead.
func (s Status) Active() bool { return s == Confirmed || s == Waitlisted || s == PendingApproval }

// HoldsPlace reports whether the signup occupies one of the shift's places.
func (s Status) HoldsPlace() bool { return s == Confirmed || s == Attended || s == NoShow }

// Signup is one volunteer's signup for one shift.
type Signup struct {
	ID             string
	ShiftID        string
	OpportunityID  string
	OrganisationID string
	UserID         string
	Status         Status
	// Seat is the place held (1..capacity) while Status.HoldsPlace; zero otherwise.
	Seat int
	// WaitRank orders the waitlist (first come, first served) while Waitlisted; zero otherwise.
	WaitRank int
	// ShiftStart and ShiftEnd copy the shift's times for overlap checks without a lookup; for
	// a deadline task ShiftStart is zero and ShiftEnd is the deadline.
	ShiftStart time.Time
	ShiftEnd   time.Time
	// AllowOverlap records a coordinator's decision that this signup may overlap others.
	AllowOverlap   bool
	Hours          float64
	HoursConfirmed bool
	CheckedInAt    time.Time
	CancelReason   string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Cancel reasons.
const (
	ReasonVolunteer   = "VOLUNTEER"
	ReasonCoordinator = "COORDINATOR"
	ReasonDeclined    = "DECLINED"
)

// Repo is the storage the signup service needs. Writes fail with errs.ErrDuplicate when a
// unique key is taken: the place, the waitlist rank, or the volunteer's active signup.
type Repo interface {
	NewID() string
	Insert(ctx context.Context, s Signup) error
	ByID(ctx context.Context, id string) (Signup, error)
	ByIDs(ctx context.Context, ids []string) (map[string]Signup, error)
	// Update applies change to the current record and stores it, with no other write to the
	// same signup in between.
	Update(ctx context.Context, id string, change func(*Signup) error) (Signup, error)
	// Current lists the signups that are active or hold a place, for shifts ending at or after
	// from; with shiftID or userID set, only those of that shift or volunteer.
	Current(ctx context.Context, from time.Time, shiftID, userID string) ([]Signup, error)
	// OfShift lists all signups of a shift, oldest first.
	OfShift(ctx context.Context, shiftID string) ([]Signup, error)
	// OfUser lists a volunteer's signups, newest first, older than the cursor ID (if any).
	OfUser(ctx context.Context, userID, beforeID string, limit int) ([]Signup, error)
	CountOfUser(ctx context.Context, userID string) (int, error)
	// SetShiftTimes copies a shift's new start and end into all its signups.
	SetShiftTimes(ctx context.Context, shiftID string, start, end time.Time) error
}
