package signup

import (
	"context"
	"errors"
	"strconv"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// access says how the actor relates to a signup.
type access struct {
	su    Signup
	sh    opportunity.Shift
	opp   opportunity.Opportunity
	owner bool // the volunteer themself
	staff bool // staff of the organisation
}

// load reads a signup the actor may act on: their own, or one of their organisation's.
// Anyone else learns only that it does not exist.
func (s *Service) load(ctx context.Context, actor auth.Actor, id string) (access, error) {
	if !actor.Authenticated() {
		return access{}, errSignIn
	}
	su, err := s.get(ctx, id)
	if err != nil {
		return access{}, err
	}
	a := access{su: su, owner: su.UserID == actor.UserID, staff: s.opps.IsStaff(ctx, actor, su.OrganisationID)}
	if !a.owner && !a.staff {
		return access{}, errs.E(errs.NotFound, "signup not found")
	}
	// Staff see the shift even while its opportunity is a draft.
	a.sh, a.opp, err = s.opps.Shift(ctx, actor, su.ShiftID)
	if err != nil {
		return access{}, err
	}
	return a, nil
}

// Cancel withdraws a signup. A volunteer can cancel their own until the shift begins, staff
// until it ends. A freed place goes at once to the first on the waitlist.
func (s *Service) Cancel(ctx context.Context, actor auth.Actor, signupID string) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.su.Status.Active() {
		return Signup{}, errs.E(errs.Conflict, "a %s signup cannot be cancelled", a.su.Status)
	}
	now := s.now()
	if !a.staff && a.sh.Timed() && !now.Before(a.sh.StartsAt) {
		return Signup{}, errs.E(errs.Conflict, "the shift has begun; please tell the coordinator")
	}
	reason := ReasonVolunteer
	if !a.owner {
		reason = ReasonCoordinator
	}
	return s.withdraw(ctx, a, actor.UserID, Cancelled, reason, engagement.Cancelled)
}

// Decline refuses a signup awaiting approval. Staff only.
func (s *Service) Decline(ctx context.Context, actor auth.Actor, signupID string) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.staff {
		return Signup{}, errs.E(errs.Forbidden, "only the organisation's staff can decline")
	}
	if a.su.Status != PendingApproval {
		return Signup{}, errs.E(errs.Conflict, "only a signup awaiting approval can be declined")
	}
	return s.withdraw(ctx, a, actor.UserID, Cancelled, ReasonDeclined, engagement.Declined)
}

// withdraw ends an active signup and, if it held a place, promotes the first waitlisted
// volunteer whose shifts allow it.
func (s *Service) withdraw(ctx context.Context, a access, by string, to Status, reason string, kind engagement.Kind) (Signup, error) {
	su, err := s.withdrawLocked(ctx, a, by, to, reason, kind)
	if err == nil && a.su.Seat > 0 {
		s.placesChanged(ctx, su.OpportunityID)
	}
	return su, err
}

func (s *Service) withdrawLocked(ctx context.Context, a access, by string, to Status, reason string, kind engagement.Kind) (Signup, error) {
	unlock := s.shiftLocks.Lock(a.sh.ID)
	defer unlock()
	if err := s.ensure(ctx, a.sh, ""); err != nil {
		return Signup{}, err
	}
	now := s.now()
	// Free the place before giving it away: the store's key on the place allows one holder.
	su, err := s.repo.Update(ctx, a.su.ID, func(cur *Signup) error {
		if !cur.Status.Active() {
			return errs.E(errs.Conflict, "a %s signup cannot be cancelled", cur.Status)
		}
		cur.Status, cur.Seat, cur.WaitRank, cur.CancelReason, cur.UpdatedAt = to, 0, 0, reason, now
		return nil
	})
	if err != nil {
		s.forget(a.sh.ID)
		return Signup{}, updateErr("signup: cancel", err)
	}
	s.book.mu.Lock()
	s.book.put(entryOf(su))
	s.book.mu.Unlock()
	s.events.Record(ctx, event(kind, su, by))
	if a.su.Seat > 0 {
		s.fillPlaces(ctx, a.sh)
	}
	return su, nil
}

