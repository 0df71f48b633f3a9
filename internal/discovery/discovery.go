// Package discovery answers "what could I do?" and "who could help?": the personal feed,
// search, and suggestions of volunteers for a shift, all served from memory.
package discovery

import (
	"context"

	"strings"
	"time"
	"unicode/utf8"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/quota"
	"github.com/mitwirken/mitwirken/internal/search"
	"github.com/mitwirken/mitwirken/internal/training"
)

// Commitments tells what a volunteer has signed up for.
type Commitments interface {
	Commitments(ctx context.Context, userID string) (busy [][2]time.Time, active map[string]bool, err error)
}

// Profiles gives volunteers' profiles.
type Profiles interface {
	Of(ctx context.Context, userID string) (profile.Profile, error)
	Each(f func(profile.Profile))
}

// Staff decides who works for an organisation.
type Staff interface {
	IsStaff(ctx context.Context, actor auth.Actor, orgID string) bool
	Shift(ctx context.Context, actor auth.Actor, id string) (opportunity.Shift, opportunity.Opportunity, error)
}

// Service serves discovery.
type Service struct {
	// quota limits searches and invitations per account.
	quota       *quota.Limits
	catalog     *catalog.Index
	index       *search.Index
	profiles    Profiles
	commitments Commitments
	staff       Staff
	notifier    Notifier
	holdings    Holdings
	groups      Groups  // nil until SetGroups
	modules     Modules // nil until SetModules
	now         func() time.Time
}

// New returns a discovery service over a catalog; it keeps the search index in step with it.
func New(c *catalog.Index, profiles Profiles, commitments Commitments, staff Staff) *Service {
	s := &Service{catalog: c, index: search.NewIndex(), profiles: profiles, commitments: commitments, staff: staff, now: time.Now}
	c.OnChange(func(e catalog.Entry, present bool) {
		if !present {
			s.index.Remove(search.KindOpportunity, e.Opportunity.ID)
			return
		}
		o := e.Opportunity
		tags := append([]string{o.Category}, o.Skills...)
		s.index.Put(search.Doc{Kind: search.KindOpportunity, ID: o.ID, Title: o.Title, Tags: tags,
			Text: o.Description + " " + o.EasyLanguageSummary})
	})
	return s
}

var errSignIn = errs.E(errs.Unauthenticated, "sign in first")

// Page is a page of results.
type Page[T any] struct {
	Items   []T
	HasNext bool
	Total   int
}

// Recommended ranks what the actor can join, best first, after the cursor (the ID of the last
// opportunity seen).
func (s *Service) Recommended(ctx context.Context, actor auth.Actor, first int, after string) (Page[match.Result], error) {
	if !actor.Authenticated() {
		return Page[match.Result]{}, errSignIn
	}
	v, err := s.volunteer(ctx, actor)
	if err != nil {
		return Page[match.Result]{}, err
	}
	ranked := match.Rank(v, s.candidates(v), s.now())
	page, err := paginate(ranked, first, after, func(r match.Result) string { return r.Entry.Opportunity.ID })
	for i := range page.Items {
		match.Explain(v, &page.Items[i])
	}
	return page, err
}

func radius(p profile.Profile) float64 {
	if p.RadiusKm > 0 {
		return p.RadiusKm
	}
	return profile.DefaultRadiusKm
}

func (s *Service) volunteer(ctx context.Context, actor auth.Actor) (match.Volunteer, error) {
	p, err := s.profiles.Of(ctx, actor.UserID)
	if err != nil {
		return match.Volunteer{}, err
	}
	busy, active, err := s.commitments.Commitments(ctx, actor.UserID)
	if err != nil {
		return match.Volunteer{}, err
	}
	v := match.Volunteer{Profile: p, SignedUp: active, German: actor.German()}
	for _, b := range busy {
		v.Busy = append(v.Busy, match.Span{Start: b[0], End: b[1]})
	}
	return v, s.qualify(ctx, actor.UserID, &v)
}

// paginate cuts a ranked list after the item with the cursor's ID.
func paginate[T any](all []T, first int, after string, id func(T) string) (Page[T], error) {
	p := Page[T]{Total: len(all)}
	if after != "" {
		i := 0
		for i < len(all) && id(all[i]) != after {
			i++
		}
		if i == len(all) {
			// The item left the list (it filled up, or the volunteer signed up): start over
			// rather than fail, as a feed would.
			i = -1
		}
		all = all[i+1:]
	}
	if len(all) > first {
		all, p.HasNext = all[:first], true
	}
	p.Items = all
	return p, nil
}

// MaxSearchRunes bounds a search text.
const MaxSearchRunes = 200

// Hit is a search result with the opportunity found (others kinds follow with their issues).
type Hit struct {
	search.Hit
	Opportunity opportunity.Opportunity
	// Group is set for a self-help group (Kind search.KindGroup).
	Group *group.Group
	// Module is set for a training module (Kind search.KindModule).
	Module *training.Module
}

// Search finds published opportunities by text, filtered like the opportunity list.
func (s *Service) Search(ctx context.Context, actor auth.Actor, text string, f opportunity.Filter, first int, after string) (Page[Hit], error) {
	if err := s.quota.Allow(actor, quota.Search); err != nil {
		return Page[Hit]{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Page[Hit]{}, errs.InvalidField("text", "type something to search for")
	}
	if utf8.RuneCountInString(text) > MaxSearchRunes {
		return Page[Hit]{}, errs.InvalidField("text", "a search can be at most %d characters", MaxSearchRunes)
	}
	now := s.now()
	var hits []Hit
	for _, h := range s.index.Search(text) {
		switch h.Kind {
		case search.KindOpportunity:
			e, ok := s.catalog.Get(h.ID)
			if ok && matchesFilter(e, f, now) {
				hits = append(hits, Hit{Hit: h, Opportunity: e.Opportunity})
			}
		case search.KindGroup:
			if g, ok := s.groupHit(ctx, h.ID, f); ok {
				hits = append(hits, Hit{Hit: h, Group: &g})
			}
		case search.KindModule:
			if m, ok := s.moduleHit(ctx, h.ID, f); ok {
				hits = append(hits, Hit{Hit: h, Module: &m})
			}
		}
	}
	return paginate(hits, first, after, func(h Hit) string { return string(h.Kind) + ":" + h.ID })
}

func matchesFilter(e catalog.Entry, f opportunity.Filter, now time.Time) bool {
	o := e.Opportunity
	if (f.OrganisationID != "" && o.OrganisationID != f.OrganisationID) || (f.Mode != "" && o.Mode != f.Mode) ||
		(f.Category != "" && o.Category != f.Category) {
		return false
	}
	if f.From.IsZero() && f.To.IsZero() && !f.OnlyWithFreePlaces {
		return true
	}
	for _, sl := range e.Slots {
		if (!f.From.IsZero() && sl.Shift.Ends().Before(f.From)) || (!f.To.IsZero() && !sl.Start().Before(f.To)) {
			continue
		}
		if f.OnlyWithFreePlaces && sl.Free() == 0 {
			continue
		}
		return true
	}
	return false
}
