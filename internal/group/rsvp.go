package group

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// ledger is a meeting's current RSVPs, decided on like a shift's places (internal/signup):
// places are numbered within the capacity and each number is a unique key in the store, so no
// interleaving of writers can give out more places than there are.
type ledger []RSVP

func (l ledger) attending() int {
	n := 0
	for _, r := range l {
		if r.Status == Attending {
			n++
		}
	}
	return n
}

func (l ledger) of(membershipID string) (RSVP, bool) {
	for _, r := range l {
		if r.MembershipID == membershipID && r.Status.Current() {
			return r, true
		}
	}
	return RSVP{}, false
}

// freeSeat returns the lowest place in 1..capacity nobody holds, or 0.
func (l ledger) freeSeat(capacity int) int {
	if l.attending() >= capacity {
		return 0
	}
	for seat := 1; seat <= capacity; seat++ {
		if !slices.ContainsFunc(l, func(r RSVP) bool { return r.Status == Attending && r.Seat == seat }) {
			return seat
		}
	}
	return 0
}

func (l ledger) waitlist() []RSVP {
	var w []RSVP
	for _, r := range l {
		if r.Status == Waitlisted {
			w = append(w, r)
		}
	}
	slices.SortFunc(w, func(a, b RSVP) int { return a.WaitRank - b.WaitRank })
	return w
}

func (l ledger) nextRank() int {
	n := 0
	for _, r := range l {
		n = max(n, r.WaitRank)
	}
	return n + 1
}

func (l ledger) position(id string) int {
	for i, r := range l.waitlist() {
		if r.ID == id {
			return i + 1
		}
	}
	return 0
}

// maxAttempts bounds retries when another process took the place this one chose.
const maxAttempts = 12

var errFull = errs.E(errs.Conflict, "this meeting is full")

// RSVP answers for the actor whether they will come to a meeting of their group. Attending
// takes a free place, else a place on the waitlist if the meeting has one, else fails as
// full; not attending gives the place to the first on the waitlist. Saying the same twice
// changes nothing.
func (s *Service) RSVP(ctx context.Context, actor auth.Actor, meetingID string, attending bool) (MeetingView, error) {
	if !actor.Authenticated() {
		return MeetingView{}, errSignIn
	}
	m, v, err := s.meetingFor(ctx, actor, meetingID)
	if err != nil {
		return MeetingView{}, err
	}
	if !v.Member() {
		return MeetingView{}, errs.E(errs.Forbidden, "only members of the group can answer for its meetings")
	}
	switch {
	case m.Status == Cancelled:
		return MeetingView{}, errs.E(errs.Conflict, "this meeting is cancelled")
	case !m.StartsAt.After(s.now()):
		return MeetingView{}, errs.E(errs.Conflict, "this meeting has begun")
	}
	if attending {
		err = s.attend(ctx, v, m)
	} else {
		err = s.withdraw(ctx, m, v.Mine.ID)
	}
	if err != nil {
		return MeetingView{}, err
	}
	return s.meetingView(ctx, v, m)
}

func (s *Service) attend(ctx context.Context, v View, m Meeting) error {
	for attempt := 0; ; attempt++ {
		r, created, err := s.tryAttend(ctx, v, m)
		if err == nil {
			if created {
				s.record(ctx, v.Group, engagement.Event{Kind: engagement.MeetingRSVP, UserID: r.UserID, MeetingID: m.ID})
			}
			return nil
		}
		if !errors.Is(err, errs.ErrDuplicate) {
			return err
		}
		if attempt+1 == maxAttempts {
			return errs.E(errs.Conflict, "many people are answering for this meeting right now; please try again")
		}
		// Another process took the place or rank: look again after a pause.
		time.Sleep(time.Duration(rand.Int64N(int64(time.Duration(attempt+1) * 5 * time.Millisecond))))
	}
}

// tryAttend makes one attempt under the meeting's lock.
func (s *Service) tryAttend(ctx context.Context, v View, m Meeting) (RSVP, bool, error) {
	unlock := s.meetingLocks.Lock(m.ID)
	defer unlock()
	rsvps, err := s.repo.RSVPsOf(ctx, m.ID)
	if err != nil {
		return RSVP{}, false, errs.Wrap("group: rsvps", err)
	}
	l := ledger(rsvps)
	if r, ok := l.of(v.Mine.ID); ok {
		return r, false, nil
	}
	now := s.now()
	r := RSVP{ID: s.repo.NewID(), MeetingID: m.ID, GroupID: m.GroupID, MembershipID: v.Mine.ID, UserID: v.Mine.UserID,
		CreatedAt: now, UpdatedAt: now}
	// A free place goes to the waitlist first.
	if seat := l.freeSeat(m.Capacity); seat > 0 && len(l.waitlist()) == 0 {
		r.Status, r.Seat = Attending, seat
	} else if m.Waitlist {
		r.Status, r.WaitRank = Waitlisted, l.nextRank()
	} else {
		return RSVP{}, false, errFull
	}
	if err := s.repo.InsertRSVP(ctx, r); err != nil {
		if errors.Is(err, errs.ErrDuplicate) {
			return RSVP{}, false, err
		}
		return RSVP{}, false, errs.Wrap("group: insert rsvp", err)
	}
	return r, true, nil
}

// withdraw ends the membership's RSVP for the meeting, if any, and moves the waitlist up.
func (s *Service) withdraw(ctx context.Context, m Meeting, membershipID string) error {
	unlock := s.meetingLocks.Lock(m.ID)
	defer unlock()
	rsvps, err := s.repo.RSVPsOf(ctx, m.ID)
	if err != nil {
		return errs.Wrap("group: rsvps", err)
	}
	r, ok := ledger(rsvps).of(membershipID)
	if !ok {
		return nil
	}
	if _, err := s.repo.UpdateRSVP(ctx, r.ID, func(r *RSVP) error {
		r.Status, r.Seat, r.WaitRank, r.UpdatedAt = Withdrawn, 0, 0, s.now()
		return nil
	}); err != nil {
		return errs.Wrap("group: withdraw rsvp", err)
	}
	return s.promote(ctx, m)
}

// promote gives free places to the waitlist, first come first served. Call with the
// meeting's lock held.
func (s *Service) promote(ctx context.Context, m Meeting) error {
	for range maxAttempts {
		rsvps, err := s.repo.RSVPsOf(ctx, m.ID)
		if err != nil {
			return errs.Wrap("group: rsvps", err)
		}
		l := ledger(rsvps)
		w := l.waitlist()
		seat := l.freeSeat(m.Capacity)
		if len(w) == 0 || seat == 0 {
			return nil
		}
		r, err := s.repo.UpdateRSVP(ctx, w[0].ID, func(r *RSVP) error {
			if r.Status != Waitlisted {
				return errs.ErrDuplicate // moved on meanwhile: look again
			}
			r.Status, r.Seat, r.WaitRank, r.UpdatedAt = Attending, seat, 0, s.now()
			return nil
		})
		if err != nil && !errors.Is(err, errs.ErrDuplicate) {
			return errs.Wrap("group: promote", err)
		}
		if err == nil {
			s.noticePromoted(ctx, m, r.UserID)
		}
	}
	return nil
}
