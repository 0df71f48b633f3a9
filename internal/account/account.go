// Package account holds users, their sign-in and their sessions.
package account

import (
	"context"
	"time"
)

// Locale is the language a user reads the product in.
type Locale string

const (
	LocaleDE Locale = "de"
	LocaleEN Locale = "en"
)

// User is an account. Email is normalised (see NormaliseEmail).
type User struct {
	ID           string
	Email        string
	DisplayName  string
	PasswordHash string
	Locale       Locale
	CreatedAt    time.Time
}

// RefreshToken is one link in a session's chain of rotating refresh tokens. Only the hash of
// the token is stored.
type RefreshToken struct {
	Hash       string
	SessionID  string
	ParentHash string // empty for the first token of a session
	UserID     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Session is a sign-in on one device: the family of refresh tokens that descend from one login.
type Session struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	RevokedAt time.Time // zero while the session is valid
}

// Repo is the storage the account service needs.
type Repo interface {
	// InsertUser stores a new user and gives it an ID; errs.ErrDuplicate when the e-mail is taken.
	InsertUser(ctx context.Context, u *User) error
	// UserByEmail returns errs.ErrNotFound when no user has the normalised e-mail.
	UserByEmail(ctx context.Context, email string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	UsersByIDs(ctx context.Context, ids []string) (map[string]User, error)

	InsertSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, id string) (Session, error)
	RevokeSession(ctx context.Context, id string, at time.Time) error
	// TouchSession records that the session was used, which keeps it from being pruned.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// PruneSessions deletes sessions unused since before and refresh tokens expired before now.
	PruneSessions(ctx context.Context, unusedSince, now time.Time) (int64, error)
	// InsertRefreshToken returns errs.ErrDuplicate when the parent already has a child, which
	// means the parent was used before.
	InsertRefreshToken(ctx context.Context, t RefreshToken) error
	RefreshToken(ctx context.Context, hash string) (RefreshToken, error)
}

// Throttle counts failures per key in fixed windows; it is shared by all server replicas.
type Throttle interface {
	// Count returns the failures recorded for key in the current window and when it ends.
	Count(ctx context.Context, key string, window time.Duration) (int, time.Time, error)
	// Hit records one failure for key.
	Hit(ctx context.Context, key string, window time.Duration) error
	// Reset forgets the failures for key.
	Reset(ctx context.Context, key string, window time.Duration) error
	// Prune deletes counters whose window ended before now.
	Prune(ctx context.Context, now time.Time) (int64, error)
}
