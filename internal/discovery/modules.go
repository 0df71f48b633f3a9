package discovery

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/search"
	"github.com/mitwirken/mitwirken/internal/training"
)

// Modules is what discovery needs of training modules; package training provides it.
type Modules interface {
	// Listed returns a module if volunteers can see and take it.
	Listed(ctx context.Context, id string) (training.Module, bool)
	// OnChange calls f with every module now and after every change.
	OnChange(ctx context.Context, f func(m training.Module)) error
}

// SetModules adds published training modules to search.
func (s *Service) SetModules(ctx context.Context, m Modules) error {
	s.modules = m
	return m.OnChange(ctx, func(mod training.Module) {
		if mod.Status != training.StatusPublished {
			s.index.Remove(search.KindModule, mod.ID)
			return
		}
		s.index.Put(search.Doc{Kind: search.KindModule, ID: mod.ID, Title: mod.Title, Tags: mod.Languages,
			Text: mod.Summary + " " + mod.EasySummary})
	})
}

// moduleHit returns a found module if it passes the filter: only by organisation, since
// mode, category, time and free places are about tasks.
func (s *Service) moduleHit(ctx context.Context, id string, f opportunity.Filter) (training.Module, bool) {
	if s.modules == nil || f.Mode != "" || f.Category != "" || !f.From.IsZero() || !f.To.IsZero() || f.OnlyWithFreePlaces {
		return training.Module{}, false
	}
	m, ok := s.modules.Listed(ctx, id)
	if !ok || (f.OrganisationID != "" && m.OrganisationID != f.OrganisationID) {
		return training.Module{}, false
	}
	return m, true
}
