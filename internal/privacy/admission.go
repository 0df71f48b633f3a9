package privacy

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Admit lets a signup of the person go ahead while their account exists, and keeps their
// erasure waiting until release is called (signup.Admission).
func (s *Service) Admit(ctx context.Context, userID string, o opportunity.Opportunity) (func(), error) {
	release, err := s.Hold(ctx, userID)
	if err != nil {
		return nil, err
	}
	return release, nil
}
