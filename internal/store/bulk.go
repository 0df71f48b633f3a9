package store

import (
	"context"
	"fmt"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// Bulk writes many new records at once, for seeding demonstration and benchmark data: one
// round trip per batch instead of per record. It bypasses the services' hooks, so a server
// must (re)start after seeding to load what was written.
type Bulk struct{ s *Store }

// Bulk returns the bulk writer.
func (s *Store) Bulk() *Bulk { return &Bulk{s: s} }

const bulkBatch = 1000

func insertBatches[T any](ctx context.Context, b *Bulk, coll string, docs []T) error {
	for start := 0; start < len(docs); start += bulkBatch {
		end := min(start+bulkBatch, len(docs))
		if _, err := b.s.coll(coll).InsertMany(ctx, docs[start:end]); err != nil {
			return fmt.Errorf("store: bulk insert into %s: %w", coll, err)
		}
	}
	return nil
}

// Users inserts users (and their e-mail claims), giving each an ID.
func (b *Bulk) Users(ctx context.Context, users []*account.User) error {
	claims := make([]emailDoc, len(users))
	docs := make([]userDoc, len(users))
	for i, u := range users {
		u.ID = newID()
		claims[i] = emailDoc{Email: u.Email, UserID: u.ID}
		docs[i] = userDoc{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
			Locale: string(u.Locale), CreatedAt: u.CreatedAt.UTC()}
	}
	if err := insertBatches(ctx, b, collEmails, claims); err != nil {
		return err
	}
	return insertBatches(ctx, b, collUsers, docs)
}

// Opportunities inserts opportunities, giving each an ID.
func (b *Bulk) Opportunities(ctx context.Context, opps []*opportunity.Opportunity) error {
	docs := make([]opportunityDoc, len(opps))
	for i, o := range opps {
		o.ID = newID()
		docs[i] = opportunityToDoc(o)
	}
	return insertBatches(ctx, b, collOpportunities, docs)
}

// Shifts inserts shifts, giving each an ID.
func (b *Bulk) Shifts(ctx context.Context, shifts []*opportunity.Shift) error {
	docs := make([]shiftDoc, len(shifts))
	for i, sh := range shifts {
		sh.ID = newID()
		docs[i] = shiftToDoc(sh)
	}
	return insertBatches(ctx, b, collShifts, docs)
}

// Profiles inserts profiles.
func (b *Bulk) Profiles(ctx context.Context, profiles []profile.Profile) error {
	docs := make([]profileDoc, len(profiles))
	for i, p := range profiles {
		docs[i] = profileToDoc(p)
	}
	return insertBatches(ctx, b, collProfiles, docs)
}
