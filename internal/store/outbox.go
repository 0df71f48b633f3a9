package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// The outbox is written by inserts. On the embedded store an update, a delete or a lookup of
// one document scans its table (FerretDB's _id index is not used for them), so a delivery
// path that updated each message would take minutes for 20,000 messages; inserts take
// microseconds and their unique _id decides every race. See package notify.
const (
	collOutbox         = "outbox"
	collOutboxQueue    = "outboxQueue"
	collOutboxAttempts = "outboxAttempts"
	collOutboxResults  = "outboxResults"
	collOutboxReads    = "outboxReads"
	collFeed           = "notificationFeed"
	collPreferences    = "notificationPreferences"
	collNotifyState    = "notifyState"

	// NotificationFeedCollection is the feed of new in-app messages, which servers poll;
	// tests that count a request's store calls leave it out.
	NotificationFeedCollection = collFeed
)

func init() {
	indexes[collOutbox] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "channel", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("inbox")},
		{Keys: bson.D{{Key: "createdAt", Value: 1}}, Options: options.Index().SetName("time")},
	}
	indexes[collOutboxQueue] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "createdAt", Value: 1}}, Options: options.Index().SetName("time")},
	}
	indexes[collOutboxAttempts] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "startedAt", Value: 1}}, Options: options.Index().SetName("time")},
	}
	indexes[collOutboxResults] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("time")},
	}
	indexes[collOutboxReads] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("time")},
	}
	// The reminder and notice jobs' queries, for MongoDB; the embedded store scans anyway.
	indexes[collSignups] = append(indexes[collSignups],
		mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "shiftStart", Value: 1}}, Options: options.Index().SetName("starting")},
		mongo.IndexModel{Keys: bson.D{{Key: "opportunityId", Value: 1}}, Options: options.Index().SetName("opportunity")},
	)
}

// outboxDoc is a message as created; it is never updated.
type outboxDoc struct {
	ID            string    `bson:"_id"`
	Key           string    `bson:"key"`
	UserID        string    `bson:"userId"`
	Channel       string    `bson:"channel"`
	Kind          string    `bson:"kind"`
	Locale        string    `bson:"locale"`
	Title         string    `bson:"title"`
	Body          string    `bson:"body"`
	Sensitive     bool      `bson:"sensitive"`
	Status        string    `bson:"status"`
	Attempts      int       `bson:"attempts"`
	NextAttemptAt time.Time `bson:"nextAttemptAt,omitempty"`
	SentAt        time.Time `bson:"sentAt,omitempty"`
	CreatedAt     time.Time `bson:"createdAt"`
	ExpiresAt     time.Time `bson:"expiresAt,omitempty"`
}

func outboxToDoc(m notify.Message) outboxDoc {
	return outboxDoc{ID: m.ID, Key: m.Key, UserID: m.UserID, Channel: string(m.Channel), Kind: string(m.Kind),
		Locale: string(m.Locale), Title: m.Title, Body: m.Body, Sensitive: m.Sensitive, Status: string(m.Status),
		Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt.UTC(), SentAt: m.SentAt.UTC(), CreatedAt: m.CreatedAt.UTC(),
		ExpiresAt: m.ExpiresAt.UTC()}
}

func (d *outboxDoc) message() notify.Message {
	return notify.Message{ID: d.ID, Key: d.Key, UserID: d.UserID, Channel: notify.Channel(d.Channel), Kind: notify.Kind(d.Kind),
		Locale: account.Locale(d.Locale), Title: d.Title, Body: d.Body, Sensitive: d.Sensitive, Status: notify.Status(d.Status),
		Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt, SentAt: d.SentAt, CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}
}

func (d *outboxDoc) notification() notify.Notification {
	return notify.Notification{ID: d.ID, UserID: d.UserID, Kind: notify.Kind(d.Kind), Title: d.Title, Body: d.Body, CreatedAt: d.CreatedAt}
}

// queueDoc is one batch of e-mail work; it carries the messages, so that sending needs no
// lookups.
type queueDoc struct {
	ID        string         `bson:"_id"`
	CreatedAt time.Time      `bson:"createdAt"`
	Items     []queueItemDoc `bson:"items"`
}

