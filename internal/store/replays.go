package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/replay"
)

const collReplays = "replays"

type replayDoc struct {
	ID        string    `bson:"_id"`
	Operation string    `bson:"operation"`
	ResultID  string    `bson:"resultId"`
	CreatedAt time.Time `bson:"createdAt"`
}

// Replays remembers the results of keyed mutations.
type Replays struct{ s *Store }

// Replays returns the replay store.
func (s *Store) Replays() *Replays { return &Replays{s: s} }

var _ replay.Store = (*Replays)(nil)

// Replay returns errs.ErrNotFound for an unknown ID.
func (r *Replays) Replay(ctx context.Context, id string) (replay.Record, error) {
	d, err := findOne[replayDoc](ctx, r.s, collReplays, id)
	if err != nil {
		return replay.Record{}, err
	}
	return replay.Record{ID: d.ID, Operation: d.Operation, ResultID: d.ResultID, CreatedAt: d.CreatedAt}, nil
}

// PutReplay inserts a record; errs.ErrDuplicate when the ID exists.
func (r *Replays) PutReplay(ctx context.Context, rec replay.Record) error {
	return insertOne(ctx, r.s, collReplays, replayDoc{ID: rec.ID, Operation: rec.Operation, ResultID: rec.ResultID, CreatedAt: rec.CreatedAt.UTC()})
}

// PruneReplays deletes records older than the time: the app replays within hours, not weeks.
func (r *Replays) PruneReplays(ctx context.Context, before time.Time) (int64, error) {
	res, err := r.s.coll(collReplays).DeleteMany(ctx, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune replays: %w", err)
	}
	return res.DeletedCount, nil
}
