package notify

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// PreferencesChange is what a user changes in their settings; nil leaves a value as it is.
type PreferencesChange struct {
	InApp      *bool
	Email      *bool
	QuietStart *string // "HH:MM"
	QuietEnd   *string
	TimeZone   *string
}

// UpdatePreferences applies the caller's change to their settings (the defaults if they never
// chose) and returns the result.
func (s *Service) UpdatePreferences(ctx context.Context, actor auth.Actor, ch PreferencesChange) (Preferences, error) {
	if !actor.Authenticated() {
		return Preferences{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	p, err := s.Preferences(ctx, actor.UserID)
	if err != nil {
		return Preferences{}, err
	}
	if ch.InApp != nil {
		p.InApp = *ch.InApp
	}
	if ch.Email != nil {
		p.Email = *ch.Email
	}
	if ch.TimeZone != nil {
		p.TimeZone = *ch.TimeZone
	}
	for field, c := range map[string]struct {
		raw *string
		to  *Clock
	}{"input.quietHoursStart": {ch.QuietStart, &p.QuietStart}, "input.quietHoursEnd": {ch.QuietEnd, &p.QuietEnd}} {
		if c.raw == nil {
			continue
		}
		v, err := ParseClock(*c.raw)
		if err != nil {
			return Preferences{}, errs.InvalidField(field, "give a time of day as HH:MM, e.g. 21:00")
		}
		*c.to = v
	}
	return s.SetPreferences(ctx, p)
}

// MyPreferences returns the caller's settings.
func (s *Service) MyPreferences(ctx context.Context, actor auth.Actor) (Preferences, error) {
	if !actor.Authenticated() {
		return Preferences{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	return s.Preferences(ctx, actor.UserID)
}
