package training

import (
	"context"
	"errors"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Create adds a draft module to an organisation; only its coordinators and admins may.
func (s *Service) Create(ctx context.Context, actor auth.Actor, in ModuleInput) (Module, error) {
	if !actor.Authenticated() {
		return Module{}, errSignIn
	}
	if in.OrganisationID == "" {
		return Module{}, errs.InvalidField("input.organisationId", "name the organisation the module belongs to")
	}
	if _, err := s.orgs.Authorize(ctx, actor, in.OrganisationID, staffRoles...); err != nil {
		return Module{}, err
	}
	if in.Title == nil {
		return Module{}, errs.InvalidField("input.title", "must not be empty")
	}
	now := s.now()
	m := Module{ID: s.repo.NewID(), OrganisationID: in.OrganisationID, Version: 1, Status: StatusDraft,
		PassPercent: DefaultPassPct, EstimatedMinutes: DefaultMinutes, Languages: []string{"de"},
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&m, s.repo.NewID); err != nil {
		return Module{}, err
	}
	if err := s.repo.InsertModule(ctx, m); err != nil {
		return Module{}, errs.Wrap("training: create module", err)
	}
	if s.modules != nil {
		s.modules.put(m)
	}
	s.changed(m)
	return m, nil
}

// Update edits a module. A draft changes in place; a published module gets a new version,
// which is current at once: completions of earlier versions keep counting until they expire,
// and quizzes of earlier versions are no longer accepted.
func (s *Service) Update(ctx context.Context, actor auth.Actor, id string, in ModuleInput) (Module, error) {
	return s.change(ctx, actor, id, func(m *Module) error {
		if m.Status == StatusArchived {
			return errs.E(errs.Conflict, "this module is archived")
		}
		if err := in.apply(m, s.repo.NewID); err != nil {
			return err
		}
		if m.Status == StatusPublished {
			m.Version++
			m.PublishedAt = s.now()
		}
		return nil
	})
}

// Publish makes a draft module visible to volunteers.
func (s *Service) Publish(ctx context.Context, actor auth.Actor, id string) (Module, error) {
	return s.change(ctx, actor, id, func(m *Module) error {
		if m.Status != StatusDraft {
			return errs.E(errs.Conflict, "only a draft can be published")
		}
		m.Status, m.PublishedAt = StatusPublished, s.now()
		return nil
	})
}

// Archive withdraws a module: it is no longer listed or taken; completions keep counting.
func (s *Service) Archive(ctx context.Context, actor auth.Actor, id string) (Module, error) {
	return s.change(ctx, actor, id, func(m *Module) error {
		m.Status = StatusArchived
		return nil
	})
}

// change applies an edit by the module's staff and keeps a copy of every published version.
func (s *Service) change(ctx context.Context, actor auth.Actor, id string, edit func(*Module) error) (Module, error) {
	if !actor.Authenticated() {
		return Module{}, errSignIn
	}
	unlock := s.moduleLocks.Lock(id)
	defer unlock()
	cur, err := s.module(ctx, id)
	if err != nil {
		return Module{}, err
	}
	if _, err := s.orgs.Authorize(ctx, actor, cur.OrganisationID, staffRoles...); err != nil {
		return Module{}, err
	}
	// Validate on a copy first: bad input writes nothing, not even a version.
	next := cloneModule(cur)
	if err := edit(&next); err != nil {
		return Module{}, err
	}
	next.UpdatedAt = s.now()
	if cur.Status == StatusPublished {
		// A copy of the version being replaced, in case the process that published it
		// stopped before keeping it.
		if err := s.keepVersion(ctx, cur); err != nil {
			return Module{}, err
		}
	}
	m, err := s.repo.UpdateModule(ctx, id, func(m *Module) error {
		if m.Version != cur.Version || m.Status != cur.Status {
			return errs.E(errs.Conflict, "someone else edited this module at the same time; try again")
		}
		*m = next
		return nil
	})
	if err != nil {
		return Module{}, errs.Wrap("training: update module", err)
	}
	if s.modules != nil {
		s.modules.put(m)
	}
	s.changed(m)
	if m.Status == StatusPublished && (cur.Status != StatusPublished || m.Version != cur.Version) {
		// After the update, which only one of racing editors wins: the copy is the winner's.
		// Should this fail, the next edit keeps it.
		if err := s.keepVersion(ctx, m); err != nil {
			s.log.ErrorContext(ctx, "training: version not kept yet", "err", err, "module", m.ID, "version", m.Version)
		}
	}
	return m, nil
}

// keepVersion stores the immutable copy of a published version once.
func (s *Service) keepVersion(ctx context.Context, m Module) error {
	if err := s.repo.InsertVersion(ctx, m); err != nil && !errors.Is(err, errs.ErrDuplicate) {
		return errs.Wrap("training: keep version", err)
	}
	return nil
}

func cloneModule(m Module) Module {
	m.Languages = append([]string(nil), m.Languages...)
	m.Lessons = append([]Lesson(nil), m.Lessons...)
	m.Questions = append([]Question(nil), m.Questions...)
	return m
}

// Get returns a module: a published or archived one to anyone signed in, a draft only to the
// organisation's staff.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (Module, error) {
	if !actor.Authenticated() {
		return Module{}, errSignIn
	}
	m, err := s.module(ctx, id)
	if err != nil {
		return Module{}, err
	}
	if m.Status == StatusDraft && !s.isStaff(ctx, actor, m.OrganisationID) {
		return Module{}, errs.E(errs.NotFound, "training module not found")
	}
	return m, nil
}

// Page is a page of modules.
type Page struct {
	Items   []Module
	HasNext bool
	Total   int
}

// List pages through the published modules, and the drafts of organisations the actor
// coordinates, newest first, after the module with the cursor ID.
func (s *Service) List(ctx context.Context, actor auth.Actor, first int, after string) (Page, error) {
	if !actor.Authenticated() {
		return Page{}, errSignIn
	}
	all, err := s.allModules(ctx)
	if err != nil {
		return Page{}, err
	}
	staff := map[string]bool{}
	list := all[:0:0]
	for _, m := range all {
		switch m.Status {
		case StatusPublished:
			list = append(list, m)
		case StatusDraft:
			ok, seen := staff[m.OrganisationID]
			if !seen {
				ok = s.isStaff(ctx, actor, m.OrganisationID)
				staff[m.OrganisationID] = ok
			}
			if ok {
				list = append(list, m)
			}
		}
	}
	sortModules(list)
	p := Page{Total: len(list)}
	if after != "" {
		for i, m := range list {
			if m.ID == after {
				list = list[i+1:]
				break
			}
		}
	}
	if len(list) > first {
		list, p.HasNext = list[:first], true
	}
	p.Items = list
	return p, nil
}

// RevealsAnswers reports whether the actor may see the module's correct choices: its
// organisation's staff, and volunteers who passed its current version. Everyone else gets
// the questions without them, so that a quiz cannot be read off the API.
func (s *Service) RevealsAnswers(ctx context.Context, actor auth.Actor, m Module) (bool, error) {
	if !actor.Authenticated() {
		return false, nil
	}
	if s.isStaff(ctx, actor, m.OrganisationID) {
		return true, nil
	}
	h, err := s.holding(ctx, actor.UserID)
	if err != nil {
		return false, err
	}
	for _, c := range h.completions {
		if c.ModuleID == m.ID && c.Version == m.Version {
			return true, nil
		}
	}
	return false, nil
}
