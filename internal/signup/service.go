package signup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/keylock"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/quota"
)

// Opportunities is what the signup service needs to know about shifts and who runs them.
type Opportunities interface {
	Shift(ctx context.Context, actor auth.Actor, id string) (opportunity.Shift, opportunity.Opportunity, error)
	IsStaff(ctx context.Context, actor auth.Actor, orgID string) bool
}

// Users finds a volunteer by e-mail when a coordinator signs them up.
type Users interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
}

// Events records what happened.
type Events interface {
	Record(ctx context.Context, events ...engagement.Event)
}

// Service signs volunteers up and keeps the places and waitlists of shifts.
type Service struct {
	// quota limits signups per account.
	quota  *quota.Limits
	repo   Repo
	opps   Opportunities
	users  Users
	events Events
	log    *slog.Logger
	now    func() time.Time

	// shiftLocks serialise the writes of one shift in this process.
	shiftLocks keylock.Map
	// volunteerLocks serialise the signups of one volunteer for one shift, so that a repeated
	// signUp waits for the first to be stored and then returns it.
	volunteerLocks keylock.Map
	book           *book
	// watcher is told when places on an opportunity's shifts change (the catalog).
	watcher opportunity.Watcher
	// admission keeps erased accounts out and checks ages (package privacy).
	admission Admission
	// quals refuses volunteers who lack a required module or credential (package training).
	quals Qualifications
	// exclusive is set when this process is the only writer of signups (the embedded store):
	// the book is then preloaded and trusted; otherwise it is refreshed from the store before
	// every decision and the store's unique keys settle races between processes.
	exclusive bool
}

// Config tunes the service.
type Config struct {
	// Exclusive: this process is the only one writing signups.
	Exclusive bool
}

// NewService returns a signup service. With cfg.Exclusive, call Preload before serving.
func NewService(repo Repo, opps Opportunities, users Users, events Events, log *slog.Logger, cfg Config) *Service {
	return &Service{repo: repo, opps: opps, users: users, events: events, log: log, now: time.Now,
		book: newBook(), exclusive: cfg.Exclusive}
}

// Watch registers the watcher of changes in places taken.
func (s *Service) Watch(w opportunity.Watcher) { s.watcher = w }

func (s *Service) placesChanged(ctx context.Context, opportunityID string) {
	if s.watcher != nil {
		s.watcher.Changed(ctx, opportunityID)
	}
}

