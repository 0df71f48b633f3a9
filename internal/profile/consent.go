package profile

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// ContactConsent records the volunteer's consent to be contacted by coordinators. The
// profile's Contactable switch follows the consent history, which is the record of truth:
// turning the switch records a decision, and a decision made elsewhere turns the switch.
type ContactConsent interface {
	RecordContact(ctx context.Context, userID string, granted bool) error
}

// SetContactConsent wires the consent history.
func (s *Service) SetContactConsent(c ContactConsent) { s.contact = c }

// SetContactable turns the contact switch after a consent decision, at once for suggestions
// and invitations (they read the profiles in memory).
func (s *Service) SetContactable(ctx context.Context, userID string, on bool) error {
	unlock := s.locks.Lock(userID)
	defer unlock()
	p, err := s.Of(ctx, userID)
	if err != nil {
		return err
	}
	if p.Contactable == on {
		return nil
	}
	p.Contactable = on
	p.UpdatedAt = s.now()
	if err := s.repo.Put(ctx, p); err != nil {
		return errs.Wrap("profile: set contactable", err)
	}
	s.mu.Lock()
	if s.all != nil {
		s.all[p.UserID] = p
	}
	s.mu.Unlock()
	return nil
}

// checkBirthYear accepts 0 (none) or a year in which a volunteer alive now can be born.
func checkBirthYear(y int) error {
	now := time.Now().Year()
	if y != 0 && (y < now-120 || y > now-6) {
		return errs.InvalidField("input.birthYear", "give the year of birth (four digits), or 0 to remove it")
	}
	return nil
}
