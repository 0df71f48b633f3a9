package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
)

const (
	collUsers  = "users"
	collEmails = "emails"
)

type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	DisplayName  string    `bson:"displayName"`
	PasswordHash string    `bson:"passwordHash"`
	Locale       string    `bson:"locale"`
	CreatedAt    time.Time `bson:"createdAt"`
}

func (d *userDoc) user() account.User {
	return account.User{ID: d.ID, Email: d.Email, DisplayName: d.DisplayName, PasswordHash: d.PasswordHash,
		Locale: account.Locale(d.Locale), CreatedAt: d.CreatedAt}
}

// emailDoc claims an address for one user. Its _id is the address, so the claim is unique by
// the primary key and a login finds the user by two primary-key lookups, never a scan.
type emailDoc struct {
	Email  string `bson:"_id"`
	UserID string `bson:"userId"`
}

// Accounts is the account repository.
type Accounts struct{ s *Store }

// Accounts returns the account repository.
func (s *Store) Accounts() *Accounts { return &Accounts{s: s} }

var _ account.Repo = (*Accounts)(nil)

func newID() string { return bson.NewObjectID().Hex() }

// InsertUser claims the e-mail address first, so that of concurrent registrations exactly one
// wins, then writes the user.
func (a *Accounts) InsertUser(ctx context.Context, u *account.User) error {
	u.ID = newID()
	if err := insertOne(ctx, a.s, collEmails, emailDoc{Email: u.Email, UserID: u.ID}); err != nil {
		return err
	}
	doc := userDoc{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
		Locale: string(u.Locale), CreatedAt: u.CreatedAt.UTC()}
	if _, err := a.s.coll(collUsers).InsertOne(ctx, doc); err != nil {
		_, _ = a.s.coll(collEmails).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: u.Email}})
		if isDuplicate(err) {
			return errs.ErrDuplicate
		}
		return fmt.Errorf("store: insert user: %w", err)
	}
	return nil
}

// UserByEmail finds the user that claimed the address.
func (a *Accounts) UserByEmail(ctx context.Context, email string) (account.User, error) {
	claim, err := findOne[emailDoc](ctx, a.s, collEmails, email)
	if err != nil {
		return account.User{}, err
	}
	return a.UserByID(ctx, claim.UserID)
}

// UserByID returns errs.ErrNotFound for an unknown id.
func (a *Accounts) UserByID(ctx context.Context, id string) (account.User, error) {
	d, err := findOne[userDoc](ctx, a.s, collUsers, id)
	if err != nil {
		return account.User{}, err
	}
	return d.user(), nil
}

// UsersByIDs returns the users that exist among ids.
func (a *Accounts) UsersByIDs(ctx context.Context, ids []string) (map[string]account.User, error) {
	docs, err := findByIDs(ctx, a.s, collUsers, ids, func(d *userDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]account.User, len(docs))
	for id, d := range docs {
		out[id] = d.user()
	}
	return out, nil
}

// AllUsers lists every user, for loading them into memory.
func (a *Accounts) AllUsers(ctx context.Context) ([]account.User, error) {
	docs, err := findAll[userDoc](ctx, a.s, collUsers, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make([]account.User, len(docs))
	for i := range docs {
		out[i] = docs[i].user()
	}
	return out, nil
}