// Preload reads every current signup of shifts that have not ended into the book.
func (s *Service) Preload(ctx context.Context) error {
	from := s.now()
	current, err := s.repo.Current(ctx, from, "", "")
	if err != nil {
		return errs.Wrap("signup: preload", err)
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	for _, su := range current {
		s.book.put(entryOf(su))
	}
	s.book.complete = s.exclusive
	s.book.completeFrom = from
	return nil
}

// ensure makes the book current for the shift (and the user, if given). Call with the shift's
// lock held, not the book's.
func (s *Service) ensure(ctx context.Context, sh opportunity.Shift, userID string) error {
	s.book.mu.Lock()
	known := s.book.knows(sh.ID, sh.Ends())
	s.book.mu.Unlock()
	if !known || !s.exclusive {
		list, err := s.repo.Current(ctx, time.Time{}, sh.ID, "")
		if err != nil {
			return errs.Wrap("signup: load shift", err)
		}
		s.book.mu.Lock()
		s.book.installShift(sh.ID, list)
		s.book.mu.Unlock()
	}
	if userID != "" {
		return s.refreshUser(ctx, userID, "signup: load volunteer")
	}
	return nil
}

// refreshUser reloads a volunteer's current signups into the book, unless this process is the
// only writer and the book is complete.
func (s *Service) refreshUser(ctx context.Context, userID, op string) error {
	if s.exclusive {
		return nil
	}
	list, err := s.repo.Current(ctx, s.now(), "", userID)
	if err != nil {
		return errs.Wrap(op, err)
	}
	s.book.mu.Lock()
	s.book.installUser(userID, list)
	s.book.mu.Unlock()
	return nil
}

// forget drops a shift from the book after a failed write, so the next decision reloads it.
func (s *Service) forget(shiftID string) {
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	s.book.forget(shiftID)
}

var errSignIn = errs.E(errs.Unauthenticated, "sign in first")

// maxAttempts bounds retries when another process took the place or rank this one chose.
const maxAttempts = 12

// SignUp signs the actor up for a shift. It returns the actor's existing active signup for the
// shift instead of a second one.
func (s *Service) SignUp(ctx context.Context, actor auth.Actor, shiftID string) (Signup, error) {
	if !actor.Authenticated() {
		return Signup{}, errSignIn
	}
	if err := s.quota.Allow(actor, quota.SignUp); err != nil {
		return Signup{}, err
	}
	sh, o, err := s.opps.Shift(ctx, actor, shiftID)
	if err != nil {
		return Signup{}, err
	}
	return s.signUp(ctx, sh, o, actor.UserID, actor.UserID, !o.RequiresApproval, false)
}

// SignUpVolunteer lets staff sign a registered person up, for example someone who called in
// without a smartphone. Staff decide, so no approval is needed; allowOverlap lets the signup
// overlap the person's other shifts.
func (s *Service) SignUpVolunteer(ctx context.Context, actor auth.Actor, shiftID, email string, allowOverlap bool) (Signup, error) {
	sh, o, err := s.staffShift(ctx, actor, shiftID)
	if err != nil {
		return Signup{}, err
	}
	userID, err := s.users.UserIDByEmail(ctx, email)
	if errors.Is(err, errs.ErrNotFound) {
		return Signup{}, &errs.Error{Kind: errs.NotFound, Field: "email", Msg: "no account uses this e-mail address"}
	}
	if err != nil {
		return Signup{}, errs.Wrap("signup: find volunteer", err)
	}
	return s.signUp(ctx, sh, o, userID, actor.UserID, true, allowOverlap)
}

func (s *Service) signUp(ctx context.Context, sh opportunity.Shift, o opportunity.Opportunity, userID, by string, decideNow, allowOverlap bool) (Signup, error) {
	if err := s.checkOpen(sh, o); err != nil {
		return Signup{}, err
	}
	if err := s.qualified(ctx, userID, sh, o); err != nil {
		return Signup{}, err
	}
	release, err := s.admit(ctx, userID, o)
	if err != nil {
		return Signup{}, err
	}
	defer release()
	unlock := s.volunteerLocks.Lock(sh.ID + "|" + userID)
	defer unlock()
	for attempt := 0; ; attempt++ {
		su, done, err := s.trySignUp(ctx, sh, o, userID, by, decideNow, allowOverlap)
		if done || !errors.Is(err, errs.ErrDuplicate) {
			if err == nil && su.Seat > 0 {
				// After the shift's lock is released: the watcher reads the places taken.
				s.placesChanged(ctx, su.OpportunityID)
			}
			return su, err
		}
		if attempt+1 == maxAttempts {
			s.log.WarnContext(ctx, "signup: gave up after repeated conflicts", "shift", sh.ID)
			return Signup{}, errs.E(errs.Conflict, "many people are signing up for this shift right now; please try again")
		}
		// Another process took the place, the rank, or signed this volunteer up: look again,
		// after a pause that spreads the contenders out.
		time.Sleep(time.Duration(rand.Int64N(int64(time.Duration(attempt+1) * 5 * time.Millisecond))))
	}
}

// trySignUp makes one attempt. done is false when the store refused a key, which means the
// book was out of date; the book is then reloaded on the next attempt.
func (s *Service) trySignUp(ctx context.Context, sh opportunity.Shift, o opportunity.Opportunity, userID, by string, decideNow, allowOverlap bool) (su Signup, done bool, err error) {
	// As the only writer, the shift's lock is held only while loading the book: the decision
	// is atomic under the book's mutex, and the insert runs unlocked, so that concurrent
	// signups overlap their round trips to the store. With other writers, the lock is held
	// throughout, so that this process's signups do not collide with each other.
	unlock := s.shiftLocks.Lock(sh.ID)
	if s.exclusive {
		err = s.ensure(ctx, sh, userID)
		unlock()
	} else {
		defer unlock()
		err = s.ensure(ctx, sh, userID)
	}
	if err != nil {
		return Signup{}, true, err
	}
	now := s.now()
	su = Signup{ID: s.repo.NewID(), ShiftID: sh.ID, OpportunityID: o.ID, OrganisationID: o.OrganisationID,
		UserID: userID, ShiftStart: sh.StartsAt, ShiftEnd: sh.Ends(), AllowOverlap: allowOverlap,
		CreatedBy: by, CreatedAt: now, UpdatedAt: now}

	s.book.mu.Lock()
	if existing, ok := s.book.activeOf(sh.ID, userID); ok {
		s.book.mu.Unlock()
		su, err := s.get(ctx, existing.SignupID)
		return su, true, err
	}
	if !decideNow {
		su.Status = PendingApproval
	} else if err := s.place(&su, sh); err != nil {
		s.book.mu.Unlock()
		return Signup{}, true, err
	}
	prev, had := s.book.put(entryOf(su))
	s.book.mu.Unlock()

	err = s.repo.Insert(ctx, su)
	if err == nil {
		s.recordSignup(ctx, su, by)
		return su, true, nil
	}
	s.book.mu.Lock()
	s.book.undo(su.ShiftID, su.ID, su.UserID, prev, had)
	s.book.forget(sh.ID)
	s.book.mu.Unlock()
	if su.Seat > 0 && s.exclusive {
		// Others may have been waitlisted behind the place this signup held for a moment.
		s.refill(ctx, sh)
	}
	if errors.Is(err, errs.ErrDuplicate) {
		return Signup{}, false, err
	}
	return Signup{}, true, errs.Wrap("signup: insert", err)
}

// refill gives free places to the waitlist under the shift's lock.
func (s *Service) refill(ctx context.Context, sh opportunity.Shift) {
	unlock := s.shiftLocks.Lock(sh.ID)
	defer unlock()
	if err := s.ensure(ctx, sh, ""); err != nil {
		s.log.ErrorContext(ctx, "signup: refill places", "err", err, "shift", sh.ID)
		return
	}
	s.fillPlaces(ctx, sh)
}

// place gives su a free place or the next waitlist rank, unless it would overlap the
// volunteer's confirmed shifts. A free place goes to the waitlist first: while someone who
// can take it is waiting, newcomers queue behind them. Call with the book locked.
func (s *Service) place(su *Signup, sh opportunity.Shift) error {
	l := s.book.ledger(sh.ID)
	seat := l.freeSeat(sh.Capacity)
	if seat > 0 && s.book.firstEligible(l, sh) == nil {
		if !su.AllowOverlap {
			if other, ok := s.book.overlapping(su.UserID, sh.ID, sh.StartsAt, sh.EndsAt); ok {
				return overlapError(other)
			}
		}
		su.Status, su.Seat, su.WaitRank = Confirmed, seat, 0
		return nil
	}
	su.Status, su.Seat, su.WaitRank = Waitlisted, 0, l.nextRank()
	return nil
}

func overlapError(other entry) error {
	return &errs.Error{Kind: errs.Conflict, Field: "shiftId",
		Msg: fmt.Sprintf("this shift overlaps your confirmed shift %s (%s to %s)", other.ShiftID,
			other.Start.Format(time.RFC3339), other.End.Format(time.RFC3339)),
		Detail: map[string]string{"conflictingShiftId": other.ShiftID}}
}

func (s *Service) checkOpen(sh opportunity.Shift, o opportunity.Opportunity) error {
	return opportunity.TakesSignups(o, sh, s.now())
}

func (s *Service) recordSignup(ctx context.Context, su Signup, by string) {
	kind := engagement.SignedUp
	switch su.Status {
	case Waitlisted:
		kind = engagement.Waitlisted
	case PendingApproval:
		kind = engagement.RequestedApproval
	}
	s.events.Record(ctx, event(kind, su, by))
}

func event(kind engagement.Kind, su Signup, by string) engagement.Event {
	e := engagement.Event{Kind: kind, UserID: su.UserID, OrganisationID: su.OrganisationID,
		OpportunityID: su.OpportunityID, ShiftID: su.ShiftID, SignupID: su.ID}
	if by != su.UserID {
		e.ActorID = by
	}
	return e
}

func (s *Service) get(ctx context.Context, id string) (Signup, error) {
	su, err := s.repo.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Signup{}, errs.E(errs.NotFound, "signup not found")
	}
	return su, errs.Wrap("signup: get", err)
}

// SetQuota limits how many signups one account makes (see package quota).
func (s *Service) SetQuota(q *quota.Limits) { s.quota = q }
