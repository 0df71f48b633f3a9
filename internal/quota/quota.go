// Package quota limits how often one account may do an action: signing up, inviting,
// searching. It is a brake on abuse (a script signing one account up for every shift, a
// coordinator flooding volunteers with invitations, scraping through search), not on use:
// the limits sit well above what a person does by hand.
//
// The counts live in this process's memory. With several replicas an account gets the
// limit per replica, which still bounds a script; the per-address limit of the HTTP layer
// and the store's sign-in throttling come on top.
package quota

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Action is what is limited.
type Action string

const (
	SignUp Action = "signup"
	Invite Action = "invite"
	Search Action = "search"
)

// Rule is an action's limit: Burst at once, then one more every Every.
type Rule struct {
	Burst int
	Every time.Duration
}

// Defaults: a person signs up for a few shifts a week and searches a few times a minute; a
// coordinator invites a handful of volunteers per shift.
var Defaults = map[Action]Rule{
	SignUp: {Burst: 60, Every: 10 * time.Second},
	Invite: {Burst: 50, Every: 30 * time.Second},
	Search: {Burst: 120, Every: time.Second},
}

type bucket struct {
	*rate.Limiter
	seen time.Time
}

// Limits keeps one bucket per account and action.
type Limits struct {
	rules   map[Action]Rule
	mu      sync.Mutex
	buckets map[string]*bucket
	added   int
}

// New returns limits with the rules; an action without a rule is not limited, and nil rules
// limit nothing.
func New(rules map[Action]Rule) *Limits {
	return &Limits{rules: rules, buckets: map[string]*bucket{}}
}

// forgetAfter is how long an account's bucket stays after its last use; by then it is full.
const forgetAfter = time.Hour

// Allow takes one unit of the actor's allowance for the action, or refuses with RATE_LIMITED
// and the time after which it would pass. Anonymous callers are limited per address instead.
func (l *Limits) Allow(actor auth.Actor, a Action) error {
	if l == nil || !actor.Authenticated() {
		return nil
	}
	rule, ok := l.rules[a]
	if !ok {
		return nil
	}
	b := l.bucket(actor.UserID+"|"+string(a), rule)
	if b.Allow() {
		return nil
	}
	// A refusal takes nothing, so the wait is until the next unit comes in.
	wait := time.Duration((1 - b.Tokens()) * float64(rule.Every))
	return &errs.Error{Kind: errs.RateLimited, Msg: "you did this very often just now; try again later", RetryAfter: max(wait, time.Second)}
}

func (l *Limits) bucket(key string, rule Rule) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{Limiter: rate.NewLimiter(rate.Every(rule.Every), rule.Burst)}
		l.buckets[key] = b
		// Now and then, drop the buckets of accounts that have been quiet: they are full.
		if l.added++; l.added%1024 == 0 {
			for k, old := range l.buckets {
				if now.Sub(old.seen) > forgetAfter {
					delete(l.buckets, k)
				}
			}
		}
	}
	b.seen = now
	return b
}
