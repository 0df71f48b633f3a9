package signup

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Qualifications checks that a volunteer holds the training modules and credentials an
// opportunity requires, valid at a time (the end of the shift): a completion that counts
// today but has expired by the shift's date does not qualify. It refuses with FORBIDDEN
// naming what is missing. Package training provides it.
//
// Staff signing someone up cannot override it, unlike an overlap: the requirements are
// the organisation's own safeguards (for work with children, a legal one).
type Qualifications interface {
	Check(ctx context.Context, userID string, o opportunity.Opportunity, at time.Time) error
}

// SetQualifications wires the qualification check.
func (s *Service) SetQualifications(q Qualifications) { s.quals = q }

// qualified runs the qualification check, if one is wired.
func (s *Service) qualified(ctx context.Context, userID string, sh opportunity.Shift, o opportunity.Opportunity) error {
	if s.quals == nil {
		return nil
	}
	return s.quals.Check(ctx, userID, o, sh.Ends())
}
