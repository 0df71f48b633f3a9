// Package stats computes engagement statistics for organisations from the append-only
// engagement events: a job folds new events into per-organisation buckets (day, ISO week and
// month in Europe/Berlin), and tables read from the buckets suppress every small count and
// every cell that could be derived from the shown ones (DESIGN invariant 4).
package stats

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

// LoggedEvent is an engagement event with its ID in the log.
type LoggedEvent struct {
	ID string
	engagement.Event
}

// Bucket is what the statistics hold about one organisation in one period.
type Bucket struct {
	OrganisationID string
	Period         Period

	Signups           int
	Attendances       int
	NoShows           int
	MeetingAttendance int
	Completions       int
	Hours             float64
	// Active and HoursVolunteers are pseudonymous keys (see pseudonyms), sorted: distinct
	// counts must stay right when later runs add to the bucket.
	Active          []string
	HoursVolunteers []string
	// Shifts are the shifts starting in the period, by ID: the fill rate.
	Shifts map[string]ShiftFill
}

// Pack holds the buckets of an organisation whose periods begin in one month: its days, the
// weeks whose Monday lies in it, and the month itself. The embedded store scans a collection
// for every query and every single-document write, so the statistics are stored as few
// documents, each written whole. A pack is never changed in place: each job run that adds to
// it stores a new version, named by Through.
type Pack struct {
	OrganisationID string
	Month          Date // the first day
	// Through is the ID of the last event the job had read when it wrote this version: the
	// version holds every event up to Through that belongs to it, and no later one.
	Through string
	Buckets map[string]*Bucket // by period key
}

// Key names the pack across its versions.
func (p *Pack) Key() string { return PackKey(p.OrganisationID, p.Month) }

// PackKey names the pack of an organisation and month.
func PackKey(orgID string, month Date) string {
	return orgID + "|" + fmt.Sprintf("%04d-%02d", month.Year, month.Month)
}

// BucketKey names the bucket of an organisation and period.
func BucketKey(orgID string, p Period) string {
	return orgID + "|" + string(p.Granularity) + "|" + p.Key()
}

// packMonth is the month whose pack holds the period.
func packMonth(p Period) Date { return Date{p.Start.Year, p.Start.Month, 1} }

// ShiftFill is a shift's capacity and the places held (confirmed, attended or no-show).
type ShiftFill struct {
	Capacity int
	Held     int
}

// Store keeps the statistics and reads the event log.
type Store interface {
	// ScanEvents calls fn with every event with after < ID < before, in no particular order:
	// one pass over the log, for the first run.
	ScanEvents(ctx context.Context, after, before string, fn func(LoggedEvent) error) error
	// QueuedEvents lists up to limit events of the queue (a copy of every event appended,
	// kept until the job has read it) with ID < before, in ID order.
	QueuedEvents(ctx context.Context, before string, limit int) ([]LoggedEvent, error)
	// DropQueued removes the queued events with ID <= upTo.
	DropQueued(ctx context.Context, upTo string) error
	// PackVersions returns every stored version of the packs of the organisations.
	PackVersions(ctx context.Context, orgIDs []string) ([]Pack, error)
	// Secret returns the random secret of the volunteer pseudonyms, created on first use and
	// the same for every process.
	Secret(ctx context.Context) ([]byte, error)
	// SavePacks stores new versions (a version that exists already is kept as it is) and then
	// deletes the stale ones.
	SavePacks(ctx context.Context, fresh []Pack, stale []Pack) error
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

// pseudonyms turns user IDs into the keys under which volunteers are counted in an
// organisation's buckets: keyed with a random secret kept in the store, so that the keys cannot
// be linked to a user ID (also not after the person erased their account and the ID survives
// elsewhere), and distinct per organisation, so that buckets of two organisations cannot be
// joined. The keys are never shown.
type pseudonyms struct {
	secret []byte
	memo   map[string]string // one run meets the same volunteers again and again
}

func newPseudonyms(secret []byte) *pseudonyms {
	return &pseudonyms{secret: secret, memo: map[string]string{}}
}

func (p *pseudonyms) key(orgID, userID string) string {
	in := orgID + "\x00" + userID
	if k, ok := p.memo[in]; ok {
		return k
	}
	h := hmac.New(sha256.New, p.secret)
	h.Write([]byte(in))
	k := hex.EncodeToString(h.Sum(nil)[:8])
	p.memo[in] = k
	return k
}

// latest picks the newest version of each pack and lists the older ones.
func latest(versions []Pack) (map[string]Pack, []Pack) {
	newest := make(map[string]Pack, len(versions))
	var stale []Pack
	for _, p := range versions {
		k := p.Key()
		cur, ok := newest[k]
		switch {
		case !ok:
			newest[k] = p
		case cur.Through < p.Through:
			stale = append(stale, cur)
			newest[k] = p
		default:
			stale = append(stale, p)
		}
	}
	return newest, stale
}

// buckets merges the newest versions of an organisation's packs into its buckets, by
// BucketKey.
func buckets(versions []Pack) map[string]Bucket {
	cur, _ := latest(versions)
	out := map[string]Bucket{}
	for _, p := range cur {
		for _, b := range p.Buckets {
			out[BucketKey(b.OrganisationID, b.Period)] = *b
		}
	}
	return out
}
