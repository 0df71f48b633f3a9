package notify

import (
	"cmp"
	"context"
	"encoding/base64"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Notification is an in-app message as its recipient sees it.
type Notification struct {
	ID        string
	UserID    string
	Kind      Kind
	Title     string
	Body      string
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

func notificationOf(m Message) Notification {
	return Notification{ID: m.ID, UserID: m.UserID, Kind: m.Kind, Title: m.Title, Body: m.Body, CreatedAt: m.CreatedAt, ReadAt: m.ReadAt}
}

// FeedEntry is one append to the feed of new in-app messages.
type FeedEntry struct {
	ID    string
	At    time.Time
	Items []Notification
}

// FeedStore is an append-only log of new in-app messages, through which every server process
// learns within a second about messages another process created.
type FeedStore interface {
	// AppendFeed stores an entry stamped with the store's clock.
	AppendFeed(ctx context.Context, items []Notification) error
	// FeedSince lists the entries stamped at or after t, oldest first.
	FeedSince(ctx context.Context, t time.Time) ([]FeedEntry, error)
	PruneFeed(ctx context.Context, before time.Time) (int64, error)
}

// Position is a place in a user's list: newest first, by creation time, then ID.
type Position struct {
	CreatedAt time.Time
	ID        string
}

// IsZero reports whether the position is the start of the list.
func (p Position) IsZero() bool { return p.ID == "" }

// Read marks one message read.
type Read struct {
	MessageID string
	UserID    string
	At        time.Time
}

// InboxStore reads in-app messages and stores read marks.
type InboxStore interface {
	// InAppOf lists a user's in-app messages, newest first, after the position (the start if
	// zero), at most limit.
	InAppOf(ctx context.Context, userID string, after Position, limit int, unreadOnly bool) ([]Notification, error)
	CountInApp(ctx context.Context, userID string, unreadOnly bool) (int, error)
	InAppByIDs(ctx context.Context, ids []string) (map[string]Notification, error)
	// AllInApp lists every in-app message with its read mark, to keep them in memory.
	AllInApp(ctx context.Context) ([]Notification, error)
	// InsertReads stores read marks and returns how many were new.
	InsertReads(ctx context.Context, reads []Read) (int, error)
}

// InboxConfig tunes an Inbox.
type InboxConfig struct {
	// Memory keeps every in-app message in memory, loaded at Start and kept current through
	// the feed. Use it when this process is the only server (the embedded store, where a
	// user's list would otherwise cost a scan of the outbox per request).
	Memory bool
	// Poll is how often the feed is read (default 500 ms).
	Poll time.Duration
}

// Inbox serves a user's in-app notifications: the list, read marks, and live updates.
type Inbox struct {
	store InboxStore
	feed  FeedStore
	cfg   InboxConfig
	log   *slog.Logger
	now   func() time.Time

	mu     sync.RWMutex
	byUser map[string][]*Notification // oldest first
	byID   map[string]*Notification
	subs   map[string]map[chan Notification]struct{}
	seen   map[string]time.Time // feed entries handled, by ID
}

// feedLookback is how far back each poll reads the feed, so that an entry stamped a little
// before it became visible is still seen.
const feedLookback = 15 * time.Second

// NewInbox returns an inbox; call Start before use.
func NewInbox(store InboxStore, feed FeedStore, cfg InboxConfig, log *slog.Logger) *Inbox {
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	return &Inbox{store: store, feed: feed, cfg: cfg, log: log, now: time.Now,
		byUser: map[string][]*Notification{}, byID: map[string]*Notification{},
		subs: map[string]map[chan Notification]struct{}{}, seen: map[string]time.Time{}}
}

// Start loads the messages (in memory mode) and follows the feed until ctx ends.
func (i *Inbox) Start(ctx context.Context) error {
	since := time.Now().Add(-feedLookback)
	if i.cfg.Memory {
		all, err := i.store.AllInApp(ctx)
		if err != nil {
			return errs.Wrap("notify: load notifications", err)
		}
		i.mu.Lock()
		for _, n := range all {
			i.add(n)
		}
		i.mu.Unlock()
	}
	go i.follow(ctx, since)
	return nil
}

// add keeps n in memory; the caller holds mu. It reports whether n was new.
func (i *Inbox) add(n Notification) bool {
	if !i.cfg.Memory {
		return true
	}
	if _, ok := i.byID[n.ID]; ok {
		return false
	}
	p := &n
	i.byID[n.ID] = p
	list := i.byUser[n.UserID]
	at, _ := slices.BinarySearchFunc(list, p, comparePos)
	i.byUser[n.UserID] = slices.Insert(list, at, p)
	return true
}

func comparePos(a, b *Notification) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

// follow polls the feed and hands new messages to subscribers.
func (i *Inbox) follow(ctx context.Context, since time.Time) {
	tick := time.NewTicker(i.cfg.Poll)
	defer tick.Stop()
	lastPrune := time.Now()
	for {
		started := time.Now()
		entries, err := i.feed.FeedSince(ctx, since)
		if err != nil && ctx.Err() == nil {
			i.log.WarnContext(ctx, "notify: read feed", "err", err)
		}
		if err == nil {
			i.handle(entries, since)
			since = started.Add(-feedLookback)
		}
		if started.Sub(lastPrune) > time.Minute {
			lastPrune = started
			if _, err := i.feed.PruneFeed(ctx, started.Add(-10*time.Minute)); err != nil && ctx.Err() == nil {
				i.log.WarnContext(ctx, "notify: prune feed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (i *Inbox) handle(entries []FeedEntry, since time.Time) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for id, at := range i.seen {
		if at.Before(since.Add(-time.Minute)) {
			delete(i.seen, id)
		}
	}
	for _, e := range entries {
		if _, ok := i.seen[e.ID]; ok {
			continue
		}
		i.seen[e.ID] = e.At
		for _, n := range e.Items {
			if !i.add(n) {
				continue
			}
			for ch := range i.subs[n.UserID] {
				select {
				case ch <- n:
				default:
					i.log.Warn("notify: subscriber too slow; notification not pushed", "user", n.UserID)
				}
			}
		}
	}
}

// Subscribe delivers the user's new in-app messages, from any process, within about a second
// of their creation, until cancel is called. Messages the subscriber is too slow to take are
// dropped from the channel (they stay in the list).
func (i *Inbox) Subscribe(userID string) (<-chan Notification, func()) {
	ch := make(chan Notification, 32)
	i.mu.Lock()
	if i.subs[userID] == nil {
		i.subs[userID] = map[chan Notification]struct{}{}
	}
	i.subs[userID][ch] = struct{}{}
	i.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			i.mu.Lock()
			delete(i.subs[userID], ch)
			if len(i.subs[userID]) == 0 {
				delete(i.subs, userID)
			}
			i.mu.Unlock()
		})
	}
}

// Page is one page of a user's notifications, newest first.
type Page struct {
	Items       []Notification
	EndCursor   string
	HasNextPage bool
	TotalCount  int
}

// MaxPage bounds a page.
const MaxPage = 100

// Cursor encodes the position after n.
func Cursor(n Notification) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(n.CreatedAt.UnixNano(), 10) + "|" + n.ID))
}