type queueItemDoc struct {
	Message outboxDoc `bson:"m"`
	Attempt int       `bson:"attempt"`
	DueAt   time.Time `bson:"dueAt"`
}

type attemptDoc struct {
	ID        string    `bson:"_id"`
	MessageID string    `bson:"messageId"`
	N         int       `bson:"n"`
	Owner     string    `bson:"owner"`
	StartedAt time.Time `bson:"startedAt"`
}

type resultDoc struct {
	ID        string    `bson:"_id"`
	MessageID string    `bson:"messageId"`
	N         int       `bson:"n"`
	Status    string    `bson:"status"`
	At        time.Time `bson:"at"`
	Error     string    `bson:"error,omitempty"`
}

type readDoc struct {
	ID     string    `bson:"_id"` // the message's
	UserID string    `bson:"userId"`
	At     time.Time `bson:"at"`
}

// Outbox is the notification storage.
type Outbox struct{ s *Store }

// Outbox returns the notification storage.
func (s *Store) Outbox() *Outbox { return &Outbox{s: s} }

var (
	_ notify.Outbox          = (*Outbox)(nil)
	_ notify.InboxStore      = (*Outbox)(nil)
	_ notify.FeedStore       = (*Outbox)(nil)
	_ notify.PreferenceStore = (*Outbox)(nil)
	_ notify.Watermarks      = (*Outbox)(nil)
	_ notify.Recipients      = (*Accounts)(nil)
	_ notify.Signups         = (*Signups)(nil)
	_ notify.Shifts          = (*Opportunities)(nil)
	_ notify.EventLog        = (*Events)(nil)
)

// NotifyStores returns the stores of package notify.
func (s *Store) NotifyStores() notify.Stores {
	o := s.Outbox()
	return notify.Stores{Outbox: o, Feed: o, Preferences: o, Watermarks: o, Users: s.Accounts(), Signups: s.Signups(),
		Shifts: s.Opportunities(), Events: s.Events(), Upcoming: s.Opportunities(), Staff: s.Organisations(),
		Meetings: s.Groups()}
}

// insertNew inserts docs, unordered, and reports which were inserted; a document whose _id
// exists is skipped, any other failure is an error.
func insertNew[D any](ctx context.Context, s *Store, collection string, docs []D) ([]bool, error) {
	ok := make([]bool, len(docs))
	if len(docs) == 0 {
		return ok, nil
	}
	for i := range ok {
		ok[i] = true
	}
	_, err := s.coll(collection).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return ok, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, fmt.Errorf("store: insert into %s: %w", collection, err)
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, fmt.Errorf("store: insert into %s: %w", collection, err)
		}
		if we.Index >= 0 && we.Index < len(ok) {
			ok[we.Index] = false
		}
	}
	return ok, nil
}

// On the embedded store a lookup by _id scans the table in SQLite (about 1.6 µs a row; it
// stops at the document found), while a query with a filter decodes every document in
// FerretDB (about 45 µs a row) and compares it with every value of an $in. So few IDs are
// looked up one by one, more with one $in query, and very many by reading the collection once
// and filtering here.
const (
	lookupEachMax = 24
	lookupInMax   = 500
)

// lookupMany loads the documents with the IDs that exist; see lookupEachMax.
func lookupMany[D any](ctx context.Context, s *Store, collection string, ids []string, id func(*D) string, projection bson.D) (map[string]D, error) {
	switch {
	case len(ids) == 0:
		return map[string]D{}, nil
	case s.writes != nil && len(ids) <= lookupEachMax:
		return lookupEach(ctx, s, collection, ids, id)
	case s.writes == nil || len(ids) <= lookupInMax:
		out := make(map[string]D, len(ids))
		for chunk := range slices.Chunk(ids, 1000) {
			part, err := findByIDs(ctx, s, collection, chunk, id)
			if err != nil {
				return nil, err
			}
			for k, v := range part {
				out[k] = v
			}
		}
		return out, nil
	}
	want := make(map[string]bool, len(ids))
	for _, i := range ids {
		want[i] = true
	}
	opts := options.Find()
	if projection != nil {
		opts.SetProjection(projection)
	}
	cur, err := s.coll(collection).Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, fmt.Errorf("store: scan %s: %w", collection, err)
	}
	defer cur.Close(ctx)
	out := make(map[string]D, len(ids))
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("store: scan %s: %w", collection, err)
		}
		if k := id(&d); want[k] {
			out[k] = d
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("store: scan %s: %w", collection, err)
	}
	return out, nil
}

