package discovery

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/search"
)

// Groups is what discovery needs of self-help groups.
type Groups interface {
	// Candidates lists the groups the user could join, with their next meetings.
	Candidates(ctx context.Context, userID string) ([]group.Candidate, error)
	// Public returns a group as anyone may see it.
	Public(ctx context.Context, id string) (group.Group, error)
	// OnChange calls f with every group now and after every change.
	OnChange(ctx context.Context, f func(g group.Group)) error
}

// SetGroups adds self-help groups to search and recommendations. Search finds every group,
// sensitive ones too: someone looking for help must find it. Its index holds only what a
// group says about itself, never who belongs to it.
func (s *Service) SetGroups(ctx context.Context, g Groups) error {
	s.groups = g
	return g.OnChange(ctx, func(gr group.Group) {
		s.index.Put(search.Doc{Kind: search.KindGroup, ID: gr.ID, Title: gr.Name, Tags: []string{gr.Category},
			Text: gr.Description + " " + gr.EasyLanguageSummary})
	})
}

// groupHit returns a found group if it passes the filter's group-related parts; a filter by
// time or free places is about shifts and leaves groups out.
func (s *Service) groupHit(ctx context.Context, id string, f opportunity.Filter) (group.Group, bool) {
	if s.groups == nil || !f.From.IsZero() || !f.To.IsZero() || f.OnlyWithFreePlaces {
		return group.Group{}, false
	}
	g, err := s.groups.Public(ctx, id)
	if err != nil {
		return group.Group{}, false
	}
	if (f.OrganisationID != "" && g.OrganisationID != f.OrganisationID) || (f.Mode != "" && g.Mode != f.Mode) ||
		(f.Category != "" && g.Category != f.Category) {
		return group.Group{}, false
	}
	return g, true
}

// RecommendedGroups ranks the groups the actor could join with the discovery ranking, best
// first, after the cursor (the ID of the last group seen). Sensitive groups come only from
// interests the actor chose (see match.RankGroups).
func (s *Service) RecommendedGroups(ctx context.Context, actor auth.Actor, first int, after string) (Page[match.GroupResult], error) {
	if !actor.Authenticated() {
		return Page[match.GroupResult]{}, errSignIn
	}
	if s.groups == nil {
		return Page[match.GroupResult]{}, nil
	}
	p, err := s.profiles.Of(ctx, actor.UserID)
	if err != nil {
		return Page[match.GroupResult]{}, err
	}
	cands, err := s.groups.Candidates(ctx, actor.UserID)
	if err != nil {
		return Page[match.GroupResult]{}, err
	}
	v := match.Volunteer{Profile: p, German: actor.German()}
	page, err := paginate(match.RankGroups(v, cands), first, after, func(r match.GroupResult) string { return r.Group.ID })
	for i := range page.Items {
		match.ExplainGroup(v, &page.Items[i])
	}
	return page, err
}