func parseCursor(s string) (Position, error) {
	if s == "" {
		return Position{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if at, id, ok := strings.Cut(string(b), "|"); ok && id != "" {
			if n, err := strconv.ParseInt(at, 10, 64); err == nil {
				return Position{CreatedAt: time.Unix(0, n), ID: id}, nil
			}
		}
	}
	return Position{}, errs.InvalidField("after", "not a cursor of this list")
}

// List returns a page of the user's notifications, newest first, after the cursor.
func (i *Inbox) List(ctx context.Context, userID string, first int, after string, unreadOnly bool) (Page, error) {
	if userID == "" {
		return Page{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	if first < 0 || first > MaxPage {
		return Page{}, errs.InvalidField("first", "give from 0 to %d", MaxPage)
	}
	if first == 0 {
		first = 20
	}
	pos, err := parseCursor(after)
	if err != nil {
		return Page{}, err
	}
	var items []Notification
	var total int
	if i.cfg.Memory {
		items, total = i.listMemory(userID, pos, first+1, unreadOnly)
	} else {
		if items, err = i.store.InAppOf(ctx, userID, pos, first+1, unreadOnly); err != nil {
			return Page{}, errs.Wrap("notify: list", err)
		}
		if total, err = i.store.CountInApp(ctx, userID, unreadOnly); err != nil {
			return Page{}, errs.Wrap("notify: count", err)
		}
	}
	p := Page{Items: items, TotalCount: total}
	if len(items) > first {
		p.Items, p.HasNextPage = items[:first], true
	}
	if len(p.Items) > 0 {
		p.EndCursor = Cursor(p.Items[len(p.Items)-1])
	}
	return p, nil
}

func (i *Inbox) listMemory(userID string, pos Position, limit int, unreadOnly bool) ([]Notification, int) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	list := i.byUser[userID]
	total := 0
	var out []Notification
	for k := len(list) - 1; k >= 0; k-- {
		n := list[k]
		if unreadOnly && !n.ReadAt.IsZero() {
			continue
		}
		total++
		if !pos.IsZero() && comparePos(n, &Notification{CreatedAt: pos.CreatedAt, ID: pos.ID}) >= 0 {
			continue
		}
		if len(out) < limit {
			out = append(out, *n)
		}
	}
	return out, total
}

// MarkRead marks the user's messages with the IDs read and returns how many were unread.
// IDs of other users' messages, and unknown IDs, are ignored.
func (i *Inbox) MarkRead(ctx context.Context, userID string, ids []string) (int, error) {
	if userID == "" {
		return 0, errs.E(errs.Unauthenticated, "sign in first")
	}
	if len(ids) > MaxPage {
		return 0, errs.InvalidField("ids", "mark at most %d at once", MaxPage)
	}
	now := i.now()
	var reads []Read
	if i.cfg.Memory {
		i.mu.RLock()
		for _, id := range ids {
			if n, ok := i.byID[id]; ok && n.UserID == userID && n.ReadAt.IsZero() {
				reads = append(reads, Read{MessageID: id, UserID: userID, At: now})
			}
		}
		i.mu.RUnlock()
	} else {
		found, err := i.store.InAppByIDs(ctx, ids)
		if err != nil {
			return 0, errs.Wrap("notify: mark read", err)
		}
		for _, id := range ids {
			if n, ok := found[id]; ok && n.UserID == userID && n.ReadAt.IsZero() {
				reads = append(reads, Read{MessageID: id, UserID: userID, At: now})
			}
		}
	}
	if len(reads) == 0 {
		return 0, nil
	}
	n, err := i.store.InsertReads(ctx, reads)
	if err != nil {
		return 0, errs.Wrap("notify: mark read", err)
	}
	if i.cfg.Memory {
		i.mu.Lock()
		for _, r := range reads {
			if m, ok := i.byID[r.MessageID]; ok && m.ReadAt.IsZero() {
				m.ReadAt = r.At
			}
		}
		i.mu.Unlock()
	}
	return n, nil
}
