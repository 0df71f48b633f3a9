package training

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Check refuses, with FORBIDDEN naming what is missing or expired, a volunteer who at time at
// (the end of the shift) does not hold every module and credential the opportunity requires.
// It reads the store, not the cache: a signup is a decision, not a feed.
func (s *Service) Check(ctx context.Context, userID string, o opportunity.Opportunity, at time.Time) error {
	if len(o.RequiredModuleIDs) == 0 && len(o.RequiredCredentials) == 0 {
		return nil
	}
	s.people.forget(userID)
	h, err := s.holding(ctx, userID)
	if err != nil {
		return err
	}
	var missing, modules, creds []string
	for _, id := range o.RequiredModuleIDs {
		if _, ok := h.best(id, at); ok {
			continue
		}
		title := id
		if m, err := s.module(ctx, id); err == nil {
			title = m.Title
		}
		modules = append(modules, id)
		if c, ok := h.latest(id); ok && !c.ValidUntil.IsZero() {
			missing = append(missing, fmt.Sprintf("training module %q (expires %s, before the shift ends)", title, DateOf(c.ValidUntil)))
		} else {
			missing = append(missing, fmt.Sprintf("training module %q", title))
		}
	}
	for _, kind := range o.RequiredCredentials {
		c, ok := h.credential(o.OrganisationID, kind)
		if ok && c.ValidAt(at) {
			continue
		}
		creds = append(creds, kind)
		label := opportunity.CredentialLabel(kind, false)
		if ok {
			missing = append(missing, fmt.Sprintf("%s (valid until %s, before the shift ends)", label, c.ValidUntil))
		} else {
			missing = append(missing, label+" (verified by this organisation)")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	detail := map[string]string{}
	if len(modules) > 0 {
		detail["missingModuleIds"] = strings.Join(modules, ",")
	}
	if len(creds) > 0 {
		detail["missingCredentials"] = strings.Join(creds, ",")
	}
	return &errs.Error{Kind: errs.Forbidden, Field: "shiftId", Detail: detail,
		Msg: "this task needs, on the shift's date: " + strings.Join(missing, "; ")}
}

// Expiring lists completions and credentials whose validity ends in [from, to), leaving out
// completions already renewed by a later one.
func (s *Service) Expiring(ctx context.Context, from, to time.Time) ([]notify.Expiry, error) {
	comps, err := s.repo.CompletionsExpiring(ctx, from, to)
	if err != nil {
		return nil, errs.Wrap("training: expiring completions", err)
	}
	all, err := s.creds.AllCredentials(ctx)
	if err != nil {
		return nil, errs.Wrap("training: expiring credentials", err)
	}
	var out []notify.Expiry
	users, orgs := map[string]bool{}, map[string]bool{}
	for _, c := range comps {
		out = append(out, notify.Expiry{Key: "training:" + c.ID, UserID: c.UserID, OrganisationID: c.OrganisationID,
			Module: c.ModuleTitle, ValidUntil: c.ValidUntil})
	}
	for _, c := range all {
		if c.ValidUntil.IsZero() || c.ValidUntil.End().Before(from) || !c.ValidUntil.End().Before(to) {
			continue
		}
		out = append(out, notify.Expiry{Key: "credential:" + c.ID + ":" + c.ValidUntil.String(), UserID: c.UserID,
			OrganisationID: c.OrganisationID, Credential: c.Kind, ValidUntil: c.ValidUntil.End()})
	}
	for _, e := range out {
		users[e.UserID], orgs[e.OrganisationID] = true, true
	}
	if len(out) == 0 {
		return nil, nil
	}
	renewed, err := s.renewed(ctx, comps)
	if err != nil {
		return nil, err
	}
	byOrg, err := s.orgs.ByIDs(ctx, keys(orgs))
	if err != nil {
		return nil, errs.Wrap("training: organisations", err)
	}
	people, err := s.users.UsersByIDs(ctx, keys(users))
	if err != nil {
		return nil, errs.Wrap("training: volunteers", err)
	}
	kept := out[:0]
	for _, e := range out {
		if renewed[e.Key] {
			continue
		}
		e.PersonName = people[e.UserID].DisplayName
		for _, m := range byOrg[e.OrganisationID].Members {
			if m.UserID != e.UserID {
				e.Coordinators = append(e.Coordinators, m.UserID)
			}
		}
		kept = append(kept, e)
	}
	return kept, nil
}

// renewed returns the keys of completions that a later completion of the same module
// outlasts.
func (s *Service) renewed(ctx context.Context, comps []Completion) (map[string]bool, error) {
	out := map[string]bool{}
	// One holding per person, however many of their completions end soon.
	held := map[string][]Completion{}
	for _, c := range comps {
		if _, ok := held[c.UserID]; ok {
			continue
		}
		h, err := s.holding(ctx, c.UserID)
		if err != nil {
			return nil, err
		}
		held[c.UserID] = h.completions
	}
	for _, c := range comps {
		for _, o := range held[c.UserID] {
			if o.ModuleID == c.ModuleID && o.ID != c.ID && (o.ValidUntil.IsZero() || o.ValidUntil.After(c.ValidUntil)) {
				out["training:"+c.ID] = true
			}
		}
	}
	return out, nil
}

func keys(m map[string]bool) []string {
	return slices.Collect(maps.Keys(m))
}
