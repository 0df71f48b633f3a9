package signup

import (
	"context"
	"errors"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// ReasonErased is the cancel reason of a signup whose volunteer erased their account.
const ReasonErased = "ERASED"

// CreatorRepo is implemented by repositories that can find the signups a user made for
// others (staff signing people up), so that an erasure reaches them too.
type CreatorRepo interface {
	CreatedBy(ctx context.Context, userID string) ([]Signup, error)
}

// ExportOf lists every signup of the user, newest first, for their data export.
func (s *Service) ExportOf(ctx context.Context, userID string) ([]Signup, error) {
	list, err := s.repo.OfUser(ctx, userID, "", 0)
	return list, errs.Wrap("signup: export", err)
}

// SignedUpWith reports whether the user ever signed up for a shift of the organisation.
func (s *Service) SignedUpWith(ctx context.Context, userID, orgID string) (bool, error) {
	list, err := s.ExportOf(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, su := range list {
		if su.OrganisationID == orgID {
			return true, nil
		}
	}
	return false, nil
}

// Erase takes a volunteer out of every signup: active signups are cancelled (a freed place
// goes to the first on the waitlist at once), then the volunteer is replaced by the
// pseudonym in all of them, so that places taken, attendance and hours still count as "a
// volunteer". Signups the user made for others keep no trace of them either. The caller
// keeps new signups of the user out while this runs.
func (s *Service) Erase(ctx context.Context, userID, pseudonym string) error {
	list, err := s.ExportOf(ctx, userID)
	if err != nil {
		return err
	}
	self := auth.Actor{UserID: userID}
	for _, su := range list {
		if !su.Status.Active() {
			continue
		}
		sh, o, err := s.opps.Shift(ctx, self, su.ShiftID)
		if err != nil {
			return err
		}
		_, err = s.withdraw(ctx, access{su: su, sh: sh, opp: o, owner: true}, userID, Cancelled, ReasonErased, engagement.Cancelled)
		if err != nil && !errs.Is(err, errs.Conflict) {
			return err
		}
	}
	if cr, ok := s.repo.(CreatorRepo); ok {
		made, err := cr.CreatedBy(ctx, userID)
		if err != nil {
			return errs.Wrap("signup: erase", err)
		}
		list = append(list, made...)
	}
	for _, su := range list {
		renamed, err := s.repo.Update(ctx, su.ID, func(cur *Signup) error {
			if cur.UserID == userID {
				cur.UserID = pseudonym
			}
			if cur.CreatedBy == userID {
				cur.CreatedBy = pseudonym
			}
			return nil
		})
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			return errs.Wrap("signup: erase", err)
		}
		s.book.mu.Lock()
		if e, ok := s.book.users[userID][su.ID]; ok {
			delete(s.book.users[userID], su.ID)
			e.UserID = renamed.UserID
			s.book.put(e)
		}
		s.book.mu.Unlock()
	}
	s.book.mu.Lock()
	delete(s.book.users, userID)
	s.book.mu.Unlock()
	return nil
}
