package opportunity

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Organisations authorises staff of an organisation.
type Organisations interface {
	Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...organisation.Role) (organisation.Organisation, error)
	ByIDs(ctx context.Context, ids []string) (map[string]organisation.Organisation, error)
}

// Events receives the facts the service records, such as a cancellation.
type Events interface {
	Record(ctx context.Context, events ...engagement.Event)
}

// Occupancy knows the places taken on shifts; the signup service implements it.
type Occupancy interface {
	// Confirmed is the number of places taken.
	Confirmed(ctx context.Context, s Shift) (int, error)
	// Resize changes a shift's capacity through persist while no signup for the shift can
	// happen, refusing a capacity below the places taken and filling new places from the
	// waitlist.
	Resize(ctx context.Context, s Shift, capacity int, persist func() (Shift, error)) (Shift, error)
	// Move changes a shift's times through persist while no signup for the shift can happen,
	// and carries the new times over to its signups (their overlap checks and reminders).
	Move(ctx context.Context, s Shift, persist func() (Shift, error)) (Shift, error)
}

// Watcher is told after every write which opportunity changed, e.g. the catalog.
type Watcher interface {
	Changed(ctx context.Context, opportunityID string)
}

// Service manages opportunities and shifts.
type Service struct {
	repo      Repo
	orgs      Organisations
	events    Events
	occupancy Occupancy
	watcher   Watcher
	log       *slog.Logger
	now       func() time.Time
}

// Watch registers the watcher of writes.
func (s *Service) Watch(w Watcher) { s.watcher = w }

// changed tells the watcher, if any, that an opportunity changed.
func (s *Service) changed(ctx context.Context, id string) {
	if s.watcher != nil {
		s.watcher.Changed(ctx, id)
	}
}

// Published lists every published opportunity, for the catalog.
func (s *Service) Published(ctx context.Context) ([]Opportunity, error) {
	list, err := s.repo.List(ctx, Filter{Statuses: []Status{StatusPublished}})
	return list, errs.Wrap("opportunity: published", err)
}

// Internal returns an opportunity whatever its status, for the catalog: callers decide what
// to show.
func (s *Service) Internal(ctx context.Context, id string) (Opportunity, error) {
	o, err := s.repo.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Opportunity{}, errs.E(errs.NotFound, "opportunity not found")
	}
	return o, errs.Wrap("opportunity: internal", err)
}

// NewService returns an opportunity service. SetOccupancy completes it once the signup service
// exists (which itself needs this one).
func NewService(repo Repo, orgs Organisations, events Events, log *slog.Logger) *Service {
	return &Service{repo: repo, orgs: orgs, events: events, log: log, now: time.Now}
}

// KeepInMemory loads every opportunity and shift and serves reads from memory from then on.
// Only a process that is the only writer (the embedded store) may do this.
func (s *Service) KeepInMemory(ctx context.Context) error {
	m, err := loadMemoryRepo(ctx, s.repo)
	if err != nil {
		return errs.Wrap("opportunity: load into memory", err)
	}
	s.repo = m
	return nil
}

// SetOccupancy wires the source of confirmed counts.
func (s *Service) SetOccupancy(o Occupancy) { s.occupancy = o }

var staffRoles = []organisation.Role{organisation.RoleAdmin, organisation.RoleCoordinator}

// Details are the editable fields of an opportunity. In an update, nil fields stay as they are.
type Details struct {
	Title               *string
	Description         *string
	EasyLanguageSummary *string
	AccessibilityNotes  *string
	Category            *string
	Mode                *Mode
	Skills              *[]string
	Languages           *[]string
	Location            **Location
	OnlineURL           *string
	RequiresApproval    *bool
	RequiredModuleIDs   *[]string
	RequiredCredentials *[]string
	MinimumAge          *int
}

