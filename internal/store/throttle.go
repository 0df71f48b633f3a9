package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const collThrottle = "throttle"

// throttleDoc counts failures of one key in one fixed window; the window start is part of the
// _id, so a new window starts a new document and old ones are pruned by expiry.
type throttleDoc struct {
	ID        string    `bson:"_id"`
	Count     int       `bson:"count"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// Throttle is the failure counter shared by all server replicas.
type Throttle struct {
	s   *Store
	now func() time.Time
}

// Throttle returns the failure counter.
func (s *Store) Throttle() *Throttle { return &Throttle{s: s, now: time.Now} }

func (t *Throttle) bucket(key string, window time.Duration) (string, time.Time) {
	start := t.now().Truncate(window)
	return key + "@" + strconv.FormatInt(start.Unix(), 10), start.Add(window)
}

// Count returns the failures of key in the current window and when the window ends.
func (t *Throttle) Count(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	id, end := t.bucket(key, window)
	d, err := findOne[throttleDoc](ctx, t.s, collThrottle, id)
	if err != nil {
		if isNotFound(err) {
			return 0, end, nil
		}
		return 0, end, err
	}
	return d.Count, end, nil
}

// Hit adds one failure to key's current window.
func (t *Throttle) Hit(ctx context.Context, key string, window time.Duration) error {
	id, end := t.bucket(key, window)
	// $inc is a read-modify-write on the embedded store: serialise it here.
	unlock := t.s.locks.Lock(collThrottle + "/" + id)
	defer unlock()
	update := bson.D{
		{Key: "$inc", Value: bson.D{{Key: "count", Value: 1}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "expiresAt", Value: end.UTC()}}},
	}
	var err error
	// Two replicas upserting the same new _id at once: one gets a duplicate key and retries
	// as a plain increment.
	for range 2 {
		_, err = t.s.coll(collThrottle).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update, options.UpdateOne().SetUpsert(true))
		if !isDuplicate(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("store: throttle hit: %w", err)
	}
	return nil
}

// Reset forgets key's failures in the current window.
func (t *Throttle) Reset(ctx context.Context, key string, window time.Duration) error {
	id, _ := t.bucket(key, window)
	if _, err := t.s.coll(collThrottle).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("store: throttle reset: %w", err)
	}
	return nil
}

// Prune deletes counters whose window has ended.
func (t *Throttle) Prune(ctx context.Context, now time.Time) (int64, error) {
	res, err := t.s.coll(collThrottle).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune throttle: %w", err)
	}
	return res.DeletedCount, nil
}
