package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/schedule"
)

const collJobRuns = "jobRuns"

func init() {
	indexes[collJobRuns] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "job", Value: 1}, {Key: "startedAt", Value: -1}}, Options: options.Index().SetName("job_time")},
		{Keys: bson.D{{Key: "startedAt", Value: 1}}, Options: options.Index().SetName("time")},
	}
}

// jobRunDoc is one finished run, inserted once when it ends: an update per run would cost a
// scan of the collection on the embedded store.
type jobRunDoc struct {
	ID        string    `bson:"_id"`
	Job       string    `bson:"job"`
	Owner     string    `bson:"owner"`
	Lease     string    `bson:"lease,omitempty"`
	StartedAt time.Time `bson:"startedAt"`
	EndedAt   time.Time `bson:"endedAt"`
	Items     int64     `bson:"items"`
	Error     string    `bson:"error,omitempty"`
}

// JobRuns is the record of job runs.
type JobRuns struct{ s *Store }

// JobRuns returns the job run record.
func (s *Store) JobRuns() *JobRuns { return &JobRuns{s: s} }

var _ schedule.RunLog = (*JobRuns)(nil)

// RecordRun stores a finished run.
func (r *JobRuns) RecordRun(ctx context.Context, run schedule.Run) error {
	_, err := r.s.coll(collJobRuns).InsertOne(ctx, jobRunDoc{ID: newID(), Job: run.Job, Owner: run.Owner, Lease: run.Lease,
		StartedAt: run.StartedAt.UTC(), EndedAt: run.EndedAt.UTC(), Items: run.Items, Error: run.Error})
	if err != nil {
		return fmt.Errorf("store: record job run: %w", err)
	}
	return nil
}

// RecentRuns lists the latest runs, newest first, of one job or (job empty) of all.
func (r *JobRuns) RecentRuns(ctx context.Context, job string, limit int) ([]schedule.Run, error) {
	filter := bson.D{}
	if job != "" {
		filter = append(filter, bson.E{Key: "job", Value: job})
	}
	opts := options.Find().SetSort(bson.D{{Key: "startedAt", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	docs, err := findAll[jobRunDoc](ctx, r.s, collJobRuns, filter, opts)
	if err != nil {
		return nil, err
	}
	out := make([]schedule.Run, len(docs))
	for i, d := range docs {
		out[i] = schedule.Run{ID: d.ID, Job: d.Job, Owner: d.Owner, Lease: d.Lease, StartedAt: d.StartedAt,
			EndedAt: d.EndedAt, Items: d.Items, Error: d.Error}
	}
	return out, nil
}

// PruneRuns deletes runs that started before t.
func (r *JobRuns) PruneRuns(ctx context.Context, before time.Time) (int64, error) {
	res, err := r.s.coll(collJobRuns).DeleteMany(ctx, bson.D{{Key: "startedAt", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune job runs: %w", err)
	}
	return res.DeletedCount, nil
}