// lookupEach looks the IDs up one by one, a few at a time.
func lookupEach[D any](ctx context.Context, s *Store, collection string, ids []string, id func(*D) string) (map[string]D, error) {
	var mu sync.Mutex
	out := make(map[string]D, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, key := range ids {
		g.Go(func() error {
			d, err := findOne[D](gctx, s, collection, key)
			if isNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			out[id(&d)] = d
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// InsertMessages stores the new messages and returns their IDs.
func (o *Outbox) InsertMessages(ctx context.Context, msgs []notify.Message) ([]string, error) {
	docs := make([]outboxDoc, len(msgs))
	for i, m := range msgs {
		docs[i] = outboxToDoc(m)
	}
	ok, err := insertNew(ctx, o.s, collOutbox, docs)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, inserted := range ok {
		if inserted {
			out = append(out, msgs[i].ID)
		}
	}
	return out, nil
}

// InsertBatch queues the items as one batch.
func (o *Outbox) InsertBatch(ctx context.Context, items []notify.Item) error {
	if len(items) == 0 {
		return nil
	}
	d := queueDoc{ID: newID(), CreatedAt: time.Now().UTC(), Items: make([]queueItemDoc, len(items))}
	for i, it := range items {
		d.Items[i] = queueItemDoc{Message: outboxToDoc(it.Message), Attempt: it.Attempt, DueAt: it.DueAt.UTC()}
	}
	if _, err := o.s.coll(collOutboxQueue).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: queue e-mails: %w", err)
	}
	return nil
}

// Batches lists the queue, oldest first.
func (o *Outbox) Batches(ctx context.Context) ([]notify.Batch, error) {
	docs, err := findAll[queueDoc](ctx, o.s, collOutboxQueue, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]notify.Batch, len(docs))
	for i, d := range docs {
		b := notify.Batch{ID: d.ID, Items: make([]notify.Item, len(d.Items))}
		for k, it := range d.Items {
			b.Items[k] = notify.Item{Message: it.Message.message(), Attempt: it.Attempt, DueAt: it.DueAt}
		}
		out[i] = b
	}
	return out, nil
}

// DeleteBatch removes a batch; the queue holds a few, so this is cheap on any store.
func (o *Outbox) DeleteBatch(ctx context.Context, id string) error {
	if _, err := o.s.coll(collOutboxQueue).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("store: dequeue e-mails: %w", err)
	}
	return nil
}

// InsertAttempts claims attempts and returns those this caller won.
func (o *Outbox) InsertAttempts(ctx context.Context, attempts []notify.Attempt) ([]string, error) {
	docs := make([]attemptDoc, len(attempts))
	for i, a := range attempts {
		docs[i] = attemptDoc{ID: a.ID, MessageID: a.MessageID, N: a.N, Owner: a.Owner, StartedAt: a.StartedAt.UTC()}
	}
	ok, err := insertNew(ctx, o.s, collOutboxAttempts, docs)
	if err != nil {
		return nil, err
	}
	var won []string
	for i, inserted := range ok {
		if inserted {
			won = append(won, attempts[i].ID)
		}
	}
	return won, nil
}

// InsertResults records outcomes; the first result of an attempt stands.
func (o *Outbox) InsertResults(ctx context.Context, results []notify.Result) error {
	docs := make([]resultDoc, len(results))
	for i, r := range results {
		docs[i] = resultDoc{ID: r.ID, MessageID: r.MessageID, N: r.N, Status: string(r.Status), At: r.At.UTC(), Error: r.Error}
	}
	_, err := insertNew(ctx, o.s, collOutboxResults, docs)
	return err
}

// Attempts returns the attempt records that exist among ids.
func (o *Outbox) Attempts(ctx context.Context, ids []string) (map[string]notify.Attempt, error) {
	docs, err := lookupMany(ctx, o.s, collOutboxAttempts, ids, func(d *attemptDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Attempt, len(docs))
	for id, d := range docs {
		out[id] = notify.Attempt{ID: d.ID, MessageID: d.MessageID, N: d.N, Owner: d.Owner, StartedAt: d.StartedAt}
	}
	return out, nil
}

// Results returns the results that exist among ids.
func (o *Outbox) Results(ctx context.Context, ids []string) (map[string]notify.Result, error) {
	docs, err := lookupMany(ctx, o.s, collOutboxResults, ids, func(d *resultDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Result, len(docs))
	for id, d := range docs {
		out[id] = notify.Result{ID: d.ID, MessageID: d.MessageID, N: d.N, Status: notify.Status(d.Status), At: d.At, Error: d.Error}
	}
	return out, nil
}

// MessageIDs lists the IDs, starting with prefix, of the messages created at or after t.
func (o *Outbox) MessageIDs(ctx context.Context, prefix string, since time.Time) ([]string, error) {
	docs, err := findAll[struct {
		ID string `bson:"_id"`
	}](ctx, o.s, collOutbox, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(prefix)}}},
		{Key: "createdAt", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out, nil
}

// maxAttemptsRead bounds the walk through a message's attempts.
const maxAttemptsRead = 32

// Message returns a message with its status read from the logs.
func (o *Outbox) Message(ctx context.Context, id string) (notify.Message, error) {
	d, err := findOne[outboxDoc](ctx, o.s, collOutbox, id)
	if err != nil {
		return notify.Message{}, err
	}
	m := d.message()
	if m.Channel == notify.InApp {
		if r, err := findOne[readDoc](ctx, o.s, collOutboxReads, id); err == nil {
			m.ReadAt = r.At
		} else if !isNotFound(err) {
			return notify.Message{}, err
		}
		return m, nil
	}
	for n := 1; n <= maxAttemptsRead; n++ {
		aid := notify.AttemptID(id, n)
		if _, err := findOne[attemptDoc](ctx, o.s, collOutboxAttempts, aid); isNotFound(err) {
			break
		} else if err != nil {
			return notify.Message{}, err
		}
		m.Attempts, m.Status = n, notify.Sending
		res, err := findOne[resultDoc](ctx, o.s, collOutboxResults, aid)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return notify.Message{}, err
		}
		m.Status, m.LastError = notify.Status(res.Status), res.Error
		if m.Status == notify.Sent {
			m.SentAt = res.At
		}
	}
	return m, nil
}

// Prune deletes what is older than t: messages, queue batches, attempts, results, read marks.
func (o *Outbox) Prune(ctx context.Context, before time.Time) (int64, error) {
	t := before.UTC()
	var total int64
	for _, p := range []struct{ coll, field string }{
		{collOutbox, "createdAt"}, {collOutboxQueue, "createdAt"}, {collOutboxAttempts, "startedAt"},
		{collOutboxResults, "at"}, {collOutboxReads, "at"},
	} {
		res, err := o.s.coll(p.coll).DeleteMany(ctx, bson.D{{Key: p.field, Value: bson.D{{Key: "$lt", Value: t}}}})
		if err != nil {
			return total, fmt.Errorf("store: prune %s: %w", p.coll, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}

// readsOf returns the read marks of a user's messages, by message ID.
func (o *Outbox) readsOf(ctx context.Context, userID string) (map[string]time.Time, error) {
	docs, err := findAll[readDoc](ctx, o.s, collOutboxReads, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(docs))
	for _, d := range docs {
		out[d.ID] = d.At
	}
	return out, nil
}

// InAppOf lists a user's in-app messages, newest first, after the position.
func (o *Outbox) InAppOf(ctx context.Context, userID string, after notify.Position, limit int, unreadOnly bool) ([]notify.Notification, error) {
	reads, err := o.readsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "userId", Value: userID}, {Key: "channel", Value: string(notify.InApp)}}
	if !after.IsZero() {
		at := after.CreatedAt.UTC()
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{{Key: "createdAt", Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: after.ID}}}},
		}})
	}
	if unreadOnly && len(reads) > 0 {
		ids := make([]string, 0, len(reads))
		for id := range reads {
			ids = append(ids, id)
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: ids}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	docs, err := findAll[outboxDoc](ctx, o.s, collOutbox, filter, opts)
	if err != nil {
		return nil, err
	}
	out := make([]notify.Notification, len(docs))
	for i := range docs {
		out[i] = docs[i].notification()
		out[i].ReadAt = reads[docs[i].ID]
	}
	return out, nil
}

