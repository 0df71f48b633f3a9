package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
)

const (
	// collStatPacks holds versions of the statistics packs: insert-only, so that two job runs
	// at once, or a crashed one, never leave a pack half-updated on either backend.
	collStatPacks = "statPacks"
	// collStatQueue holds a copy of every new engagement event until the statistics job has
	// read it (see AppendEvents).
	collStatQueue = "statQueue"
)

func init() {
	indexes[collStatPacks] = append(indexes[collStatPacks],
		indexModel(bson.D{{Key: "organisationId", Value: 1}, {Key: "key", Value: 1}}, "organisation_key"))
}

// statPackDoc is one version of a pack. The buckets are one binary field: the embedded store
// decodes every field of every document it scans, about 10 µs each, and a pack holds some
// forty buckets with their sets of volunteer keys.
type statPackDoc struct {
	ID             string `bson:"_id"` // key|through
	Key            string `bson:"key"`
	OrganisationID string `bson:"organisationId"`
	Through        string `bson:"through"`
	Buckets        []byte `bson:"buckets"`
}

type packBucket struct {
	Granularity                                        string
	Start                                              string
	Signups, Attendances, NoShows, Meetings, Completes int
	Hours                                              float64
	Active, HoursVolunteers                            []byte // 8-byte keys, in order
	Shifts                                             []packShift
}

type packShift struct {
	ID             string
	Capacity, Held int
}

// Volunteer keys are 16 hex digits (see stats.volunteerKey); they are stored as 8 bytes.
func packKeys(keys []string) ([]byte, error) {
	out := make([]byte, 0, len(keys)*8)
	for _, k := range keys {
		b, err := hex.DecodeString(k)
		if err != nil || len(b) != 8 {
			return nil, fmt.Errorf("store: volunteer key %q is not 16 hex digits", k)
		}
		out = append(out, b...)
	}
	return out, nil
}

func unpackKeys(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	out := make([]string, 0, len(b)/8)
	for i := 0; i+8 <= len(b); i += 8 {
		out = append(out, hex.EncodeToString(b[i:i+8]))
	}
	return out
}

func statPackToDoc(p *stats.Pack) (statPackDoc, error) {
	keys := make([]string, 0, len(p.Buckets))
	for k := range p.Buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	data := make([]packBucket, 0, len(keys))
	for _, k := range keys {
		b := p.Buckets[k]
		pb := packBucket{Granularity: string(b.Period.Granularity), Start: b.Period.Start.String(), Signups: b.Signups,
			Attendances: b.Attendances, NoShows: b.NoShows, Meetings: b.MeetingAttendance, Completes: b.Completions, Hours: b.Hours}
		var err error
		if pb.Active, err = packKeys(b.Active); err != nil {
			return statPackDoc{}, err
		}
		if pb.HoursVolunteers, err = packKeys(b.HoursVolunteers); err != nil {
			return statPackDoc{}, err
		}
		for id, f := range b.Shifts {
			pb.Shifts = append(pb.Shifts, packShift{ID: id, Capacity: f.Capacity, Held: f.Held})
		}
		slices.SortFunc(pb.Shifts, func(a, b packShift) int { return strings.Compare(a.ID, b.ID) })
		data = append(data, pb)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(data); err != nil {
		return statPackDoc{}, fmt.Errorf("store: encode statistics: %w", err)
	}
	return statPackDoc{ID: p.Key() + "|" + p.Through, Key: p.Key(), OrganisationID: p.OrganisationID,
		Through: p.Through, Buckets: buf.Bytes()}, nil
}

func (d *statPackDoc) pack() (stats.Pack, error) {
	var data []packBucket
	if err := gob.NewDecoder(bytes.NewReader(d.Buckets)).Decode(&data); err != nil {
		return stats.Pack{}, fmt.Errorf("store: decode statistics %s: %w", d.ID, err)
	}
	p := stats.Pack{OrganisationID: d.OrganisationID, Through: d.Through, Buckets: make(map[string]*stats.Bucket, len(data))}
	for _, pb := range data {
		start, err := stats.ParseDate(pb.Start)
		if err != nil {
			return stats.Pack{}, fmt.Errorf("store: statistics %s: %w", d.ID, err)
		}
		per := stats.PeriodOf(stats.Granularity(pb.Granularity), start)
		b := &stats.Bucket{OrganisationID: d.OrganisationID, Period: per, Signups: pb.Signups, Attendances: pb.Attendances,
			NoShows: pb.NoShows, MeetingAttendance: pb.Meetings, Completions: pb.Completes, Hours: pb.Hours,
			Active: unpackKeys(pb.Active), HoursVolunteers: unpackKeys(pb.HoursVolunteers)}
		if len(pb.Shifts) > 0 {
			b.Shifts = make(map[string]stats.ShiftFill, len(pb.Shifts))
			for _, s := range pb.Shifts {
				b.Shifts[s.ID] = stats.ShiftFill{Capacity: s.Capacity, Held: s.Held}
			}
		}
		p.Buckets[string(per.Granularity)+" "+per.Key()] = b
		if per.Granularity == stats.Month {
			p.Month = per.Start
		} else if p.Month.IsZero() {
			p.Month = stats.Date{Year: per.Start.Year, Month: per.Start.Month, Day: 1}
		}
	}
	return p, nil
}

// Stats keeps the engagement statistics.
type Stats struct{ s *Store }

// Stats returns the statistics store.
func (s *Store) Stats() *Stats { return &Stats{s: s} }

var (
	_ stats.Store  = (*Stats)(nil)
	_ stats.Shifts = (*Stats)(nil)
)

func idRange(after, before string) bson.D {
	r := bson.D{{Key: "$lt", Value: before}}
	if after != "" {
		r = append(r, bson.E{Key: "$gt", Value: after})
	}
	return bson.D{{Key: "_id", Value: r}}
}

// ScanEvents reads the event log with after < _id < before in one pass, unsorted: sorting
// would hold the whole log in the embedded store's memory.
func (r *Stats) ScanEvents(ctx context.Context, after, before string, fn func(stats.LoggedEvent) error) error {
	cur, err := r.s.coll(collEvents).Find(ctx, idRange(after, before))
	if err != nil {
		return fmt.Errorf("store: scan events: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d eventDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: scan events: %w", err)
		}
		if err := fn(stats.LoggedEvent{ID: d.ID, Event: d.event()}); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: scan events: %w", err)
	}
	return nil
}

