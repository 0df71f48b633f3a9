package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// DeliveryConfig tunes the delivery job.
type DeliveryConfig struct {
	// Owner names this process in attempt records.
	Owner string
	// Chunk is how many e-mails go over one SMTP connection (default 100).
	Chunk int
	// Parallel is how many connections send at once (default 4).
	Parallel int
	// MaxAttempts bounds retries of temporary failures (default 8).
	MaxAttempts int
	// Backoff is the wait after the first temporary failure; it doubles with every further
	// one, up to MaxBackoff (defaults 1 minute and 1 hour).
	Backoff, MaxBackoff time.Duration
	// SendingTimeout is how long an attempt may stay without outcome before it is taken for
	// interrupted (default 15 minutes). See Delivery.
	SendingTimeout time.Duration
	// AfterSend, if set, is called after a chunk went to the sender and before its outcome
	// is recorded; an error ends the run on the spot, as a crash would. For tests.
	AfterSend func(ctx context.Context, messageIDs []string) error
}

// Delivery is the job that sends queued e-mails.
//
// Each attempt is claimed by inserting its record (message ID and attempt number as _id)
// before the e-mail goes to SMTP; only the inserter sends it, so two workers, or a re-run,
// never send the same attempt twice. The outcome is then inserted under the same ID: SENT,
// FAILED (an SMTP 5xx, or MaxAttempts temporary failures, or expired), or PENDING with a new
// queue item for the next attempt (an SMTP 4xx or no connection, with exponential backoff,
// never into quiet hours).
//
// The rule for an attempt left without outcome (the process died after claiming it, maybe
// after sending): once it is older than SendingTimeout it is recorded as FAILED
// ("interrupted"), never sent again. The message may have been delivered, so sending again
// could deliver it twice, which this outbox promises never to do; receivers could drop a
// second copy by its Message-ID, which is derived from the message ID, but not every one
// does.
type Delivery struct {
	outbox Outbox
	users  Recipients
	prefs  PreferenceStore
	sender Sender
	cfg    DeliveryConfig
	log    *slog.Logger
	now    func() time.Time

	disabledOnce sync.Once
}