// apply validates d and writes it into o; prefix is the argument name for error fields.
func (d Details) apply(o *Opportunity, prefix string) error {
	var err error
	if d.Title != nil {
		if o.Title, err = input.Text(prefix+"title", *d.Title, 1, MaxTitleRunes); err != nil {
			return err
		}
	}
	if d.Description != nil {
		if o.Description, err = input.Text(prefix+"description", *d.Description, 0, MaxDescriptionRunes); err != nil {
			return err
		}
	}
	if d.EasyLanguageSummary != nil {
		if o.EasyLanguageSummary, err = input.Text(prefix+"easyLanguageSummary", *d.EasyLanguageSummary, 0, MaxSummaryRunes); err != nil {
			return err
		}
	}
	if d.AccessibilityNotes != nil {
		if o.AccessibilityNotes, err = input.Text(prefix+"accessibilityNotes", *d.AccessibilityNotes, 0, MaxNotesRunes); err != nil {
			return err
		}
	}
	if d.Category != nil {
		if o.Category, err = cleanCategory(prefix+"category", *d.Category); err != nil {
			return err
		}
	}
	if d.Mode != nil {
		if err := validMode(prefix+"mode", *d.Mode); err != nil {
			return err
		}
		o.Mode = *d.Mode
	}
	if d.Skills != nil {
		if o.Skills, err = cleanTags(prefix+"skills", *d.Skills); err != nil {
			return err
		}
	}
	if d.Languages != nil {
		if o.Languages, err = cleanLanguages(prefix+"languages", *d.Languages); err != nil {
			return err
		}
	}
	if d.Location != nil {
		if o.Location, err = cleanLocation(prefix+"location", *d.Location); err != nil {
			return err
		}
	}
	if d.OnlineURL != nil {
		if o.OnlineURL, err = cleanOnlineURL(prefix+"onlineUrl", *d.OnlineURL); err != nil {
			return err
		}
	}
	if d.RequiresApproval != nil {
		o.RequiresApproval = *d.RequiresApproval
	}
	if d.MinimumAge != nil {
		if *d.MinimumAge < 0 || *d.MinimumAge > MaxMinimumAge {
			return errs.InvalidField(prefix+"minimumAge", "give an age from 0 (none) to %d", MaxMinimumAge)
		}
		o.MinimumAge = *d.MinimumAge
	}
	if d.RequiredModuleIDs != nil {
		if o.RequiredModuleIDs, err = cleanIDs(prefix+"requiredModuleIds", *d.RequiredModuleIDs); err != nil {
			return err
		}
	}
	if d.RequiredCredentials != nil {
		if o.RequiredCredentials, err = cleanCredentials(prefix+"requiredCredentials", *d.RequiredCredentials); err != nil {
			return err
		}
	}
	return checkModeFields(*o, prefix)
}

// Create adds a draft opportunity to an organisation. Staff only. The warnings are advice on
// the wording, not errors.
func (s *Service) Create(ctx context.Context, actor auth.Actor, orgID string, d Details) (Opportunity, []Warning, error) {
	if _, err := s.orgs.Authorize(ctx, actor, orgID, staffRoles...); err != nil {
		return Opportunity{}, nil, err
	}
	if d.Title == nil {
		return Opportunity{}, nil, errs.InvalidField("input.title", "a title is required")
	}
	if d.Mode == nil {
		return Opportunity{}, nil, errs.InvalidField("input.mode", "a mode is required")
	}
	if d.Category == nil {
		other := "other"
		d.Category = &other
	}
	now := s.now()
	o := Opportunity{OrganisationID: orgID, Status: StatusDraft, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now,
		Skills: []string{}, Languages: []string{}, RequiredModuleIDs: []string{}, RequiredCredentials: []string{}}
	if err := d.apply(&o, "input."); err != nil {
		return Opportunity{}, nil, err
	}
	if err := s.repo.Insert(ctx, &o); err != nil {
		return Opportunity{}, nil, errs.Wrap("opportunity: create", err)
	}
	return o, Hints(o), nil
}

