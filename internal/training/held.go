package training

import (
	"context"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// holding is what one volunteer holds: completions, credentials and finished lessons.
type holding struct {
	completions []Completion
	credentials []Credential
	lessons     []LessonDone
	loaded      time.Time
}

// people caches holdings per volunteer when this process is the only writer, because the
// discovery feed asks on every request and the embedded store answers only by scanning. Every
// write here drops the volunteer's entry; an entry also expires after holdingTTL, so that a
// separate worker deleting credentials is seen soon.
type people struct {
	keep bool
	mu   sync.Mutex
	m    map[string]*holding
}

const holdingTTL = 10 * time.Minute

func newPeople(keep bool) *people { return &people{keep: keep, m: map[string]*holding{}} }

func (p *people) forget(userIDs ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range userIDs {
		delete(p.m, id)
	}
}

// holding returns what the volunteer holds. The slices are shared: read them, never change them.
func (s *Service) holding(ctx context.Context, userID string) (*holding, error) {
	now := s.now()
	if s.people.keep {
		s.people.mu.Lock()
		h, ok := s.people.m[userID]
		s.people.mu.Unlock()
		if ok && now.Sub(h.loaded) < holdingTTL {
			return h, nil
		}
	}
	comps, err := s.repo.CompletionsOf(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("training: completions", err)
	}
	creds, err := s.creds.CredentialsOf(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("training: credentials", err)
	}
	lessons, err := s.repo.LessonsDone(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("training: lessons", err)
	}
	h := &holding{completions: comps, credentials: creds, lessons: lessons, loaded: now}
	if s.people.keep {
		s.people.mu.Lock()
		s.people.m[userID] = h
		s.people.mu.Unlock()
	}
	return h, nil
}

// best returns the completion of the module that counts longest at t, if any counts.
func (h *holding) best(moduleID string, t time.Time) (Completion, bool) {
	var out Completion
	found := false
	for _, c := range h.completions {
		if c.ModuleID != moduleID || !c.ValidAt(t) {
			continue
		}
		if !found || c.ValidUntil.IsZero() || (!out.ValidUntil.IsZero() && c.ValidUntil.After(out.ValidUntil)) {
			out, found = c, true
		}
	}
	return out, found
}

// latest returns the most recent completion of the module, valid or not.
func (h *holding) latest(moduleID string) (Completion, bool) {
	var out Completion
	found := false
	for _, c := range h.completions {
		if c.ModuleID == moduleID && (!found || c.PassedAt.After(out.PassedAt)) {
			out, found = c, true
		}
	}
	return out, found
}

// credential returns the volunteer's credential of the kind recorded by the organisation.
func (h *holding) credential(orgID, kind string) (Credential, bool) {
	for _, c := range h.credentials {
		if c.OrganisationID == orgID && c.Kind == kind {
			return c, true
		}
	}
	return Credential{}, false
}

// Holdings returns the modules and credentials the volunteer holds at t, for ranking, with
// when each stops counting (zero: never): module ID → end, organisation ID → kind → end.
func (s *Service) Holdings(ctx context.Context, userID string, t time.Time) (map[string]time.Time, map[string]map[string]time.Time, error) {
	h, err := s.holding(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	modules := map[string]time.Time{}
	for _, c := range h.completions {
		if c.ValidAt(t) {
			if until, ok := modules[c.ModuleID]; !ok || (!until.IsZero() && (c.ValidUntil.IsZero() || c.ValidUntil.After(until))) {
				modules[c.ModuleID] = c.ValidUntil
			}
		}
	}
	creds := map[string]map[string]time.Time{}
	for _, c := range h.credentials {
		if !c.ValidAt(t) {
			continue
		}
		if creds[c.OrganisationID] == nil {
			creds[c.OrganisationID] = map[string]time.Time{}
		}
		var until time.Time
		if !c.ValidUntil.IsZero() {
			until = c.ValidUntil.End()
		}
		creds[c.OrganisationID][c.Kind] = until
	}
	return modules, creds, nil
}
