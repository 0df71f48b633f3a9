// Package opportunity holds the tasks organisations publish and their shifts: what there is to
// do, where or online, when, and for how many people.
package opportunity

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Mode says where a task happens.
type Mode string

const (
	ModeOnsite Mode = "ONSITE"
	ModeOnline Mode = "ONLINE"
	ModeHybrid Mode = "HYBRID"
)

// Status is the lifecycle of an opportunity: DRAFT → PUBLISHED → CLOSED or CANCELLED.
type Status string

const (
	StatusDraft     Status = "DRAFT"
	StatusPublished Status = "PUBLISHED"
	StatusClosed    Status = "CLOSED"
	StatusCancelled Status = "CANCELLED"
)

// Location is where an on-site task happens.
type Location struct {
	Address   string
	Latitude  float64
	Longitude float64
}

// Opportunity is a task volunteers can sign up for.
type Opportunity struct {
	ID                  string
	OrganisationID      string
	Title               string
	Description         string
	EasyLanguageSummary string
	AccessibilityNotes  string
	Category            string
	Mode                Mode
	Status              Status
	Skills              []string
	Languages           []string
	Location            *Location
	// OnlineURL is shown only to confirmed volunteers and the organisation's staff.
	OnlineURL           string
	RequiresApproval    bool
	RequiredModuleIDs   []string
	RequiredCredentials []string
	// MinimumAge is a legally required minimum age of volunteers (e.g. 16 or 18); 0 for none.
	// Signing up checks it against the volunteer's birth year.
	MinimumAge  int
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
	// StatusReason explains a cancellation to the people signed up.
	StatusReason string
}

// OnlineURLFor returns the online link for a viewer who is the organisation's staff or holds
// a confirmed place, and nothing for anyone else: a meeting link is an invitation.
func (o Opportunity) OnlineURLFor(staff, confirmed bool) string {
	if staff || confirmed {
		return o.OnlineURL
	}
	return ""
}

// Open reports whether volunteers can sign up for the opportunity's shifts.
func (o Opportunity) Open() bool { return o.Status == StatusPublished }

// ShiftStatus is whether a shift takes place.
type ShiftStatus string

const (
	ShiftActive    ShiftStatus = "ACTIVE"
	ShiftCancelled ShiftStatus = "CANCELLED"
)

// Shift is a time slot of an opportunity with a capacity, or, for an online micro-task, a
// deadline by which the work is done.
type Shift struct {
	ID             string
	OpportunityID  string
	OrganisationID string
	// StartsAt and EndsAt are zero for a deadline-only micro-task.
	StartsAt time.Time
	EndsAt   time.Time
	Deadline time.Time
	TimeZone string
	Capacity int
	Status   ShiftStatus
	// StatusReason explains a cancellation.
	StatusReason string
	CreatedAt    time.Time
}

// Timed reports whether the shift has a start and an end (rather than only a deadline).
func (s Shift) Timed() bool { return !s.StartsAt.IsZero() }

// Ends is when the shift is over: its end, or its deadline.
func (s Shift) Ends() time.Time {
	if s.Timed() {
		return s.EndsAt
	}
	return s.Deadline
}

// Length is the planned duration of a timed shift.
func (s Shift) Length() time.Duration {
	if !s.Timed() {
		return 0
	}
	return s.EndsAt.Sub(s.StartsAt)
}

// Filter narrows a list of opportunities.
type Filter struct {
	OrganisationID string
	Mode           Mode
	Category       string
	// From and To keep opportunities with an active shift in [From, To).
	From, To time.Time
	// OnlyWithFreePlaces keeps opportunities with at least one shift that has room.
	OnlyWithFreePlaces bool
	// Statuses to include; the service decides which the actor may see.
	Statuses []Status
}

// Repo is the storage the opportunity service needs.
type Repo interface {
	Insert(ctx context.Context, o *Opportunity) error
	ByID(ctx context.Context, id string) (Opportunity, error)
	ByIDs(ctx context.Context, ids []string) (map[string]Opportunity, error)
	Update(ctx context.Context, id string, change func(*Opportunity) error) (Opportunity, error)
	// List returns the opportunities matching the filter's store-side fields (organisation,
	// mode, category, statuses), newest first.
	List(ctx context.Context, f Filter) ([]Opportunity, error)

	InsertShift(ctx context.Context, s *Shift) error
	ShiftByID(ctx context.Context, id string) (Shift, error)
	ShiftsByIDs(ctx context.Context, ids []string) (map[string]Shift, error)
	UpdateShift(ctx context.Context, id string, change func(*Shift) error) (Shift, error)
	// ShiftsOf returns the shifts of the opportunities, by opportunity.
	ShiftsOf(ctx context.Context, opportunityIDs []string) (map[string][]Shift, error)
}

// TakesSignups says why the shift takes no signups at now, or nil when it does: the
// opportunity is published, the shift active and not begun (or its deadline not passed).
func TakesSignups(o Opportunity, sh Shift, now time.Time) error {
	switch {
	case !o.Open():
		return errs.E(errs.Conflict, "this opportunity is not open for signups")
	case sh.Status != ShiftActive:
		return errs.E(errs.Conflict, "this shift is cancelled")
	case sh.Timed() && !now.Before(sh.StartsAt):
		return errs.E(errs.Conflict, "this shift has already begun")
	case !sh.Timed() && !now.Before(sh.Deadline):
		return errs.E(errs.Conflict, "the deadline of this task has passed")
	}
	return nil
}