// fillPlaces moves waitlisted volunteers into free places, first come first served, skipping
// those whose confirmed shifts the place would overlap (they keep their rank). Each promotion
// is reserved in the book before it is stored. Call with the shift's lock held. Failures are
// logged: the place stays free and the book is reloaded.
func (s *Service) fillPlaces(ctx context.Context, sh opportunity.Shift) {
	for {
		s.book.mu.Lock()
		l := s.book.ledger(sh.ID)
		seat := l.freeSeat(sh.Capacity)
		var next *entry
		if seat > 0 {
			next = s.book.firstEligible(l, sh)
		}
		if next == nil {
			s.book.mu.Unlock()
			return
		}
		reserved := *next
		reserved.Status, reserved.Seat, reserved.WaitRank = Confirmed, seat, 0
		prev, had := s.book.put(reserved)
		s.book.mu.Unlock()

		promoted, err := s.repo.Update(ctx, next.SignupID, func(cur *Signup) error {
			if cur.Status != Waitlisted {
				return errStale
			}
			cur.Status, cur.Seat, cur.WaitRank, cur.UpdatedAt = Confirmed, seat, 0, s.now()
			return nil
		})
		if err != nil {
			s.log.ErrorContext(ctx, "signup: promote from waitlist", "err", err, "signup", next.SignupID)
			s.book.mu.Lock()
			s.book.undo(sh.ID, next.SignupID, next.UserID, prev, had)
			s.book.forget(sh.ID)
			s.book.mu.Unlock()
			return
		}
		s.book.mu.Lock()
		s.book.put(entryOf(promoted))
		s.book.mu.Unlock()
		s.events.Record(ctx, event(engagement.Promoted, promoted, ""))
	}
}

var errStale = errors.New("signup: book was stale")

// Approve accepts a signup awaiting approval: it takes a free place or joins the waitlist.
// Staff only; allowOverlap lets it overlap the volunteer's other shifts.
func (s *Service) Approve(ctx context.Context, actor auth.Actor, signupID string, allowOverlap bool) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.staff {
		return Signup{}, errs.E(errs.Forbidden, "only the organisation's staff can approve")
	}
	if a.su.Status != PendingApproval {
		return Signup{}, errs.E(errs.Conflict, "only a signup awaiting approval can be approved")
	}
	if err := s.checkOpen(a.sh, a.opp); err != nil {
		return Signup{}, err
	}
	su, err := s.approveLocked(ctx, actor, a, allowOverlap)
	if err == nil && su.Seat > 0 {
		s.placesChanged(ctx, su.OpportunityID)
	}
	return su, err
}

func (s *Service) approveLocked(ctx context.Context, actor auth.Actor, a access, allowOverlap bool) (Signup, error) {
	unlock := s.shiftLocks.Lock(a.sh.ID)
	defer unlock()
	for attempt := 0; ; attempt++ {
		if err := s.ensure(ctx, a.sh, a.su.UserID); err != nil {
			return Signup{}, err
		}
		next := a.su
		next.AllowOverlap = allowOverlap
		s.book.mu.Lock()
		err := s.place(&next, a.sh)
		s.book.mu.Unlock()
		if err != nil {
			return Signup{}, err
		}
		su, err := s.repo.Update(ctx, a.su.ID, func(cur *Signup) error {
			if cur.Status != PendingApproval {
				return errs.E(errs.Conflict, "only a signup awaiting approval can be approved")
			}
			cur.Status, cur.Seat, cur.WaitRank, cur.AllowOverlap, cur.UpdatedAt = next.Status, next.Seat, next.WaitRank, allowOverlap, s.now()
			return nil
		})
		if err == nil {
			s.book.mu.Lock()
			s.book.put(entryOf(su))
			s.book.mu.Unlock()
			s.events.Record(ctx, event(engagement.Approved, su, actor.UserID))
			return su, nil
		}
		s.forget(a.sh.ID)
		if !errors.Is(err, errs.ErrDuplicate) || attempt+1 == maxAttempts {
			return Signup{}, updateErr("signup: approve", err)
		}
	}
}