// NewDelivery returns the delivery job. A nil sender means e-mail is not configured: the
// job then leaves e-mails pending and says so once in the log.
func NewDelivery(outbox Outbox, users Recipients, prefs PreferenceStore, sender Sender, cfg DeliveryConfig, log *slog.Logger) *Delivery {
	if cfg.Chunk <= 0 {
		cfg.Chunk = 100
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Minute
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.SendingTimeout <= 0 {
		cfg.SendingTimeout = 15 * time.Minute
	}
	return &Delivery{outbox: outbox, users: users, prefs: prefs, sender: sender, cfg: cfg, log: log, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (d *Delivery) SetClock(now func() time.Time) { d.now = now }

// errStopped ends a run at the AfterSend hook.
var errStopped = errors.New("notify: delivery stopped by hook")

// Run sends the e-mails that are due and reports how many it sent.
func (d *Delivery) Run(ctx context.Context) (int64, error) {
	if d.sender == nil {
		d.disabledOnce.Do(func() {
			d.log.InfoContext(ctx, "e-mail is disabled (SMTP_URL is not set); e-mails stay pending")
		})
		return 0, nil
	}
	now := d.now()
	batches, err := d.outbox.Batches(ctx)
	if err != nil {
		return 0, errs.Wrap("notify: read queue", err)
	}
	var due []Item
	for _, b := range batches {
		for _, it := range b.Items {
			if !it.DueAt.After(now) {
				due = append(due, it)
			}
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	// One item per attempt, should the queue hold one twice (see Service.Enqueue).
	slices.SortFunc(due, func(a, b Item) int { return a.DueAt.Compare(b.DueAt) })
	seen := make(map[string]bool, len(due))
	due = slices.DeleteFunc(due, func(it Item) bool {
		if seen[it.ID()] {
			return true
		}
		seen[it.ID()] = true
		return false
	})

	var userIDs []string
	for _, it := range due {
		userIDs = append(userIDs, it.Message.UserID)
	}
	slices.Sort(userIDs)
	users, err := d.users.Recipients(ctx, slices.Compact(userIDs))
	if err != nil {
		return 0, errs.Wrap("notify: recipients", err)
	}

	r := &round{d: d, now: now, users: users, done: map[string]bool{}, next: map[string][]Item{}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.cfg.Parallel)
	for chunk := range slices.Chunk(due, d.cfg.Chunk) {
		g.Go(func() error { return r.deliver(gctx, chunk) })
	}
	if err := g.Wait(); err != nil {
		return r.sent.Load(), err
	}
	if err := r.settle(ctx); err != nil {
		return r.sent.Load(), err
	}
	// Replace each batch that changed by one holding what is left of it.
	wctx := context.WithoutCancel(ctx)
	for _, b := range batches {
		var left []Item
		changed := false
		for _, it := range b.Items {
			if r.done[it.ID()] {
				changed = true
				left = append(left, r.next[it.ID()]...)
				continue
			}
			left = append(left, it)
		}
		if !changed {
			continue
		}
		if len(left) > 0 {
			if err := d.outbox.InsertBatch(wctx, left); err != nil {
				return r.sent.Load(), errs.Wrap("notify: requeue", err)
			}
		}
		if err := d.outbox.DeleteBatch(wctx, b.ID); err != nil {
			return r.sent.Load(), errs.Wrap("notify: dequeue", err)
		}
	}
	return r.sent.Load(), nil
}

// round is the state of one run.
type round struct {
	d     *Delivery
	now   time.Time
	users map[string]Recipient
	sent  atomic.Int64

	mu sync.Mutex
	// done holds the attempt IDs whose outcome is recorded (by this run or before), and
	// next the items that follow them (the next attempt after a temporary failure).
	done map[string]bool
	next map[string][]Item
	// claimed holds items whose attempt another worker claimed first.
	claimed []Item
}

// deliver claims, sends and records one chunk.
func (r *round) deliver(ctx context.Context, chunk []Item) error {
	d := r.d
	if ctx.Err() != nil {
		return nil // leave the rest for the next run
	}
	attempts := make([]Attempt, len(chunk))
	started := d.now()
	for i, it := range chunk {
		attempts[i] = Attempt{ID: it.ID(), MessageID: it.Message.ID, N: it.Attempt, Owner: d.cfg.Owner, StartedAt: started}
	}
	wonIDs, err := d.outbox.InsertAttempts(ctx, attempts)
	if err != nil {
		return errs.Wrap("notify: claim attempts", err)
	}
	won := make(map[string]bool, len(wonIDs))
	for _, id := range wonIDs {
		won[id] = true
	}
	var results []Result
	var sending []Item
	var emails []Mail
	for _, it := range chunk {
		if !won[it.ID()] {
			r.mu.Lock()
			r.claimed = append(r.claimed, it)
			r.mu.Unlock()
			continue
		}
		u, ok := r.users[it.Message.UserID]
		switch {
		case !it.Message.ExpiresAt.IsZero() && !r.now.Before(it.Message.ExpiresAt):
			results = append(results, r.result(it, Failed, "expired before it could be sent"))
		case !ok || u.Email == "":
			results = append(results, r.result(it, Failed, "the recipient has no e-mail address"))
		default:
			sending = append(sending, it)
			emails = append(emails, Mail{MessageID: it.Message.ID, To: u.Email, Name: u.Name, Locale: it.Message.Locale,
				Subject: it.Message.Title, Body: it.Message.Body})
		}
	}
	if len(emails) > 0 {
		sendCtx, cancel := context.WithTimeout(ctx, d.cfg.SendingTimeout/3)
		outcomes := d.sender.Send(sendCtx, emails)
		cancel()
		if d.cfg.AfterSend != nil {
			ids := make([]string, len(sending))
			for i, it := range sending {
				ids[i] = it.Message.ID
			}
			if err := d.cfg.AfterSend(ctx, ids); err != nil {
				return fmt.Errorf("%w: %w", errStopped, err)
			}
		}
		var temporary []Item
		var temporaryErrs []error
		for i, it := range sending {
			var err error
			if i < len(outcomes) {
				err = outcomes[i]
			}
			if err == nil {
				r.sent.Add(1)
				results = append(results, r.result(it, Sent, ""))
				continue
			}
			if again, _ := classify(err); again {
				temporary = append(temporary, it)
				temporaryErrs = append(temporaryErrs, err)
				continue
			}
			results = append(results, r.result(it, Failed, err.Error()))
		}
		more, err := r.retry(ctx, temporary, temporaryErrs)
		if err != nil {
			return err
		}
		results = append(results, more...)
	}
	// Recorded even when the run is being cancelled: the e-mails went out.
	if err := d.outbox.InsertResults(context.WithoutCancel(ctx), results); err != nil {
		return errs.Wrap("notify: record results", err)
	}
	r.mu.Lock()
	for _, res := range results {
		r.done[res.ID] = true // a retry follows through r.next
	}
	r.mu.Unlock()
	return nil
}

func (r *round) result(it Item, st Status, msg string) Result {
	return Result{ID: it.ID(), MessageID: it.Message.ID, N: it.Attempt, Status: st, At: r.d.now(), Error: msg}
}

// retry decides what follows temporary failures: a next attempt after a backoff that doubles
// with every attempt and never ends in the recipient's quiet hours, or failure when attempts
// or time run out. It returns the results of the failed attempts and notes the next ones.
func (r *round) retry(ctx context.Context, items []Item, causes []error) ([]Result, error) {
	if len(items) == 0 {
		return nil, nil
	}
	d := r.d
	var userIDs []string
	for _, it := range items {
		userIDs = append(userIDs, it.Message.UserID)
	}
	slices.Sort(userIDs)
	prefs, err := d.prefs.Preferences(context.WithoutCancel(ctx), slices.Compact(userIDs))
	if err != nil {
		return nil, errs.Wrap("notify: preferences", err)
	}
	results := make([]Result, 0, len(items))
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, it := range items {
		cause := "temporary failure"
		if i < len(causes) && causes[i] != nil {
			cause = causes[i].Error()
		}
		if it.Attempt >= d.cfg.MaxAttempts {
			results = append(results, r.result(it, Failed, fmt.Sprintf("gave up after %d attempts: %s", it.Attempt, cause)))
			continue
		}
		p, ok := prefs[it.Message.UserID]
		if !ok {
			p = DefaultPreferences(it.Message.UserID)
		}
		wait := d.cfg.Backoff << (it.Attempt - 1)
		if wait > d.cfg.MaxBackoff || wait <= 0 {
			wait = d.cfg.MaxBackoff
		}
		at, ok := p.SendAt(r.now.Add(wait), r.now, it.Message.ExpiresAt, false)
		if !ok {
			results = append(results, r.result(it, Failed, "no time left to try again: "+cause))
			continue
		}
		results = append(results, r.result(it, Pending, cause))
		next := it
		next.Attempt, next.DueAt = it.Attempt+1, at
		next.Message.Attempts = it.Attempt
		r.next[it.ID()] = append(r.next[it.ID()], next)
	}
	return results, nil
}

// settle decides about items another worker claimed first. Such an item is finished (for
// example queued again by Service.Enqueue after its delivery), in flight, or interrupted:
// finished ones leave the queue, one whose attempt is older than SendingTimeout is recorded
// as interrupted, the others wait.
func (r *round) settle(ctx context.Context) error {
	d := r.d
	ctx = context.WithoutCancel(ctx)
	if len(r.claimed) == 0 {
		return nil
	}
	ids := make([]string, len(r.claimed))
	for i, it := range r.claimed {
		ids[i] = it.ID()
	}
	results, err := d.outbox.Results(ctx, ids)
	if err != nil {
		return errs.Wrap("notify: read results", err)
	}
	var open []Item
	var again []Item
	for _, it := range r.claimed {
		res, ok := results[it.ID()]
		switch {
		case ok:
			r.done[it.ID()] = true
			if res.Status == Pending {
				// Its worker may have stopped before queueing the next attempt; queueing it
				// twice is harmless, as its claim decides.
				again = append(again, it)
			}
		case r.now.Sub(it.DueAt) >= d.cfg.SendingTimeout || r.now.Sub(it.Message.CreatedAt) >= d.cfg.SendingTimeout:
			open = append(open, it)
		}
	}
	if len(open) > 0 {
		ids = ids[:0]
		for _, it := range open {
			ids = append(ids, it.ID())
		}
		attempts, err := d.outbox.Attempts(ctx, ids)
		if err != nil {
			return errs.Wrap("notify: read attempts", err)
		}
		var interrupted []Result
		for _, it := range open {
			if a, ok := attempts[it.ID()]; ok && r.now.Sub(a.StartedAt) < d.cfg.SendingTimeout {
				continue // in flight
			}
			interrupted = append(interrupted, r.result(it, Failed, "interrupted while sending; not sent again"))
			r.done[it.ID()] = true
		}
		if err := d.outbox.InsertResults(ctx, interrupted); err != nil {
			return errs.Wrap("notify: record interrupted attempts", err)
		}
	}
	if len(again) > 0 {
		// The failed attempt's result stands; only its follow-up is needed.
		if _, err := r.retry(ctx, again, nil); err != nil {
			return err
		}
	}
	return nil
}
