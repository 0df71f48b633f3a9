package consent

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/keylock"
)

// Service records consents and applies their effects.
type Service struct {
	store    Store
	versions Versions
	effects  []Effect
	now      func() time.Time
	// locks serialise one user's decisions, so that the latest record and the effect applied
	// agree.
	locks keylock.Map
}

// NewService returns a consent service; nil versions means DefaultVersions.
func NewService(store Store, versions Versions) *Service {
	if versions == nil {
		versions = DefaultVersions
	}
	return &Service{store: store, versions: versions, now: time.Now}
}

// AddEffect registers what must follow a change of consent.
func (s *Service) AddEffect(e Effect) { s.effects = append(s.effects, e) }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// State is the current standing of one purpose for a user.
type State struct {
	Purpose        Purpose
	Granted        bool
	Version        int // of the latest record; 0 when none
	CurrentVersion int
	At             time.Time
	// Renew is set when the person agreed to an older version of a required text, or of a
	// text they agreed to, and must agree again.
	Renew bool
}

var errSignIn = errs.E(errs.Unauthenticated, "sign in first")

// Give records the actor's consent to purpose in the version they read, which must be the
// current one.
func (s *Service) Give(ctx context.Context, actor auth.Actor, p Purpose, version int) (State, error) {
	if !actor.Authenticated() {
		return State{}, errSignIn
	}
	if err := s.checkSelf(p); err != nil {
		return State{}, err
	}
	if version != s.versions[p] {
		return State{}, errs.InvalidField("version", "the current version of this text is %d; show it and ask again", s.versions[p])
	}
	return s.decide(ctx, Record{UserID: actor.UserID, Purpose: p, Version: version, Granted: true, Method: InApp, RecordedBy: actor.UserID})
}

// Withdraw records that the actor withdrew consent to purpose; it takes effect at once.
func (s *Service) Withdraw(ctx context.Context, actor auth.Actor, p Purpose) (State, error) {
	if !actor.Authenticated() {
		return State{}, errSignIn
	}
	if err := s.checkSelf(p); err != nil {
		return State{}, err
	}
	return s.decide(ctx, Record{UserID: actor.UserID, Purpose: p, Version: s.versions[p], Granted: false, Method: InApp, RecordedBy: actor.UserID})
}

func (s *Service) checkSelf(p Purpose) error {
	if !p.Valid() {
		return errs.InvalidField("purpose", "unknown purpose")
	}
	if !p.SelfService() {
		return errs.InvalidField("purpose", "this consent is recorded by the organisation's staff")
	}
	return nil
}

// RecordContact records a change of the contact consent made through the volunteer profile
// (its "contactable" switch), so that the profile and the consent history tell one story.
func (s *Service) RecordContact(ctx context.Context, userID string, granted bool) error {
	_, err := s.decideWith(ctx, Record{UserID: userID, Purpose: CoordinatorContact, Version: s.versions[CoordinatorContact],
		Granted: granted, Method: InApp, RecordedBy: userID}, false)
	return err
}

// OnBehalf is a consent staff record for someone else.
type OnBehalf struct {
	UserID         string
	Purpose        Purpose
	Granted        bool
	Method         Method
	Note           string
	OrganisationID string
}

// RecordOnBehalf stores a consent given in person, by phone or in writing, recorded by staff.
// The caller has authorised the staff member for the organisation.
func (s *Service) RecordOnBehalf(ctx context.Context, staff auth.Actor, in OnBehalf, field string) (State, error) {
	if !in.Method.Valid() || in.Method == InApp {
		return State{}, errs.InvalidField(field+".method", "say how the consent was given: IN_PERSON, PHONE or WRITTEN")
	}
	note, err := input.Text(field+".note", strings.TrimSpace(in.Note), 0, 300)
	if err != nil {
		return State{}, err
	}
	return s.decide(ctx, Record{UserID: in.UserID, Purpose: in.Purpose, Version: s.versions[in.Purpose], Granted: in.Granted,
		Method: in.Method, RecordedBy: staff.UserID, OrganisationID: in.OrganisationID, Note: note})
}

func (s *Service) decide(ctx context.Context, r Record) (State, error) {
	return s.decideWith(ctx, r, true)
}

func (s *Service) decideWith(ctx context.Context, r Record, applyEffects bool) (State, error) {
	unlock := s.locks.Lock(r.UserID)
	defer unlock()
	r.At = s.now()
	if err := s.store.AppendConsent(ctx, r); err != nil {
		return State{}, errs.Wrap("consent: record", err)
	}
	if applyEffects {
		for _, e := range s.effects {
			if err := e.ConsentChanged(ctx, r.UserID, r.Purpose, r.Granted); err != nil {
				return State{}, err
			}
		}
	}
	return s.state(r.Purpose, &r), nil
}

func (s *Service) state(p Purpose, latest *Record) State {
	st := State{Purpose: p, CurrentVersion: s.versions[p]}
	if latest != nil {
		st.Granted, st.Version, st.At = latest.Granted, latest.Version, latest.At
	}
	switch {
	case st.Granted:
		st.Renew = st.Version < st.CurrentVersion
	default:
		st.Renew = slices.Contains(required, p)
	}
	return st
}

// Mine returns the actor's current state of every purpose and their whole history.
func (s *Service) Mine(ctx context.Context, actor auth.Actor) ([]State, []Record, error) {
	if !actor.Authenticated() {
		return nil, nil, errSignIn
	}
	return s.Of(ctx, actor.UserID)
}

// Of returns a user's current states and history.
func (s *Service) Of(ctx context.Context, userID string) ([]State, []Record, error) {
	history, err := s.store.ConsentsOf(ctx, userID)
	if err != nil {
		return nil, nil, errs.Wrap("consent: of user", err)
	}
	latest := map[Purpose]*Record{}
	for i := range history {
		latest[history[i].Purpose] = &history[i]
	}
	states := make([]State, len(Purposes))
	for i, p := range Purposes {
		states[i] = s.state(p, latest[p])
	}
	return states, history, nil
}

// Required lists the purposes the user must (again) agree to, for the app's consent screen.
func (s *Service) Required(ctx context.Context, userID string) ([]State, error) {
	states, _, err := s.Of(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []State
	for _, st := range states {
		if st.Renew {
			out = append(out, st)
		}
	}
	return out, nil
}

// GrantedWith reports whether the latest decision on p that staff of the organisation
// recorded is a grant. Parental consent is taken by one organisation for its own tasks: a
// coordinator elsewhere cannot open every organisation's tasks to a child by recording it.
func (s *Service) GrantedWith(ctx context.Context, userID string, p Purpose, orgID string) (bool, error) {
	history, err := s.store.ConsentsOf(ctx, userID)
	if err != nil {
		return false, errs.Wrap("consent: of user", err)
	}
	granted := false
	for _, r := range history { // oldest first
		if r.Purpose == p && r.OrganisationID == orgID {
			granted = r.Granted
		}
	}
	return granted, nil
}