// CountInApp counts a user's in-app messages.
func (o *Outbox) CountInApp(ctx context.Context, userID string, unreadOnly bool) (int, error) {
	filter := bson.D{{Key: "userId", Value: userID}, {Key: "channel", Value: string(notify.InApp)}}
	if unreadOnly {
		reads, err := o.readsOf(ctx, userID)
		if err != nil {
			return 0, err
		}
		ids := make([]string, 0, len(reads))
		for id := range reads {
			ids = append(ids, id)
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: ids}}})
	}
	n, err := o.s.coll(collOutbox).CountDocuments(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("store: count notifications: %w", err)
	}
	return int(n), nil
}

// InAppByIDs returns the in-app messages among ids, with their read marks.
func (o *Outbox) InAppByIDs(ctx context.Context, ids []string) (map[string]notify.Notification, error) {
	docs, err := lookupMany(ctx, o.s, collOutbox, ids, func(d *outboxDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	reads, err := lookupMany(ctx, o.s, collOutboxReads, ids, func(d *readDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Notification, len(docs))
	for id, d := range docs {
		if d.Channel != string(notify.InApp) {
			continue
		}
		n := d.notification()
		n.ReadAt = reads[id].At
		out[id] = n
	}
	return out, nil
}

// AllInApp lists every in-app message with its read mark.
func (o *Outbox) AllInApp(ctx context.Context) ([]notify.Notification, error) {
	docs, err := findAll[outboxDoc](ctx, o.s, collOutbox, bson.D{{Key: "channel", Value: string(notify.InApp)}})
	if err != nil {
		return nil, err
	}
	reads, err := findAll[readDoc](ctx, o.s, collOutboxReads, bson.D{})
	if err != nil {
		return nil, err
	}
	readAt := make(map[string]time.Time, len(reads))
	for _, r := range reads {
		readAt[r.ID] = r.At
	}
	out := make([]notify.Notification, len(docs))
	for i := range docs {
		out[i] = docs[i].notification()
		out[i].ReadAt = readAt[docs[i].ID]
	}
	return out, nil
}

// InsertReads stores read marks and returns how many were new.
func (o *Outbox) InsertReads(ctx context.Context, reads []notify.Read) (int, error) {
	docs := make([]readDoc, len(reads))
	for i, r := range reads {
		docs[i] = readDoc{ID: r.MessageID, UserID: r.UserID, At: r.At.UTC()}
	}
	ok, err := insertNew(ctx, o.s, collOutboxReads, docs)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inserted := range ok {
		if inserted {
			n++
		}
	}
	return n, nil
}

// feedDoc is one append to the feed of new in-app messages. Its _id starts with the time in
// hexadecimal nanoseconds, so the feed is read by an _id range.
type feedDoc struct {
	ID    string        `bson:"_id"`
	At    time.Time     `bson:"at"`
	Items []feedItemDoc `bson:"items"`
}

type feedItemDoc struct {
	ID        string    `bson:"id"`
	UserID    string    `bson:"userId"`
	Kind      string    `bson:"kind"`
	Title     string    `bson:"title"`
	Body      string    `bson:"body"`
	CreatedAt time.Time `bson:"createdAt"`
}

func feedPos(t time.Time) string { return fmt.Sprintf("%016x", t.UnixNano()) }

// AppendFeed stores a feed entry stamped now.
func (o *Outbox) AppendFeed(ctx context.Context, items []notify.Notification) error {
	if len(items) == 0 {
		return nil
	}
	var salt [4]byte
	_, _ = rand.Read(salt[:])
	now := time.Now().UTC()
	d := feedDoc{ID: feedPos(now) + fmt.Sprintf("-%08x", binary.BigEndian.Uint32(salt[:])), At: now, Items: make([]feedItemDoc, len(items))}
	for i, n := range items {
		d.Items[i] = feedItemDoc{ID: n.ID, UserID: n.UserID, Kind: string(n.Kind), Title: n.Title, Body: n.Body, CreatedAt: n.CreatedAt.UTC()}
	}
	if _, err := o.s.coll(collFeed).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: append feed: %w", err)
	}
	return nil
}

// FeedSince lists the entries stamped at or after t, oldest first.
func (o *Outbox) FeedSince(ctx context.Context, t time.Time) ([]notify.FeedEntry, error) {
	docs, err := findAll[feedDoc](ctx, o.s, collFeed, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: feedPos(t)}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]notify.FeedEntry, len(docs))
	for i, d := range docs {
		e := notify.FeedEntry{ID: d.ID, At: d.At, Items: make([]notify.Notification, len(d.Items))}
		for k, it := range d.Items {
			e.Items[k] = notify.Notification{ID: it.ID, UserID: it.UserID, Kind: notify.Kind(it.Kind), Title: it.Title,
				Body: it.Body, CreatedAt: it.CreatedAt}
		}
		out[i] = e
	}
	return out, nil
}