// Confirmed is the number of places taken on a shift.
func (s *Service) Confirmed(ctx context.Context, sh opportunity.Shift) (int, error) {
	if err := s.ensureForRead(ctx, sh); err != nil {
		return 0, err
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	return s.book.ledger(sh.ID).placesTaken(), nil
}

// Waitlisted is the length of a shift's waitlist.
func (s *Service) Waitlisted(ctx context.Context, sh opportunity.Shift) (int, error) {
	if err := s.ensureForRead(ctx, sh); err != nil {
		return 0, err
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	return len(s.book.ledger(sh.ID).waitlist()), nil
}

// Position is a waitlisted signup's place in the queue, from 1; zero for other signups.
func (s *Service) Position(ctx context.Context, su Signup, sh opportunity.Shift) (int, error) {
	if su.Status != Waitlisted {
		return 0, nil
	}
	if err := s.ensureForRead(ctx, sh); err != nil {
		return 0, err
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	return s.book.ledger(sh.ID).position(su.ID), nil
}

// ensureForRead refreshes the book for a read; with several writers that costs one query.
func (s *Service) ensureForRead(ctx context.Context, sh opportunity.Shift) error {
	s.book.mu.Lock()
	known := s.book.knows(sh.ID, sh.Ends())
	s.book.mu.Unlock()
	if known && s.exclusive {
		return nil
	}
	unlock := s.shiftLocks.Lock(sh.ID)
	defer unlock()
	return s.ensure(ctx, sh, "")
}

// Resize changes a shift's capacity through persist, refusing a capacity below the places
// taken; places numbered above the new capacity move down, and new places are filled from the
// waitlist.
func (s *Service) Resize(ctx context.Context, sh opportunity.Shift, capacity int, persist func() (opportunity.Shift, error)) (opportunity.Shift, error) {
	updated, err := s.resizeLocked(ctx, sh, capacity, persist)
	if err == nil {
		s.placesChanged(ctx, updated.OpportunityID)
	}
	return updated, err
}

func (s *Service) resizeLocked(ctx context.Context, sh opportunity.Shift, capacity int, persist func() (opportunity.Shift, error)) (opportunity.Shift, error) {
	unlock := s.shiftLocks.Lock(sh.ID)
	defer unlock()
	if err := s.ensure(ctx, sh, ""); err != nil {
		return opportunity.Shift{}, err
	}
	s.book.mu.Lock()
	l := s.book.ledger(sh.ID)
	taken := l.placesTaken()
	var above []entry
	for _, e := range l.entries {
		if e.Seat > capacity {
			above = append(above, e)
		}
	}
	s.book.mu.Unlock()
	if capacity < taken {
		return opportunity.Shift{}, &errs.Error{Kind: errs.Conflict, Field: "input.capacity",
			Msg: "the capacity cannot be below the places already taken (" + strconv.Itoa(taken) + ")"}
	}
	for _, e := range above {
		s.book.mu.Lock()
		seat := s.book.ledger(sh.ID).lowestFree(capacity)
		s.book.mu.Unlock()
		moved, err := s.repo.Update(ctx, e.SignupID, func(cur *Signup) error {
			cur.Seat = seat
			return nil
		})
		if err != nil {
			s.forget(sh.ID)
			return opportunity.Shift{}, updateErr("signup: renumber place", err)
		}
		s.book.mu.Lock()
		s.book.put(entryOf(moved))
		s.book.mu.Unlock()
	}
	updated, err := persist()
	if err != nil {
		return opportunity.Shift{}, err
	}
	s.fillPlaces(ctx, updated)
	return updated, nil
}

func updateErr(op string, err error) error {
	if errors.Is(err, errs.ErrNotFound) {
		return errs.E(errs.NotFound, "signup not found")
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	return errs.Wrap(op, err)
}

// Move stores a shift's new times through persist and gives its signups the new times, in the
// store and in the book, with the shift's writes held off meanwhile.
func (s *Service) Move(ctx context.Context, sh opportunity.Shift, persist func() (opportunity.Shift, error)) (opportunity.Shift, error) {
	unlock := s.shiftLocks.Lock(sh.ID)
	defer unlock()
	updated, err := persist()
	if err != nil {
		return opportunity.Shift{}, err
	}
	if err := s.repo.SetShiftTimes(ctx, sh.ID, updated.StartsAt, updated.Ends()); err != nil {
		// The shift has its new times; the book reloads the signups' copies from the store
		// before its next decision.
		s.forget(sh.ID)
		return opportunity.Shift{}, errs.Wrap("signup: move shift", err)
	}
	s.book.mu.Lock()
	if l := s.book.shifts[sh.ID]; l != nil {
		for _, e := range l.entries {
			e.Start, e.End = updated.StartsAt, updated.Ends()
			s.book.put(e)
		}
	}
	s.book.mu.Unlock()
	s.placesChanged(ctx, updated.OpportunityID)
	return updated, nil
}
