// Package stats computes engagement statistics for organisations from the append-only
// engagement events: a job folds new events into per-organisation buckets (day, ISO week and
// month in Europe/Berlin), and tables read from the buckets suppress every small count and
// every cell that could be derived from the shown ones (DESIGN invariant 4).
package stats

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

// LoggedEvent is an engagement event with its ID in the log.
type LoggedEvent struct {
	ID string
	engagement.Event
}

// Bucket is what the statistics hold about one organisation in one period. A bucket is never
// changed in place: each job run that adds to it stores a new version, named by Through.
type Bucket struct {
	OrganisationID string
	Period         Period
	// Through is the ID of the last event the job had read when it wrote this version: the
	// version holds every event up to Through that belongs to it, and no later one.
	Through string

	Signups           int
	Attendances       int
	NoShows           int
	MeetingAttendance int
	Completions       int
	Hours             float64
	// Active and HoursVolunteers are pseudonymous keys (see volunteerKey), sorted: distinct
	// counts must stay right when later runs add to the bucket.
	Active          []string
	HoursVolunteers []string
	// Shifts are the shifts starting in the period, by ID: the fill rate.
	Shifts map[string]ShiftFill
}

// ShiftFill is a shift's capacity and the places held (confirmed, attended or no-show).
type ShiftFill struct {
	Capacity int
	Held     int
}

// Key names the bucket across its versions.
func (b *Bucket) Key() string { return BucketKey(b.OrganisationID, b.Period) }

// BucketKey names the bucket of an organisation and period.
func BucketKey(orgID string, p Period) string {
	return orgID + "|" + string(p.Granularity) + "|" + p.Key()
}

// Store keeps the buckets and reads the event log.
type Store interface {
	// EventsBetween lists up to limit events with after < ID < before, in ID order.
	EventsBetween(ctx context.Context, after, before string, limit int) ([]LoggedEvent, error)
	// BucketVersions returns every stored version of the buckets with the keys.
	BucketVersions(ctx context.Context, keys []string) ([]Bucket, error)
	// SaveBuckets stores new versions (a version that exists already is kept as it is) and then
	// deletes the stale ones, given by key and Through.
	SaveBuckets(ctx context.Context, fresh []Bucket, stale []Bucket) error
	// OrganisationBuckets returns every version of every bucket of the organisation.
	OrganisationBuckets(ctx context.Context, orgID string) ([]Bucket, error)
}

// Watermarks keep how far the job has read.
type Watermarks interface {
	Watermark(ctx context.Context, name string) (string, error)
	SetWatermark(ctx context.Context, name, value string) error
}

// ShiftState is what the fill rate needs of a shift.
type ShiftState struct {
	OrganisationID string
	// Day is when the shift starts, or its deadline.
	Day       time.Time
	Capacity  int
	Held      int
	Cancelled bool
}

// Shifts reads the shifts that events mention.
type Shifts interface {
	ShiftStates(ctx context.Context, ids []string) (map[string]ShiftState, error)
}

// volunteerKey is the pseudonym under which a volunteer is counted in an organisation's
// buckets: distinct per organisation, so buckets of two organisations cannot be joined, and
// never shown.
func volunteerKey(orgID, userID string) string {
	h := sha256.Sum256([]byte(orgID + "\x00" + userID))
	return hex.EncodeToString(h[:8])
}

// latest picks the newest version of each bucket and lists the older ones.
func latest(versions []Bucket) (map[string]Bucket, []Bucket) {
	newest := make(map[string]Bucket, len(versions))
	var stale []Bucket
	for _, b := range versions {
		k := b.Key()
		cur, ok := newest[k]
		switch {
		case !ok:
			newest[k] = b
		case cur.Through < b.Through:
			stale = append(stale, cur)
			newest[k] = b
		default:
			stale = append(stale, b)
		}
	}
	return newest, stale
}
