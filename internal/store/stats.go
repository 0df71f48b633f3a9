package store

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
)

// collStatBuckets holds versions of the statistics buckets: insert-only, so that two job runs
// at once, or a crashed one, never leave a bucket half-updated on either backend.
const collStatBuckets = "statBuckets"

func init() {
	indexes[collStatBuckets] = append(indexes[collStatBuckets],
		indexModel(bson.D{{Key: "key", Value: 1}}, "key"),
		indexModel(bson.D{{Key: "organisationId", Value: 1}}, "organisation"))
}

type statBucketDoc struct {
	ID                string                      `bson:"_id"` // key|through: one document per version
	Key               string                      `bson:"key"`
	OrganisationID    string                      `bson:"organisationId"`
	Granularity       string                      `bson:"granularity"`
	Start             string                      `bson:"start"`
	Through           string                      `bson:"through"`
	Signups           int                         `bson:"signups,omitempty"`
	Attendances       int                         `bson:"attendances,omitempty"`
	NoShows           int                         `bson:"noShows,omitempty"`
	MeetingAttendance int                         `bson:"meetingAttendance,omitempty"`
	Completions       int                         `bson:"completions,omitempty"`
	Hours             float64                     `bson:"hours,omitempty"`
	Active            []string                    `bson:"active,omitempty"`
	HoursVolunteers   []string                    `bson:"hoursVolunteers,omitempty"`
	Shifts            map[string]statShiftFillDoc `bson:"shifts,omitempty"`
}

type statShiftFillDoc struct {
	Capacity int `bson:"c"`
	Held     int `bson:"h"`
}

func statBucketToDoc(b *stats.Bucket) statBucketDoc {
	d := statBucketDoc{ID: b.Key() + "|" + b.Through, Key: b.Key(), OrganisationID: b.OrganisationID,
		Granularity: string(b.Period.Granularity), Start: b.Period.Start.String(), Through: b.Through,
		Signups: b.Signups, Attendances: b.Attendances, NoShows: b.NoShows, MeetingAttendance: b.MeetingAttendance,
		Completions: b.Completions, Hours: b.Hours, Active: b.Active, HoursVolunteers: b.HoursVolunteers}
	if len(b.Shifts) > 0 {
		d.Shifts = make(map[string]statShiftFillDoc, len(b.Shifts))
		for id, f := range b.Shifts {
			d.Shifts[id] = statShiftFillDoc{Capacity: f.Capacity, Held: f.Held}
		}
	}
	return d
}

func (d *statBucketDoc) bucket() (stats.Bucket, error) {
	start, err := stats.ParseDate(d.Start)
	if err != nil {
		return stats.Bucket{}, fmt.Errorf("store: bucket %s: %w", d.ID, err)
	}
	b := stats.Bucket{OrganisationID: d.OrganisationID, Period: stats.PeriodOf(stats.Granularity(d.Granularity), start),
		Through: d.Through, Signups: d.Signups, Attendances: d.Attendances, NoShows: d.NoShows,
		MeetingAttendance: d.MeetingAttendance, Completions: d.Completions, Hours: d.Hours,
		Active: d.Active, HoursVolunteers: d.HoursVolunteers}
	if len(d.Shifts) > 0 {
		b.Shifts = make(map[string]stats.ShiftFill, len(d.Shifts))
		for id, f := range d.Shifts {
			b.Shifts[id] = stats.ShiftFill{Capacity: f.Capacity, Held: f.Held}
		}
	}
	return b, nil
}

// Stats keeps the statistics buckets.
type Stats struct{ s *Store }

// Stats returns the statistics store.
func (s *Store) Stats() *Stats { return &Stats{s: s} }

var (
	_ stats.Store  = (*Stats)(nil)
	_ stats.Shifts = (*Stats)(nil)
)

