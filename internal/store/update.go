package store

import (
	"context"

	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// versioned documents carry a counter that every update raises, so that an update can be made
// conditional on the version it read.
type versioned interface {
	getVersion() int64
	setVersion(int64)
}

// Revision is embedded (inline) in documents that are updated through updateDoc. It is
// exported only because the BSON codec ignores unexported embedded structs.
type Revision struct {
	Version int64 `bson:"version"`
}

func (v *Revision) getVersion() int64  { return v.Version }
func (v *Revision) setVersion(n int64) { v.Version = n }

// maxUpdateAttempts bounds retries when another process updated the document between our read
// and write; this only happens against MongoDB with several server replicas.
const maxUpdateAttempts = 5

// updateDoc is the one read-modify-write path of the store. It holds the document's lock in
// this process (the embedded store does not isolate conditional updates) and replaces the
// document only if its version is still the one read (which MongoDB checks atomically across
// processes). change sees the current document; an error from change stores nothing and is
// returned as is.
func updateDoc[D any, PD interface {
	*D
	versioned
}](ctx context.Context, s *Store, collection, id string, change func(PD) error) (D, error) {
	unlock := s.locks.Lock(collection + "/" + id)
	defer unlock()
	coll := s.coll(collection)
	for range maxUpdateAttempts {
		var doc D
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
			return doc, fmt.Errorf("store: read %s %s: %w", collection, id, notFound(err))
		}
		pd := PD(&doc)
		read := pd.getVersion()
		if err := change(pd); err != nil {
			var zero D
			return zero, err
		}
		pd.setVersion(read + 1)
		res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: read}}, pd)
		if err != nil {
			if isDuplicate(err) {
				return doc, fmt.Errorf("store: update %s %s: %w", collection, id, errs.ErrDuplicate)
			}
			return doc, fmt.Errorf("store: update %s %s: %w", collection, id, err)
		}
		if res.MatchedCount == 1 {
			return doc, nil
		}
	}
	return *new(D), errs.E(errs.Conflict, "the record changed while you edited it; try again")
}

// findByIDs loads the documents with the given IDs with one $in query. (The embedded store
// answers it with one scan of the collection; looking the IDs up one by one would scan once
// per ID, as it does not use its _id index for lookups either: docs/BENCHMARKS.md.)
func findByIDs[D any](ctx context.Context, s *Store, collection string, ids []string, id func(*D) string) (map[string]D, error) {
	out := make(map[string]D, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := findAll[D](ctx, s, collection, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		out[id(&docs[i])] = docs[i]
	}
	return out, nil
}

// findAll decodes every document of the collection that matches filter.
func findAll[D any](ctx context.Context, s *Store, collection string, filter any, opts ...options.Lister[options.FindOptions]) ([]D, error) {
	cur, err := s.coll(collection).Find(ctx, filter, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: find in %s: %w", collection, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: find in %s: %w", collection, err)
	}
	return docs, nil
}

// findOne decodes the document with the id, mapping "no document" to errs.ErrNotFound.
func findOne[D any](ctx context.Context, s *Store, collection, id string) (D, error) {
	var doc D
	err := s.coll(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if err != nil {
		return doc, fmt.Errorf("store: find %s %s: %w", collection, id, notFound(err))
	}
	return doc, nil
}
