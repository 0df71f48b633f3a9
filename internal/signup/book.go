package signup

import (
	"slices"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// entry is what the book knows of one signup.
type entry struct {
	SignupID      string
	ShiftID       string
	OpportunityID string
	UserID        string
	Status        Status
	Seat          int
	WaitRank      int
	Start, End    time.Time
	// AllowOverlap exempts the signup from overlap checks, in both directions.
	AllowOverlap bool
}

func entryOf(s Signup) entry {
	return entry{SignupID: s.ID, ShiftID: s.ShiftID, OpportunityID: s.OpportunityID, UserID: s.UserID, Status: s.Status, Seat: s.Seat,
		WaitRank: s.WaitRank, Start: s.ShiftStart, End: s.ShiftEnd, AllowOverlap: s.AllowOverlap}
}

func (e entry) kept() bool { return e.Status.Active() || e.Status.HoldsPlace() }

// ledger is one shift's places and waitlist.
type ledger struct {
	entries map[string]entry // by signup ID
}

// book is the in-memory view of current signups that decisions are made against. Every
// method is called with mu held.
type book struct {
	mu     sync.Mutex
	shifts map[string]*ledger
	users  map[string]map[string]entry // user → signup ID → entry
	// complete is set when the book was preloaded on a store only this process writes: then
	// a shift ending after completeFrom that is not in the book has no signups, and a user's
	// entries are all there.
	complete     bool
	completeFrom time.Time
	// stale shifts must be reloaded before the next decision, complete or not.
	stale map[string]bool
}

func newBook() *book {
	return &book{shifts: map[string]*ledger{}, users: map[string]map[string]entry{}, stale: map[string]bool{}}
}

// knows reports whether the book can answer for the shift without loading it.
func (b *book) knows(shiftID string, shiftEnd time.Time) bool {
	if b.stale[shiftID] {
		return false
	}
	if _, ok := b.shifts[shiftID]; ok {
		return true
	}
	return b.complete && !shiftEnd.Before(b.completeFrom)
}

func (b *book) ledger(shiftID string) *ledger {
	l := b.shifts[shiftID]
	if l == nil {
		l = &ledger{entries: map[string]entry{}}
		b.shifts[shiftID] = l
	}
	return l
}

// install replaces what the book knows of a shift with the loaded signups.
func (b *book) installShift(shiftID string, signups []Signup) {
	delete(b.stale, shiftID)
	if old := b.shifts[shiftID]; old != nil {
		for id, e := range old.entries {
			delete(b.users[e.UserID], id)
		}
	}
	b.shifts[shiftID] = &ledger{entries: map[string]entry{}}
	for _, s := range signups {
		b.put(entryOf(s))
	}
}

// forget drops a shift, which must then be reloaded.
func (b *book) forget(shiftID string) {
	if l := b.shifts[shiftID]; l != nil {
		for id, e := range l.entries {
			delete(b.users[e.UserID], id)
		}
		delete(b.shifts, shiftID)
	}
	b.stale[shiftID] = true
}

// installUser replaces what the book knows of a user's current signups.
func (b *book) installUser(userID string, signups []Signup) {
	for id, e := range b.users[userID] {
		if l := b.shifts[e.ShiftID]; l != nil {
			delete(l.entries, id)
		}
	}
	delete(b.users, userID)
	for _, s := range signups {
		b.put(entryOf(s))
	}
}

// put records e, or forgets it when it no longer counts. It returns what was there before.
func (b *book) put(e entry) (prev entry, had bool) {
	l := b.ledger(e.ShiftID)
	prev, had = l.entries[e.SignupID]
	if !e.kept() {
		delete(l.entries, e.SignupID)
		delete(b.users[e.UserID], e.SignupID)
		return prev, had
	}
	l.entries[e.SignupID] = e
	if b.users[e.UserID] == nil {
		b.users[e.UserID] = map[string]entry{}
	}
	b.users[e.UserID][e.SignupID] = e
	return prev, had
}

// undo restores the state before a put of signupID on shiftID.
func (b *book) undo(shiftID, signupID, userID string, prev entry, had bool) {
	if had {
		b.put(prev)
		return
	}
	delete(b.ledger(shiftID).entries, signupID)
	delete(b.users[userID], signupID)
}

// activeOf returns the user's active signup for the shift, if any.
func (b *book) activeOf(shiftID, userID string) (entry, bool) {
	for _, e := range b.users[userID] {
		if e.ShiftID == shiftID && e.Status.Active() {
			return e, true
		}
	}
	return entry{}, false
}

// overlapping returns a confirmed signup of the user whose shift overlaps [start, end).
func (b *book) overlapping(userID, exceptShift string, start, end time.Time) (entry, bool) {
	if start.IsZero() {
		return entry{}, false
	}
	for _, e := range b.users[userID] {
		if e.ShiftID == exceptShift || e.Status != Confirmed || e.AllowOverlap || e.Start.IsZero() {
			continue
		}
		if e.Start.Before(end) && start.Before(e.End) {
			return e, true
		}
	}
	return entry{}, false
}

// firstEligible returns the first waitlisted signup that a place on sh would not make
// overlap another confirmed shift of the same volunteer, or nil.
func (b *book) firstEligible(l *ledger, sh opportunity.Shift) *entry {
	for _, w := range l.waitlist() {
		if _, clash := b.overlapping(w.UserID, sh.ID, sh.StartsAt, sh.EndsAt); !clash || w.AllowOverlap {
			return &w
		}
	}
	return nil
}

// freeSeat returns the lowest free place in 1..capacity, or 0 when the shift is full. Places
// are numbered within the capacity so that the store's unique key on (shift, place) bounds
// the count on its own.
func (l *ledger) freeSeat(capacity int) int {
	if l.placesTaken() >= capacity {
		return 0
	}
	return l.lowestFree(capacity)
}

// lowestFree returns the lowest place number in 1..capacity nobody holds, or 0.
func (l *ledger) lowestFree(capacity int) int {
	taken := make(map[int]bool, len(l.entries))
	for _, e := range l.entries {
		if e.Seat > 0 {
			taken[e.Seat] = true
		}
	}
	for seat := 1; seat <= capacity; seat++ {
		if !taken[seat] {
			return seat
		}
	}
	return 0
}

func (l *ledger) placesTaken() int {
	n := 0
	for _, e := range l.entries {
		if e.Seat > 0 {
			n++
		}
	}
	return n
}

// waitlist returns the waitlisted entries in order.
func (l *ledger) waitlist() []entry {
	var w []entry
	for _, e := range l.entries {
		if e.Status == Waitlisted {
			w = append(w, e)
		}
	}
	slices.SortFunc(w, func(a, b entry) int { return a.WaitRank - b.WaitRank })
	return w
}

func (l *ledger) nextRank() int {
	r := 0
	for _, e := range l.entries {
		r = max(r, e.WaitRank)
	}
	return r + 1
}

// position is a waitlisted signup's place in the queue, from 1: one more than the number
// waiting ahead of it. It runs for every waitlisted signup shown, so it counts rather than
// sorts.
func (l *ledger) position(signupID string) int {
	me, ok := l.entries[signupID]
	if !ok || me.Status != Waitlisted {
		return 0
	}
	ahead := 0
	for _, e := range l.entries {
		if e.Status == Waitlisted && e.WaitRank < me.WaitRank {
			ahead++
		}
	}
	return ahead + 1
}