// EventsBetween lists up to limit events with after < _id < before in _id order: one range
// query per batch (the embedded store scans the log once for it).
func (r *Stats) EventsBetween(ctx context.Context, after, before string, limit int) ([]stats.LoggedEvent, error) {
	filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}, {Key: "$lt", Value: before}}}}
	docs, err := findAll[eventDoc](ctx, r.s, collEvents, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := make([]stats.LoggedEvent, len(docs))
	for i := range docs {
		out[i] = stats.LoggedEvent{ID: docs[i].ID, Event: docs[i].event()}
	}
	return out, nil
}

func (r *Stats) buckets(ctx context.Context, filter bson.D) ([]stats.Bucket, error) {
	docs, err := findAll[statBucketDoc](ctx, r.s, collStatBuckets, filter)
	if err != nil {
		return nil, err
	}
	out := make([]stats.Bucket, 0, len(docs))
	for i := range docs {
		b, err := docs[i].bucket()
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// BucketVersions returns every version of the buckets with the keys, with one query.
func (r *Stats) BucketVersions(ctx context.Context, keys []string) ([]stats.Bucket, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	return r.buckets(ctx, bson.D{{Key: "key", Value: bson.D{{Key: "$in", Value: keys}}}})
}

// OrganisationBuckets returns every version of the organisation's buckets.
func (r *Stats) OrganisationBuckets(ctx context.Context, orgID string) ([]stats.Bucket, error) {
	return r.buckets(ctx, bson.D{{Key: "organisationId", Value: orgID}})
}

// SaveBuckets inserts the new versions (an existing version is kept: another run wrote the
// same events into it) and then deletes the stale ones: a reader that sees both takes the
// newest, so no moment shows a bucket missing.
func (r *Stats) SaveBuckets(ctx context.Context, fresh, stale []stats.Bucket) error {
	docs := make([]statBucketDoc, len(fresh))
	for i := range fresh {
		docs[i] = statBucketToDoc(&fresh[i])
	}
	for start := 0; start < len(docs); start += bulkBatch {
		if _, err := insertNew(ctx, r.s, collStatBuckets, docs[start:min(start+bulkBatch, len(docs))]); err != nil {
			return err
		}
	}
	if len(stale) == 0 {
		return nil
	}
	ids := make([]string, len(stale))
	for i := range stale {
		ids[i] = stale[i].Key() + "|" + stale[i].Through
	}
	if _, err := r.s.coll(collStatBuckets).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return fmt.Errorf("store: delete stale buckets: %w", err)
	}
	return nil
}

// heldStatuses are the signups that hold a place of their shift.
var heldStatuses = []string{string(signup.Confirmed), string(signup.Attended), string(signup.NoShow)}

// ShiftStates returns capacity, places held and start of the shifts among ids: one query for
// the shifts and one for their signups.
func (r *Stats) ShiftStates(ctx context.Context, ids []string) (map[string]stats.ShiftState, error) {
	shifts, err := lookupMany(ctx, r.s, collShifts, ids, func(d *shiftDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	type heldDoc struct {
		ShiftID string `bson:"shiftId"`
	}
	held := map[string]int{}
	for chunk := range slices.Chunk(ids, 1000) {
		docs, err := findAll[heldDoc](ctx, r.s, collSignups, bson.D{{Key: "shiftId", Value: bson.D{{Key: "$in", Value: chunk}}},
			{Key: "status", Value: bson.D{{Key: "$in", Value: heldStatuses}}}},
			options.Find().SetProjection(bson.D{{Key: "shiftId", Value: 1}}))
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			held[d.ShiftID]++
		}
	}
	out := make(map[string]stats.ShiftState, len(shifts))
	for id, d := range shifts {
		day := d.StartsAt
		if day.IsZero() {
			day = d.Deadline
		}
		out[id] = stats.ShiftState{OrganisationID: d.OrganisationID, Day: day, Capacity: d.Capacity, Held: held[id],
			Cancelled: d.Status == string(opportunity.ShiftCancelled)}
	}
	return out, nil
}
