package signup

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/quota"
)

// SignUpPerson lets staff sign up, by ID, a person they act for (someone registered without a
// smartphone): actsFor says whether the actor's side may act for the person in the shift's
// organisation. Staff decide, so no approval is needed.
func (s *Service) SignUpPerson(ctx context.Context, actor auth.Actor, shiftID, userID string, allowOverlap bool, actsFor func(orgID string) bool) (Signup, error) {
	sh, o, err := s.staffShift(ctx, actor, shiftID)
	if err != nil {
		return Signup{}, err
	}
	if !actsFor(o.OrganisationID) {
		return Signup{}, &errs.Error{Kind: errs.NotFound, Field: "userId", Msg: "no person this organisation acts for has this ID"}
	}
	return s.signUp(ctx, sh, o, userID, actor.UserID, true, allowOverlap)
}

// staffShift loads a shift for staff of its organisation who sign someone else up.
func (s *Service) staffShift(ctx context.Context, actor auth.Actor, shiftID string) (opportunity.Shift, opportunity.Opportunity, error) {
	if !actor.Authenticated() {
		return opportunity.Shift{}, opportunity.Opportunity{}, errSignIn
	}
	if err := s.quota.Allow(actor, quota.SignUp); err != nil {
		return opportunity.Shift{}, opportunity.Opportunity{}, err
	}
	sh, o, err := s.opps.Shift(ctx, actor, shiftID)
	if err != nil {
		return opportunity.Shift{}, opportunity.Opportunity{}, err
	}
	if !s.opps.IsStaff(ctx, actor, o.OrganisationID) {
		return opportunity.Shift{}, opportunity.Opportunity{}, errs.E(errs.Forbidden, "only the organisation's staff can sign others up")
	}
	return sh, o, nil
}
