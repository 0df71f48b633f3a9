package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/catalog"
)

const collChanges = "changes"

// ChangesCollection is the catalog's change log, which servers poll; tests that count a
// request's store calls leave it out.
const ChangesCollection = collChanges

type changeDoc struct {
	ID            string    `bson:"_id"`
	Origin        string    `bson:"origin"`
	OpportunityID string    `bson:"opportunityId"`
	At            time.Time `bson:"at"`
}

// Changes is the catalog's change log, pruned to minutes, so that reading it is cheap even
// where every filter scans.
type Changes struct{ s *Store }

// Changes returns the change log.
func (s *Store) Changes() *Changes { return &Changes{s: s} }

var _ catalog.ChangeLog = (*Changes)(nil)

// AppendChanges inserts the changes.
func (r *Changes) AppendChanges(ctx context.Context, changes []catalog.Change) error {
	docs := make([]changeDoc, len(changes))
	for i, c := range changes {
		docs[i] = changeDoc{ID: newID(), Origin: c.Origin, OpportunityID: c.OpportunityID, At: c.At.UTC()}
	}
	if _, err := r.s.coll(collChanges).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("store: append changes: %w", err)
	}
	return nil
}

// ChangesSince lists changes stamped at or after since.
func (r *Changes) ChangesSince(ctx context.Context, since time.Time) ([]catalog.Change, error) {
	docs, err := findAll[changeDoc](ctx, r.s, collChanges, bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}})
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Change, len(docs))
	for i, d := range docs {
		out[i] = catalog.Change{ID: d.ID, Origin: d.Origin, OpportunityID: d.OpportunityID, At: d.At}
	}
	return out, nil
}

// PruneChanges deletes changes stamped before the time.
func (r *Changes) PruneChanges(ctx context.Context, before time.Time) error {
	if _, err := r.s.coll(collChanges).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}); err != nil {
		return fmt.Errorf("store: prune changes: %w", err)
	}
	return nil
}

func init() {
	indexes[collChanges] = append(indexes[collChanges], indexModel(bson.D{{Key: "at", Value: 1}}, "at"))
}