// PruneFeed deletes entries stamped before t.
func (o *Outbox) PruneFeed(ctx context.Context, before time.Time) (int64, error) {
	res, err := o.s.coll(collFeed).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: feedPos(before)}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune feed: %w", err)
	}
	return res.DeletedCount, nil
}

type preferencesDoc struct {
	UserID     string    `bson:"_id"`
	InApp      bool      `bson:"inApp"`
	Email      bool      `bson:"email"`
	QuietStart int       `bson:"quietStart"` // minutes after midnight
	QuietEnd   int       `bson:"quietEnd"`
	TimeZone   string    `bson:"timeZone"`
	UpdatedAt  time.Time `bson:"updatedAt"`
}

// Preferences returns the stored choices of the users among ids who made any.
func (o *Outbox) Preferences(ctx context.Context, ids []string) (map[string]notify.Preferences, error) {
	docs, err := lookupMany(ctx, o.s, collPreferences, ids, func(d *preferencesDoc) string { return d.UserID }, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Preferences, len(docs))
	for id, d := range docs {
		out[id] = notify.Preferences{UserID: d.UserID, InApp: d.InApp, Email: d.Email, QuietStart: notify.Clock(d.QuietStart),
			QuietEnd: notify.Clock(d.QuietEnd), TimeZone: d.TimeZone}
	}
	return out, nil
}

