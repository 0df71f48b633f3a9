package account

import (
	"context"
	"slices"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// SetPlatformAdmins names the operators of the platform by their normalised e-mail addresses.
// They are configured, not granted through the API: nobody can make themself one.
func (s *Service) SetPlatformAdmins(emails []string) { s.platformAdmins = slices.Clone(emails) }

// RequirePlatformAdmin refuses anyone but a configured operator.
func (s *Service) RequirePlatformAdmin(ctx context.Context, actor auth.Actor) error {
	if !actor.Authenticated() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if len(s.platformAdmins) > 0 {
		u, ok, err := s.Me(ctx, actor)
		if err != nil {
			return err
		}
		if ok && slices.Contains(s.platformAdmins, u.Email) {
			return nil
		}
	}
	return errs.E(errs.Forbidden, "only the platform's operators may do this")
}
