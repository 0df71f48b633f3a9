package store

import (
	"context"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// collection is a MongoDB collection whose writes can be serialised in this process.
//
// The embedded store keeps each database in one SQLite file, which takes one writer at a
// time; concurrent writers wait in SQLite's busy handler, which sleeps in steps of
// milliseconds. Measured on the signup race (docs/BENCHMARKS.md), queueing writes on a Go
// mutex instead is several times faster. Against MongoDB, writes are not serialised.
type collection struct {
	*mongo.Collection
	writes *sync.Mutex // nil: no serialisation
}

func (c collection) lock() func() {
	if c.writes == nil {
		return func() {}
	}
	c.writes.Lock()
	return c.writes.Unlock
}

func (c collection) InsertOne(ctx context.Context, doc any, opts ...options.Lister[options.InsertOneOptions]) (*mongo.InsertOneResult, error) {
	defer c.lock()()
	return c.Collection.InsertOne(ctx, doc, opts...)
}

func (c collection) InsertMany(ctx context.Context, docs any, opts ...options.Lister[options.InsertManyOptions]) (*mongo.InsertManyResult, error) {
	defer c.lock()()
	return c.Collection.InsertMany(ctx, docs, opts...)
}

func (c collection) UpdateOne(ctx context.Context, filter, update any, opts ...options.Lister[options.UpdateOneOptions]) (*mongo.UpdateResult, error) {
	defer c.lock()()
	return c.Collection.UpdateOne(ctx, filter, update, opts...)
}

func (c collection) UpdateMany(ctx context.Context, filter, update any, opts ...options.Lister[options.UpdateManyOptions]) (*mongo.UpdateResult, error) {
	defer c.lock()()
	return c.Collection.UpdateMany(ctx, filter, update, opts...)
}

func (c collection) ReplaceOne(ctx context.Context, filter, doc any, opts ...options.Lister[options.ReplaceOptions]) (*mongo.UpdateResult, error) {
	defer c.lock()()
	return c.Collection.ReplaceOne(ctx, filter, doc, opts...)
}

func (c collection) DeleteOne(ctx context.Context, filter any, opts ...options.Lister[options.DeleteOneOptions]) (*mongo.DeleteResult, error) {
	defer c.lock()()
	return c.Collection.DeleteOne(ctx, filter, opts...)
}

func (c collection) DeleteMany(ctx context.Context, filter any, opts ...options.Lister[options.DeleteManyOptions]) (*mongo.DeleteResult, error) {
	defer c.lock()()
	return c.Collection.DeleteMany(ctx, filter, opts...)
}

// isFerretDB reports whether the server is FerretDB (the embedded store, or one reached over
// its loopback address), which announces itself in buildInfo.
func isFerretDB(ctx context.Context, db *mongo.Database) bool {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false
	}
	_, ok := info["ferretdbVersion"]
	return ok
}

// insertOne inserts a document; errs.ErrDuplicate when one of its unique keys is taken, which
// is how the store's invariants (one place per seat, one claim per lease slot) are decided.
func insertOne(ctx context.Context, s *Store, collection string, doc any) error {
	_, err := s.coll(collection).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return errs.ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: insert into %s: %w", collection, err)
	}
	return nil
}

// replaceUpsert stores doc under id, replacing what is there. Two processes inserting the same
// new id at once make one upsert fail on the unique _id; that one replaces again.
func replaceUpsert(ctx context.Context, s *Store, collection, id string, doc any) error {
	unlock := s.locks.Lock(collection + "/" + id)
	defer unlock()
	_, err := s.coll(collection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
	if isDuplicate(err) {
		_, err = s.coll(collection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc)
	}
	if err != nil {
		return fmt.Errorf("store: replace in %s: %w", collection, err)
	}
	return nil
}
