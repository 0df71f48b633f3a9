package privacy

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// ParentalConsentAge is the age below which a volunteer needs a parent's consent to sign up.
const ParentalConsentAge = 16

// Ages knows volunteers' birth years and consents, for age checks at signup.
type Ages struct {
	Profiles *profile.Service
	Consents *consent.Service
}

// Admit lets a signup of the person go ahead while their account exists and their age allows
// it, and keeps their erasure waiting until release is called (signup.Admission).
func (s *Service) Admit(ctx context.Context, userID string, o opportunity.Opportunity) (func(), error) {
	release, err := s.Hold(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := s.checkAge(ctx, userID, o); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// checkAge applies the opportunity's minimum age and the parental consent for under-16s.
// With a birth year only, a person's age is certain only to be one less than the difference
// of the years; the checks use that, so that nobody too young gets through.
func (s *Service) checkAge(ctx context.Context, userID string, o opportunity.Opportunity) error {
	if s.ages.Profiles == nil {
		return nil
	}
	p, err := s.ages.Profiles.Of(ctx, userID)
	if err != nil {
		return err
	}
	if p.BirthYear == 0 {
		if o.MinimumAge > 0 {
			return errs.E(errs.Forbidden, "this task requires a minimum age of %d; add your year of birth to your profile first", o.MinimumAge)
		}
		return nil
	}
	year := s.now().Year()
	surely := year - p.BirthYear - 1
	if o.MinimumAge > 0 && surely < o.MinimumAge {
		return errs.E(errs.Forbidden, "this task requires a minimum age of %d (born in %d or earlier)", o.MinimumAge, year-o.MinimumAge-1)
	}
	if surely < ParentalConsentAge {
		ok, err := s.ages.Consents.GrantedWith(ctx, userID, consent.Parental, o.OrganisationID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Forbidden, "volunteers under %d need the consent of a parent or guardian; ask the coordinator to record it", ParentalConsentAge)
		}
	}
	return nil
}

// RecordParentalConsent stores a parent's or guardian's consent (or its withdrawal) for a
// volunteer, as staff of an organisation took it: in person, by phone or in writing.
func (s *Service) RecordParentalConsent(ctx context.Context, actor auth.Actor, orgID, userID string, granted bool, method consent.Method, note string) (consent.State, error) {
	if _, err := s.staff.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return consent.State{}, err
	}
	if _, err := s.accounts.User(ctx, userID); err != nil {
		if errs.Is(err, errs.NotFound) {
			return consent.State{}, &errs.Error{Kind: errs.NotFound, Field: "userId", Msg: "no volunteer has this ID"}
		}
		return consent.State{}, err
	}
	return s.ages.Consents.RecordOnBehalf(ctx, actor, consent.OnBehalf{UserID: userID, Purpose: consent.Parental, Granted: granted,
		Method: method, Note: note, OrganisationID: orgID}, "input")
}
