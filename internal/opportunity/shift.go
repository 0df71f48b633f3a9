package opportunity

import (
	"context"
	"errors"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// ShiftInput describes a shift: either StartsAt and EndsAt, or only a Deadline for an online
// micro-task. In an update, nil fields stay as they are.
type ShiftInput struct {
	StartsAt *time.Time
	EndsAt   *time.Time
	Deadline *time.Time
	Capacity *int
	TimeZone *string
}

func (in ShiftInput) apply(sh *Shift, now time.Time) error {
	if in.TimeZone != nil || sh.TimeZone == "" {
		name, _, err := loadZone("input.timeZone", deref(in.TimeZone))
		if err != nil {
			return err
		}
		sh.TimeZone = name
	}
	if in.Capacity != nil {
		if *in.Capacity < MinCapacity || *in.Capacity > MaxCapacity {
			return errs.InvalidField("input.capacity", "capacity must be from %d to %d", MinCapacity, MaxCapacity)
		}
		sh.Capacity = *in.Capacity
	}
	timed := in.StartsAt != nil || in.EndsAt != nil
	switch {
	case timed && in.Deadline != nil:
		return errs.InvalidField("input.deadline", "give either a start and an end, or a deadline")
	case timed:
		if in.StartsAt != nil {
			sh.StartsAt = in.StartsAt.UTC()
		}
		if in.EndsAt != nil {
			sh.EndsAt = in.EndsAt.UTC()
		}
		sh.Deadline = time.Time{}
		if sh.StartsAt.IsZero() {
			return errs.InvalidField("input.startsAt", "a shift with an end needs a start")
		}
		if sh.EndsAt.IsZero() {
			return errs.InvalidField("input.endsAt", "a shift with a start needs an end")
		}
		if !sh.StartsAt.Before(sh.EndsAt) {
			return errs.InvalidField("input.endsAt", "the end must be after the start")
		}
		if sh.EndsAt.Sub(sh.StartsAt) > MaxShiftLength {
			return errs.InvalidField("input.endsAt", "a shift can last at most 14 days")
		}
		if !sh.StartsAt.After(now) {
			return errs.InvalidField("input.startsAt", "the start must be in the future")
		}
	case in.Deadline != nil:
		sh.Deadline = in.Deadline.UTC()
		sh.StartsAt, sh.EndsAt = time.Time{}, time.Time{}
		if !sh.Deadline.After(now) {
			return errs.InvalidField("input.deadline", "the deadline must be in the future")
		}
	}
	if !sh.Timed() && sh.Deadline.IsZero() {
		return errs.InvalidField("input.startsAt", "give a start and an end, or a deadline")
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}

// AddShift adds a shift to an opportunity that is not closed or cancelled. Staff only.
func (s *Service) AddShift(ctx context.Context, actor auth.Actor, opportunityID string, in ShiftInput) (Shift, error) {
	o, err := s.forStaff(ctx, actor, opportunityID)
	if err != nil {
		return Shift{}, err
	}
	if o.Status == StatusCancelled || o.Status == StatusClosed {
		return Shift{}, errs.E(errs.Conflict, "a %s opportunity takes no new shifts", o.Status)
	}
	if in.Capacity == nil {
		return Shift{}, errs.InvalidField("input.capacity", "a capacity is required")
	}
	now := s.now()
	sh := Shift{OpportunityID: o.ID, OrganisationID: o.OrganisationID, Status: ShiftActive, CreatedAt: now}
	if err := in.apply(&sh, now); err != nil {
		return Shift{}, err
	}
	if err := s.repo.InsertShift(ctx, &sh); err != nil {
		return Shift{}, errs.Wrap("opportunity: add shift", err)
	}
	s.changed(ctx, sh.OpportunityID)
	return sh, nil
}

// UpdateShift changes a shift's times, time zone or capacity. Staff only.
func (s *Service) UpdateShift(ctx context.Context, actor auth.Actor, shiftID string, in ShiftInput) (Shift, error) {
	sh, err := s.shiftForStaff(ctx, actor, shiftID)
	if err != nil {
		return Shift{}, err
	}
	if sh.Status == ShiftCancelled {
		return Shift{}, errs.E(errs.Conflict, "a cancelled shift cannot be changed")
	}
	if (in.Deadline != nil && sh.Timed()) || ((in.StartsAt != nil || in.EndsAt != nil) && !sh.Timed()) {
		return Shift{}, errs.InvalidField("input", "a timed shift cannot become a deadline task or the other way round")
	}
	// Validate everything before anything is stored.
	probe := sh
	if err := in.apply(&probe, s.now()); err != nil {
		return Shift{}, err
	}
	persist := func(in ShiftInput) func() (Shift, error) {
		return func() (Shift, error) {
			updated, err := s.repo.UpdateShift(ctx, shiftID, func(cur *Shift) error {
				return in.apply(cur, s.now())
			})
			return updated, updateErr("opportunity: update shift", err)
		}
	}
	resized := in.Capacity != nil && *in.Capacity != sh.Capacity
	moved := !probe.StartsAt.Equal(sh.StartsAt) || !probe.EndsAt.Equal(sh.EndsAt) || !probe.Deadline.Equal(sh.Deadline) ||
		probe.TimeZone != sh.TimeZone
	if !resized && !moved {
		updated, err := persist(in)()
		if err == nil {
			s.changed(ctx, updated.OpportunityID)
		}
		return updated, err
	}
	// The signups follow a move, and places follow a resize; each tells the watcher itself.
	updated := sh
	if moved {
		times := in
		times.Capacity = nil
		if updated, err = s.occupancy.Move(ctx, sh, persist(times)); err != nil {
			return Shift{}, err
		}
		// The people signed up are told (the notices job) and their reminders follow.
		s.events.Record(ctx, engagement.Event{Kind: engagement.ShiftChanged, ActorID: actor.UserID,
			OrganisationID: updated.OrganisationID, OpportunityID: updated.OpportunityID, ShiftID: updated.ID})
	}
	if resized {
		return s.occupancy.Resize(ctx, updated, *in.Capacity, persist(ShiftInput{Capacity: in.Capacity}))
	}
	return updated, nil
}

// CancelShift calls a shift off. Staff only.
func (s *Service) CancelShift(ctx context.Context, actor auth.Actor, shiftID, reason string) (Shift, error) {
	if _, err := s.shiftForStaff(ctx, actor, shiftID); err != nil {
		return Shift{}, err
	}
	why, err := input.Text("reason", reason, 0, MaxNotesRunes)
	if err != nil {
		return Shift{}, err
	}
	sh, err := s.repo.UpdateShift(ctx, shiftID, func(cur *Shift) error {
		cur.Status = ShiftCancelled
		cur.StatusReason = why
		return nil
	})
	if err != nil {
		return Shift{}, updateErr("opportunity: cancel shift", err)
	}
	s.changed(ctx, sh.OpportunityID)
	s.events.Record(ctx, engagement.Event{Kind: engagement.ShiftCancelled, ActorID: actor.UserID,
		OrganisationID: sh.OrganisationID, OpportunityID: sh.OpportunityID, ShiftID: sh.ID})
	return sh, nil
}

func (s *Service) shiftForStaff(ctx context.Context, actor auth.Actor, shiftID string) (Shift, error) {
	if !actor.Authenticated() {
		return Shift{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	sh, err := s.repo.ShiftByID(ctx, shiftID)
	if errors.Is(err, errs.ErrNotFound) {
		return Shift{}, errs.E(errs.NotFound, "shift not found")
	}
	if err != nil {
		return Shift{}, errs.Wrap("opportunity: load shift", err)
	}
	if _, err := s.orgs.Authorize(ctx, actor, sh.OrganisationID, staffRoles...); err != nil {
		return Shift{}, err
	}
	return sh, nil
}
