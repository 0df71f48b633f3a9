package signup

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Admission decides whether a person may be signed up for an opportunity now (their account
// still exists, their age allows it) and keeps the decision valid until the signup is stored:
// release ends the hold. Package privacy provides it, so that an erasure of the person and a
// new signup of theirs never cross.
type Admission interface {
	Admit(ctx context.Context, userID string, o opportunity.Opportunity) (release func(), err error)
}

// SetAdmission wires the admission check.
func (s *Service) SetAdmission(a Admission) { s.admission = a }

// admit runs the admission check, if one is wired.
func (s *Service) admit(ctx context.Context, userID string, o opportunity.Opportunity) (func(), error) {
	if s.admission == nil {
		return func() {}, nil
	}
	return s.admission.Admit(ctx, userID, o)
}