// QueuedEvents lists up to limit queued events with _id < before, in _id order.
func (r *Stats) QueuedEvents(ctx context.Context, before string, limit int) ([]stats.LoggedEvent, error) {
	docs, err := findAll[eventDoc](ctx, r.s, collStatQueue, idRange("", before),
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

// DropQueued removes the queued events with _id <= upTo, in slices: the embedded store
// deletes the matches with one SQL statement, which takes at most 32,766 of them, and a queue
// grows while no job runs.
func (r *Stats) DropQueued(ctx context.Context, upTo string) error {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	for {
		docs, err := findAll[idDoc](ctx, r.s, collStatQueue, bson.D{{Key: "_id", Value: bson.D{{Key: "$lte", Value: upTo}}}}, options.Find().
			SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(DropSlice)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return fmt.Errorf("store: drop queued events: %w", err)
		}
		if len(docs) == 0 {
			return nil
		}
		last := bson.D{{Key: "_id", Value: bson.D{{Key: "$lte", Value: docs[len(docs)-1].ID}}}}
		if _, err := r.s.coll(collStatQueue).DeleteMany(ctx, last); err != nil {
			return fmt.Errorf("store: drop queued events: %w", err)
		}
		if len(docs) < DropSlice {
			return nil
		}
	}
}

// DropSlice is how many queued events one delete removes at most; a variable for tests.
var DropSlice = 20_000

// Events inserts events into the log without queueing them for the statistics job, for
// seeding history: the job's first run reads the whole log.
func (b *Bulk) Events(ctx context.Context, events []engagement.Event) error {
	docs := make([]eventDoc, len(events))
	for i := range events {
		docs[i] = newEventDoc(events[i])
	}
	return insertBatches(ctx, b, collEvents, docs)
}

// PackVersions returns every version of the packs of the organisations, with one query.
func (r *Stats) PackVersions(ctx context.Context, orgIDs []string) ([]stats.Pack, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	docs, err := findAll[statPackDoc](ctx, r.s, collStatPacks, bson.D{{Key: "organisationId", Value: bson.D{{Key: "$in", Value: orgIDs}}}})
	if err != nil {
		return nil, err
	}
	out := make([]stats.Pack, 0, len(docs))
	for i := range docs {
		p, err := docs[i].pack()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// SavePacks inserts the new versions (an existing version is kept: another run wrote the same
// events into it) and then deletes the stale ones: a reader that sees both takes the newest,
// so no moment shows a pack missing.
func (r *Stats) SavePacks(ctx context.Context, fresh, stale []stats.Pack) error {
	docs := make([]statPackDoc, len(fresh))
	for i := range fresh {
		var err error
		if docs[i], err = statPackToDoc(&fresh[i]); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(docs, 200) {
		if _, err := insertNew(ctx, r.s, collStatPacks, chunk); err != nil {
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
	if _, err := r.s.coll(collStatPacks).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return fmt.Errorf("store: delete stale statistics: %w", err)
	}
	return nil
}

// collStatState holds the secret of the volunteer pseudonyms of the statistics.
const collStatState = "statState"

type statSecretDoc struct {
	ID     string `bson:"_id"`
	Secret []byte `bson:"secret"`
}

// Secret returns the secret of the volunteer pseudonyms: 32 random bytes, inserted by the
// first process that asks; the unique _id makes every process use the same.
func (r *Stats) Secret(ctx context.Context) ([]byte, error) {
	const id = "pseudonym-secret"
	d, err := findOne[statSecretDoc](ctx, r.s, collStatState, id)
	if err == nil {
		return d.Secret, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("store: statistics secret: %w", err)
	}
	inserted, err := insertNew(ctx, r.s, collStatState, []statSecretDoc{{ID: id, Secret: secret}})
	if err != nil {
		return nil, err
	}
	if inserted[0] {
		return secret, nil
	}
	// Another process inserted its secret first: use that one.
	d, err = findOne[statSecretDoc](ctx, r.s, collStatState, id)
	if err != nil {
		return nil, err
	}
	return d.Secret, nil
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
