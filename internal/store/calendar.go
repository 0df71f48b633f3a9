package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
)

const collCalendarFeeds = "calendarFeeds"

// calendarFeedDoc is keyed by the token's hash, so that serving a feed is one primary-key
// read. Finding a user's feed (to replace or revoke it) filters by userId: a scan on the
// embedded store, which is fine for an operation a user performs by hand; on MongoDB an index
// on userId serves it.
type calendarFeedDoc struct {
	Hash      string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	CreatedAt time.Time `bson:"createdAt"`
	Locale    string    `bson:"locale,omitempty"`
}

// CalendarFeeds is the repository of calendar feed tokens.
type CalendarFeeds struct {
	s *Store
	// name is the collection: shift feeds and group meeting feeds are kept apart.
	name string
}

// CalendarFeeds returns the calendar feed repository.
func (s *Store) CalendarFeeds() *CalendarFeeds { return &CalendarFeeds{s: s, name: collCalendarFeeds} }

// GroupCalendarFeeds returns the repository of group meeting feed tokens.
func (s *Store) GroupCalendarFeeds() *CalendarFeeds {
	return &CalendarFeeds{s: s, name: collGroupCalendarFeeds}
}

var _ calendar.Tokens = (*CalendarFeeds)(nil)

// maxReplaceAttempts bounds the retries of ReplaceCalendarFeed when another process inserts a
// feed for the same user between its delete and its insert (only with a unique index on
// userId, against MongoDB with several server replicas).
const maxReplaceAttempts = 5

// ReplaceCalendarFeed makes f the user's only feed: it deletes the user's feeds and inserts f.
// Within this process the two steps run under the user's lock, so concurrent replacements
// leave exactly one feed. Across processes, a unique index on userId turns a lost race into a
// duplicate-key error, and the delete and insert are retried; without that index two
// racing replacements may leave two feeds of the same user, both of which the next
// replacement or revocation deletes.
func (r *CalendarFeeds) ReplaceCalendarFeed(ctx context.Context, f calendar.Feed) error {
	unlock := r.s.locks.Lock(r.userFeedsKey(f.UserID))
	defer unlock()
	doc := calendarFeedDoc{Hash: f.Hash, UserID: f.UserID, CreatedAt: f.CreatedAt.UTC(), Locale: f.Locale}
	coll := r.s.coll(r.name)
	for range maxReplaceAttempts {
		if _, err := coll.DeleteMany(ctx, bson.D{{Key: "userId", Value: f.UserID}}); err != nil {
			return fmt.Errorf("store: delete earlier calendar feeds: %w", err)
		}
		_, err := coll.InsertOne(ctx, doc)
		if err == nil {
			return nil
		}
		if !isDuplicate(err) {
			return fmt.Errorf("store: insert calendar feed: %w", err)
		}
	}
	return fmt.Errorf("store: insert calendar feed: %w", errs.ErrDuplicate)
}

// CalendarFeed returns the feed with the token hash, or errs.ErrNotFound. Errors do not name
// the hash: they end up in logs, and the hash identifies a live feed.
func (r *CalendarFeeds) CalendarFeed(ctx context.Context, hash string) (calendar.Feed, error) {
	var d calendarFeedDoc
	err := r.s.coll(r.name).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d)
	if err != nil {
		return calendar.Feed{}, fmt.Errorf("store: find calendar feed: %w", notFound(err))
	}
	return calendar.Feed{Hash: d.Hash, UserID: d.UserID, CreatedAt: d.CreatedAt, Locale: d.Locale}, nil
}

// DeleteCalendarFeedsOf deletes every calendar feed of the user, for revocation and for
// account erasure, and reports how many there were. It takes the user's lock, so that in this
// process it sees a replacement either before or after, never halfway.
func (r *CalendarFeeds) DeleteCalendarFeedsOf(ctx context.Context, userID string) (int64, error) {
	unlock := r.s.locks.Lock(r.userFeedsKey(userID))
	defer unlock()
	res, err := r.s.coll(r.name).DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return 0, fmt.Errorf("store: delete calendar feeds: %w", err)
	}
	return res.DeletedCount, nil
}

// userFeedsKey locks a user's feeds; it cannot clash with updateDoc's collection/id keys, as
// no document of the collection is updated in place.
func (r *CalendarFeeds) userFeedsKey(userID string) string { return r.name + "/user/" + userID }