// SetPreferences stores a user's choices, replacing earlier ones.
func (o *Outbox) SetPreferences(ctx context.Context, p notify.Preferences) error {
	return replaceUpsert(ctx, o.s, collPreferences, p.UserID, preferencesDoc{UserID: p.UserID, InApp: p.InApp, Email: p.Email,
		QuietStart: int(p.QuietStart), QuietEnd: int(p.QuietEnd), TimeZone: p.TimeZone, UpdatedAt: time.Now().UTC()})
}

type stateDoc struct {
	ID        string    `bson:"_id"`
	Value     string    `bson:"value"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Watermark returns a job's stored position, or "".
func (o *Outbox) Watermark(ctx context.Context, name string) (string, error) {
	d, err := findOne[stateDoc](ctx, o.s, collNotifyState, name)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return d.Value, nil
}

// SetWatermark stores a job's position.
func (o *Outbox) SetWatermark(ctx context.Context, name, value string) error {
	return replaceUpsert(ctx, o.s, collNotifyState, name, stateDoc{ID: name, Value: value, UpdatedAt: time.Now().UTC()})
}

// recipientDoc is the part of a user a message needs.
type recipientDoc struct {
	ID          string `bson:"_id"`
	Email       string `bson:"email"`
	DisplayName string `bson:"displayName"`
	Locale      string `bson:"locale"`
}

// Recipients returns address, name and language of the users among ids.
func (a *Accounts) Recipients(ctx context.Context, ids []string) (map[string]notify.Recipient, error) {
	docs, err := lookupMany(ctx, a.s, collUsers, ids, func(d *recipientDoc) string { return d.ID },
		bson.D{{Key: "email", Value: 1}, {Key: "displayName", Value: 1}, {Key: "locale", Value: 1}})
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.Recipient, len(docs))
	for id, d := range docs {
		out[id] = notify.Recipient{UserID: d.ID, Email: d.Email, Name: d.DisplayName, Locale: account.Locale(d.Locale)}
	}
	return out, nil
}

// ConfirmedStarting lists confirmed signups of timed shifts starting in (from, to].
func (r *Signups) ConfirmedStarting(ctx context.Context, from, to time.Time) ([]signup.Signup, error) {
	return r.find(ctx, bson.D{{Key: "status", Value: string(signup.Confirmed)},
		{Key: "shiftStart", Value: bson.D{{Key: "$gt", Value: from.UTC()}, {Key: "$lte", Value: to.UTC()}}}}, nil)
}

// ActiveOf lists the active signups of the opportunities and shifts, for shifts ending after t.
func (r *Signups) ActiveOf(ctx context.Context, opportunityIDs, shiftIDs []string, endAfter time.Time) ([]signup.Signup, error) {
	var or bson.A
	if len(opportunityIDs) > 0 {
		or = append(or, bson.D{{Key: "opportunityId", Value: bson.D{{Key: "$in", Value: opportunityIDs}}}})
	}
	if len(shiftIDs) > 0 {
		or = append(or, bson.D{{Key: "shiftId", Value: bson.D{{Key: "$in", Value: shiftIDs}}}})
	}
	if len(or) == 0 {
		return nil, nil
	}
	active := []string{string(signup.Confirmed), string(signup.Waitlisted), string(signup.PendingApproval)}
	return r.find(ctx, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: active}}},
		{Key: "shiftEnd", Value: bson.D{{Key: "$gt", Value: endAfter.UTC()}}}, {Key: "$or", Value: or}}, nil)
}

// ShiftInfos returns the shifts among ids with their opportunities.
func (r *Opportunities) ShiftInfos(ctx context.Context, ids []string) (map[string]notify.ShiftInfo, error) {
	shifts, err := lookupMany(ctx, r.s, collShifts, ids, func(d *shiftDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	var oppIDs []string
	for _, sh := range shifts {
		oppIDs = append(oppIDs, sh.OpportunityID)
	}
	slices.Sort(oppIDs)
	opps, err := r.OpportunitiesByIDs(ctx, slices.Compact(oppIDs))
	if err != nil {
		return nil, err
	}
	out := make(map[string]notify.ShiftInfo, len(shifts))
	for id, sh := range shifts {
		if o, ok := opps[sh.OpportunityID]; ok {
			out[id] = notify.ShiftInfo{Shift: sh.shift(), Opportunity: o}
		}
	}
	return out, nil
}

// OpportunitiesByIDs returns the opportunities among ids.
func (r *Opportunities) OpportunitiesByIDs(ctx context.Context, ids []string) (map[string]opportunity.Opportunity, error) {
	docs, err := lookupMany(ctx, r.s, collOpportunities, ids, func(d *opportunityDoc) string { return d.ID }, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]opportunity.Opportunity, len(docs))
	for id, d := range docs {
		out[id] = d.opportunity()
	}
	return out, nil
}

// EventsAfter lists events of the kinds with IDs after afterID, in ID order.
func (r *Events) EventsAfter(ctx context.Context, afterID string, kinds []engagement.Kind) ([]notify.LoggedEvent, error) {
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		ks[i] = string(k)
	}
	docs, err := findAll[eventDoc](ctx, r.s, collEvents, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}},
		{Key: "kind", Value: bson.D{{Key: "$in", Value: ks}}}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]notify.LoggedEvent, len(docs))
	for i, d := range docs {
		out[i] = notify.LoggedEvent{ID: d.ID, Event: engagement.Event{Kind: engagement.Kind(d.Kind), At: d.At, UserID: d.UserID,
			ActorID: d.ActorID, OrganisationID: d.OrganisationID, OpportunityID: d.OpportunityID, ShiftID: d.ShiftID,
			SignupID: d.SignupID, Hours: d.Hours}}
	}
	return out, nil
}
