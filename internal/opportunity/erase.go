package opportunity

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// CreatedBy lists the IDs of the opportunities the user created, for their data export.
func (s *Service) CreatedBy(ctx context.Context, userID string) ([]string, error) {
	all, err := s.repo.List(ctx, Filter{})
	if err != nil {
		return nil, errs.Wrap("opportunity: created by", err)
	}
	ids := []string{}
	for _, o := range all {
		if o.CreatedBy == userID {
			ids = append(ids, o.ID)
		}
	}
	return ids, nil
}

// ReplaceCreator replaces an erased user as the creator of opportunities by a pseudonym; the
// opportunities belong to their organisation and stay.
func (s *Service) ReplaceCreator(ctx context.Context, userID, pseudonym string) error {
	ids, err := s.CreatedBy(ctx, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.repo.Update(ctx, id, func(o *Opportunity) error {
			o.CreatedBy = pseudonym
			return nil
		}); err != nil {
			return errs.Wrap("opportunity: replace creator", err)
		}
	}
	return nil
}

// MaxMinimumAge bounds an opportunity's minimum age.
const MaxMinimumAge = 21
