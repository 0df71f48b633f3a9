package profile

import (
	"context"
	"errors"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Deleter is implemented by repositories that can delete a profile.
type Deleter interface {
	Delete(ctx context.Context, userID string) error
}

// Stored returns the user's stored profile, and false when they never saved one.
func (s *Service) Stored(ctx context.Context, userID string) (Profile, bool, error) {
	p, err := s.repo.Get(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return Profile{}, false, nil
	}
	if err != nil {
		return Profile{}, false, errs.Wrap("profile: stored", err)
	}
	return p, true, nil
}

// Erase deletes the user's profile, from memory first so that no suggestion or invitation
// finds them from now on.
func (s *Service) Erase(ctx context.Context, userID string) error {
	s.mu.Lock()
	if s.all != nil {
		delete(s.all, userID)
	}
	s.mu.Unlock()
	d, ok := s.repo.(Deleter)
	if !ok {
		return errors.New("profile: the store cannot delete profiles")
	}
	return errs.Wrap("profile: erase", d.Delete(ctx, userID))
}
