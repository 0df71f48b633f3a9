// Package auth knows who is calling: access tokens and the actor they identify.
package auth

import "context"

// Actor is the caller of a domain operation. The zero Actor is anonymous.
type Actor struct {
	UserID string
	// Locale is the language the actor reads ("de" or "en"), carried in the access token so
	// that messages can be localised without a lookup.
	Locale string
}

// German reports whether messages for the actor should be in German (the default).
func (a Actor) German() bool { return a.Locale != "en" }

// Authenticated reports whether the actor is a signed-in user.
func (a Actor) Authenticated() bool { return a.UserID != "" }

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey, a)
}

var ctxKey = &actorKey{}

// ActorFrom returns the actor in ctx, or the anonymous actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(ctxKey).(Actor)
	return a
}
