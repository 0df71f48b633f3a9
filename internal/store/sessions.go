package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/account"
)

const (
	collSessions      = "sessions"
	collRefreshTokens = "refreshTokens"
)

type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	CreatedAt time.Time `bson:"createdAt"`
	// LastUsedAt is set at creation and on every refresh; idle sessions are pruned by it.
	LastUsedAt time.Time  `bson:"lastUsedAt"`
	RevokedAt  *time.Time `bson:"revokedAt,omitempty"`
}

// refreshTokenDoc is keyed by the token's hash. ParentHash has a sparse unique index: a token
// can have one successor only, which is what makes rotation safe without transactions.
type refreshTokenDoc struct {
	Hash       string    `bson:"_id"`
	SessionID  string    `bson:"sessionId"`
	ParentHash string    `bson:"parentHash,omitempty"`
	UserID     string    `bson:"userId"`
	CreatedAt  time.Time `bson:"createdAt"`
	ExpiresAt  time.Time `bson:"expiresAt"`
}

// InsertSession stores a new session and gives it an ID.
func (a *Accounts) InsertSession(ctx context.Context, sess *account.Session) error {
	sess.ID = newID()
	_, err := a.s.coll(collSessions).InsertOne(ctx, sessionDoc{ID: sess.ID, UserID: sess.UserID, CreatedAt: sess.CreatedAt.UTC(), LastUsedAt: sess.CreatedAt.UTC()})
	if err != nil {
		return fmt.Errorf("store: insert session: %w", err)
	}
	return nil
}

// Session returns errs.ErrNotFound for an unknown id.
func (a *Accounts) Session(ctx context.Context, id string) (account.Session, error) {
	d, err := findOne[sessionDoc](ctx, a.s, collSessions, id)
	if err != nil {
		return account.Session{}, err
	}
	sess := account.Session{ID: d.ID, UserID: d.UserID, CreatedAt: d.CreatedAt}
	if d.RevokedAt != nil {
		sess.RevokedAt = *d.RevokedAt
	}
	return sess, nil
}

// RevokeSession marks the session revoked; every refresh token of it stops working.
func (a *Accounts) RevokeSession(ctx context.Context, id string, at time.Time) error {
	_, err := a.s.coll(collSessions).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	return nil
}

// InsertRefreshToken stores a token; errs.ErrDuplicate when its parent already has a successor.
func (a *Accounts) InsertRefreshToken(ctx context.Context, t account.RefreshToken) error {
	return insertOne(ctx, a.s, collRefreshTokens, refreshTokenDoc{
		Hash: t.Hash, SessionID: t.SessionID, ParentHash: t.ParentHash, UserID: t.UserID,
		CreatedAt: t.CreatedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC(),
	})
}

// RefreshToken returns errs.ErrNotFound for an unknown hash.
func (a *Accounts) RefreshToken(ctx context.Context, hash string) (account.RefreshToken, error) {
	d, err := findOne[refreshTokenDoc](ctx, a.s, collRefreshTokens, hash)
	if err != nil {
		return account.RefreshToken{}, err
	}
	return account.RefreshToken{Hash: d.Hash, SessionID: d.SessionID, ParentHash: d.ParentHash, UserID: d.UserID,
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}, nil
}

// TouchSession records the session's last use.
func (a *Accounts) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := a.s.coll(collSessions).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "lastUsedAt", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// PruneSessions deletes idle sessions and expired refresh tokens.
func (a *Accounts) PruneSessions(ctx context.Context, unusedSince, now time.Time) (int64, error) {
	sessions, err := a.s.coll(collSessions).DeleteMany(ctx, bson.D{{Key: "lastUsedAt", Value: bson.D{{Key: "$lt", Value: unusedSince.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune sessions: %w", err)
	}
	tokens, err := a.s.coll(collRefreshTokens).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
	if err != nil {
		return sessions.DeletedCount, fmt.Errorf("store: prune refresh tokens: %w", err)
	}
	return sessions.DeletedCount + tokens.DeletedCount, nil
}
