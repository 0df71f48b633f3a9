package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Service creates messages: it resolves each recipient's language, channels and quiet hours
// and writes the outbox.
type Service struct {
	outbox Outbox
	prefs  PreferenceStore
	users  Recipients
	feed   FeedStore
	log    *slog.Logger
	now    func() time.Time
}

// Retention is how long delivered and failed messages are kept.
const Retention = 90 * 24 * time.Hour

// maxEmailAge bounds how long an e-mail without a deadline may wait for delivery (for
// example while SMTP is not configured); after it, it fails as expired.
const maxEmailAge = 7 * 24 * time.Hour

// NewService returns the notification service.
func NewService(outbox Outbox, prefs PreferenceStore, users Recipients, feed FeedStore, log *slog.Logger) *Service {
	return &Service{outbox: outbox, prefs: prefs, users: users, feed: feed, log: log, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Request asks for one notification to one user, on every channel the user wants.
type Request struct {
	// Key is the idempotency key: a second request with the same key creates nothing.
	Key    string
	UserID string
	Kind   Kind
	Data   Data
	// Due is when the notification should go out; zero means now.
	Due time.Time
	// Deadline is when it stops being worth sending; zero means never.
	Deadline time.Time
	// Reminder: when Due falls into quiet hours, send it before they begin rather than after.
	Reminder  bool
	Sensitive bool
	// WhenDue creates the messages only shortly before their time (createAhead), so that what
	// they say is still true when they go out; the caller asks again later.
	WhenDue bool
}

// Outcome says what Enqueue did with a request.
type Outcome int

const (
	// Created: at least one message was stored.
	Created Outcome = iota
	// Existed: every message of the key was stored before.
	Existed
	// Later: not due yet (WhenDue); ask again.
	Later
	// Skipped: no message will ever be sent for it (unknown user, no channel, no humane
	// time before the deadline).
	Skipped
)

// Enqueue stores the messages for the requests and reports per request what it did. It is
// idempotent: requests are keyed, and a key that exists is left as it is. E-mails are queued
// for delivery at their send time; in-app messages are delivered by being stored.
func (s *Service) Enqueue(ctx context.Context, reqs []Request) ([]Outcome, error) {
	out := make([]Outcome, len(reqs))
	if len(reqs) == 0 {
		return out, nil
	}
	now := s.now()
	var ids []string
	for _, r := range reqs {
		ids = append(ids, r.UserID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	users, err := s.users.Recipients(ctx, ids)
	if err != nil {
		return nil, errs.Wrap("notify: recipients", err)
	}
	prefs, err := s.preferences(ctx, ids)
	if err != nil {
		return nil, err
	}

	var msgs []Message
	var items []Item
	owner := make(map[string]int, len(reqs)) // message ID → request index
	for i, r := range reqs {
		u, ok := users[r.UserID]
		p := prefs[r.UserID]
		channels := p.Channels()
		if !ok || len(channels) == 0 {
			out[i] = Skipped
			continue
		}
		due := r.Due
		if due.IsZero() {
			due = now
		}
		at, ok := p.SendAt(due, now, r.Deadline, r.Reminder)
		switch {
		case !ok:
			out[i] = Skipped
			continue
		case r.WhenDue && at.After(now.Add(createAhead)):
			out[i] = Later
			continue
		}
		d := r.Data
		d.Name = u.Name
		title, body, err := Render(r.Kind, u.Locale, d)
		if err != nil {
			return nil, err
		}
		out[i] = Existed
		for _, ch := range channels {
			m := Message{ID: MessageID(r.Key, ch), Key: r.Key, UserID: r.UserID, Channel: ch, Kind: r.Kind,
				Locale: localeOf(u.Locale), Title: title, Body: body, Sensitive: r.Sensitive, CreatedAt: now, ExpiresAt: r.Deadline}
			switch ch {
			case InApp:
				m.Status, m.SentAt = Sent, now
			case Email:
				if r.Sensitive {
					m.Title, m.Body = Neutral(u.Locale)
				}
				if m.ExpiresAt.IsZero() {
					m.ExpiresAt = now.Add(maxEmailAge)
				}
				m.Status, m.NextAttemptAt = Pending, at
				items = append(items, Item{Message: m, Attempt: 1, DueAt: at})
			}
			owner[m.ID] = i
			msgs = append(msgs, m)
		}
	}
	// The queue first: should the process stop between the two writes, the e-mail is still
	// delivered. Queueing a message that exists already is harmless, because its first
	// attempt is claimed already.
	for chunk := range slices.Chunk(items, maxBatchItems) {
		if err := s.outbox.InsertBatch(ctx, chunk); err != nil {
			return nil, errs.Wrap("notify: queue", err)
		}
	}
	inserted, err := s.outbox.InsertMessages(ctx, msgs)
	if err != nil {
		return nil, errs.Wrap("notify: store messages", err)
	}
	byID := make(map[string]Message, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	var fresh []Notification
	for _, id := range inserted {
		out[owner[id]] = Created
		if m := byID[id]; m.Channel == InApp {
			fresh = append(fresh, notificationOf(m))
		}
	}
	// The feed lets servers push new in-app messages to connected clients; a message that
	// misses it (the process stopped just before) is still listed.
	for chunk := range slices.Chunk(fresh, maxFeedItems) {
		if err := s.feed.AppendFeed(ctx, chunk); err != nil {
			s.log.WarnContext(ctx, "notify: feed append failed; clients see the messages on their next list", "err", err)
		}
	}
	return out, nil
}

// createAhead is how long before its time a WhenDue message is created. The reminder job runs
// every minute and delivery every 10 seconds; created a little early and queued for its time,
// a reminder due at 20:59 goes out by 20:59:10, not after 21:00.
const createAhead = 70 * time.Second

// Limits of one document, well below MongoDB's 16 MB.
const (
	maxBatchItems = 1000
	maxFeedItems  = 2000
)

// Prune deletes messages older than Retention with their delivery records, and the feed of
// live updates older than an hour. Pending e-mails are never that old: they expire first.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := s.outbox.Prune(ctx, now.Add(-Retention))
	if err != nil {
		return n, errs.Wrap("notify: prune outbox", err)
	}
	m, err := s.feed.PruneFeed(ctx, now.Add(-time.Hour))
	if err != nil {
		return n, errs.Wrap("notify: prune feed", err)
	}
	return n + m, nil
}

// Message returns one message with its delivery status, for operators and tests.
func (s *Service) Message(ctx context.Context, id string) (Message, error) {
	m, err := s.outbox.Message(ctx, id)
	if err != nil {
		return Message{}, fmt.Errorf("notify: message %s: %w", id, err)
	}
	return m, nil
}

// enqueueRemembering stores the requests and notes in handled, under mu, each key that needs
// no more work until until(i): every one but those not due yet. A reminder job then does not
// ask the store about those keys again on its next runs. It returns how many were created.
func (s *Service) enqueueRemembering(ctx context.Context, reqs []Request, mu *sync.Mutex, handled map[string]time.Time,
	until func(i int) time.Time) (int64, error) {
	outcomes, err := s.Enqueue(ctx, reqs)
	if err != nil {
		return 0, err
	}
	mu.Lock()
	defer mu.Unlock()
	for i, o := range outcomes {
		if o != Later {
			handled[reqs[i].Key] = until(i)
		}
	}
	return countCreated(outcomes), nil
}

// countCreated counts the requests that created messages.
func countCreated(outcomes []Outcome) int64 {
	var n int64
	for _, o := range outcomes {
		if o == Created {
			n++
		}
	}
	return n
}