// Update changes the details of an opportunity. Staff only.
func (s *Service) Update(ctx context.Context, actor auth.Actor, id string, d Details) (Opportunity, []Warning, error) {
	o, err := s.forStaff(ctx, actor, id)
	if err != nil {
		return Opportunity{}, nil, err
	}
	if o.Status == StatusCancelled {
		return Opportunity{}, nil, errs.E(errs.Conflict, "a cancelled opportunity cannot be changed")
	}
	o, err = s.repo.Update(ctx, id, func(o *Opportunity) error {
		if err := d.apply(o, "input."); err != nil {
			return err
		}
		o.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		return Opportunity{}, nil, updateErr("opportunity: update", err)
	}
	s.changed(ctx, o.ID)
	return o, Hints(o), nil
}

// Publish makes a draft visible to volunteers. It needs at least one shift.
func (s *Service) Publish(ctx context.Context, actor auth.Actor, id string) (Opportunity, []Warning, error) {
	o, err := s.forStaff(ctx, actor, id)
	if err != nil {
		return Opportunity{}, nil, err
	}
	shifts, err := s.repo.ShiftsOf(ctx, []string{id})
	if err != nil {
		return Opportunity{}, nil, errs.Wrap("opportunity: publish", err)
	}
	if !slices.ContainsFunc(shifts[id], func(sh Shift) bool { return sh.Status == ShiftActive }) {
		return Opportunity{}, nil, errs.E(errs.Conflict, "add a shift before publishing")
	}
	o, err = s.transition(ctx, o.ID, StatusPublished, "", StatusDraft, StatusClosed)
	return o, Hints(o), err
}

// Close stops new signups; people signed up keep their places.
func (s *Service) Close(ctx context.Context, actor auth.Actor, id string) (Opportunity, error) {
	if _, err := s.forStaff(ctx, actor, id); err != nil {
		return Opportunity{}, err
	}
	return s.transition(ctx, id, StatusClosed, "", StatusPublished)
}

// Cancel calls the opportunity off. The people signed up are told through the events.
func (s *Service) Cancel(ctx context.Context, actor auth.Actor, id, reason string) (Opportunity, error) {
	if _, err := s.forStaff(ctx, actor, id); err != nil {
		return Opportunity{}, err
	}
	why, err := input.Text("reason", reason, 0, MaxNotesRunes)
	if err != nil {
		return Opportunity{}, err
	}
	o, err := s.transition(ctx, id, StatusCancelled, why, StatusDraft, StatusPublished, StatusClosed)
	if err == nil {
		s.events.Record(ctx, engagement.Event{Kind: engagement.OpportunityCancelled, ActorID: actor.UserID,
			OrganisationID: o.OrganisationID, OpportunityID: o.ID})
	}
	return o, err
}

func (s *Service) transition(ctx context.Context, id string, to Status, reason string, from ...Status) (Opportunity, error) {
	o, err := s.repo.Update(ctx, id, func(o *Opportunity) error {
		if o.Status == to {
			return nil
		}
		if !slices.Contains(from, o.Status) {
			return errs.E(errs.Conflict, "a %s opportunity cannot become %s", o.Status, to)
		}
		o.Status = to
		o.StatusReason = reason
		o.UpdatedAt = s.now()
		if to == StatusPublished && o.PublishedAt.IsZero() {
			o.PublishedAt = o.UpdatedAt
		}
		return nil
	})
	if err == nil {
		s.changed(ctx, id)
	}
	return o, updateErr("opportunity: "+string(to), err)
}

// forStaff loads an opportunity for a write by the staff of its organisation.
func (s *Service) forStaff(ctx context.Context, actor auth.Actor, id string) (Opportunity, error) {
	if !actor.Authenticated() {
		return Opportunity{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	o, err := s.repo.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Opportunity{}, errs.E(errs.NotFound, "opportunity not found")
	}
	if err != nil {
		return Opportunity{}, errs.Wrap("opportunity: load", err)
	}
	if _, err := s.orgs.Authorize(ctx, actor, o.OrganisationID, staffRoles...); err != nil {
		return Opportunity{}, err
	}
	return o, nil
}

// IsStaff reports whether the actor works for the organisation.
func (s *Service) IsStaff(ctx context.Context, actor auth.Actor, orgID string) bool {
	if !actor.Authenticated() {
		return false
	}
	_, err := s.orgs.Authorize(ctx, actor, orgID, staffRoles...)
	return err == nil
}

// Get returns an opportunity the actor may see: drafts only to the organisation's staff.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (Opportunity, error) {
	o, err := s.repo.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Opportunity{}, errs.E(errs.NotFound, "opportunity not found")
	}
	if err != nil {
		return Opportunity{}, errs.Wrap("opportunity: get", err)
	}
	if o.Status == StatusDraft && !s.IsStaff(ctx, actor, o.OrganisationID) {
		return Opportunity{}, errs.E(errs.NotFound, "opportunity not found")
	}
	return o, nil
}

// ByIDs loads opportunities for batch loaders; callers reach them only through objects the
// actor may already see.
func (s *Service) ByIDs(ctx context.Context, ids []string) (map[string]Opportunity, error) {
	m, err := s.repo.ByIDs(ctx, ids)
	return m, errs.Wrap("opportunity: by ids", err)
}

// ShiftsByIDs loads shifts for batch loaders.
func (s *Service) ShiftsByIDs(ctx context.Context, ids []string) (map[string]Shift, error) {
	m, err := s.repo.ShiftsByIDs(ctx, ids)
	return m, errs.Wrap("opportunity: shifts by ids", err)
}

// ShiftsOf loads the shifts of opportunities for batch loaders, each list by start.
func (s *Service) ShiftsOf(ctx context.Context, opportunityIDs []string) (map[string][]Shift, error) {
	m, err := s.repo.ShiftsOf(ctx, opportunityIDs)
	if err != nil {
		return nil, errs.Wrap("opportunity: shifts of", err)
	}
	for _, list := range m {
		slices.SortFunc(list, func(a, b Shift) int { return a.Ends().Compare(b.Ends()) })
	}
	return m, nil
}

// Shift returns a shift and its opportunity, if the actor may see the opportunity.
func (s *Service) Shift(ctx context.Context, actor auth.Actor, id string) (Shift, Opportunity, error) {
	sh, err := s.repo.ShiftByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Shift{}, Opportunity{}, errs.E(errs.NotFound, "shift not found")
	}
	if err != nil {
		return Shift{}, Opportunity{}, errs.Wrap("opportunity: shift", err)
	}
	o, err := s.Get(ctx, actor, sh.OpportunityID)
	if errs.Is(err, errs.NotFound) {
		return Shift{}, Opportunity{}, errs.E(errs.NotFound, "shift not found")
	}
	return sh, o, err
}

func updateErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, errs.ErrNotFound) {
		return errs.E(errs.NotFound, "not found")
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	return errs.Wrap(op, err)
}
