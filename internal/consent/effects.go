package consent

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/notify"
)

// Contactable turns a volunteer's contact switch (profile.Service.SetContactable).
type Contactable interface {
	SetContactable(ctx context.Context, userID string, on bool) error
}

// ContactEffect makes the COORDINATOR_CONTACT consent the one truth behind suggestions and
// invitations: withdrawing it hides the volunteer from coordinators at once.
type ContactEffect struct{ Profiles Contactable }

// ConsentChanged applies a contact decision to the profile.
func (e ContactEffect) ConsentChanged(ctx context.Context, userID string, p Purpose, granted bool) error {
	if p != CoordinatorContact {
		return nil
	}
	return e.Profiles.SetContactable(ctx, userID, granted)
}

// EmailPreferences reads and stores notification preferences (notify.Service).
type EmailPreferences interface {
	Preferences(ctx context.Context, userID string) (notify.Preferences, error)
	SetPreferences(ctx context.Context, p notify.Preferences) (notify.Preferences, error)
}

// EmailEffect switches e-mail messages off when the EMAIL consent is withdrawn and on when it
// is given.
type EmailEffect struct{ Notify EmailPreferences }

// ConsentChanged applies an e-mail decision to the notification preferences.
func (e EmailEffect) ConsentChanged(ctx context.Context, userID string, p Purpose, granted bool) error {
	if p != Email {
		return nil
	}
	prefs, err := e.Notify.Preferences(ctx, userID)
	if err != nil {
		return err
	}
	if prefs.Email == granted {
		return nil
	}
	prefs.Email = granted
	_, err = e.Notify.SetPreferences(ctx, prefs)
	return err
}
