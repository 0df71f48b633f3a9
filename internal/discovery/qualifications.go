package discovery

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/match"
)

// Holdings tells which training modules and credentials a volunteer holds at a time and until
// when, so that the feed names what a task still needs; package training provides it.
type Holdings interface {
	Holdings(ctx context.Context, userID string, t time.Time) (modules map[string]time.Time, credentials map[string]map[string]time.Time, err error)
}

// SetHoldings wires the source of volunteers' qualifications.
func (s *Service) SetHoldings(h Holdings) { s.holdings = h }

// qualify fills in what the volunteer holds now.
func (s *Service) qualify(ctx context.Context, userID string, v *match.Volunteer) error {
	if s.holdings == nil {
		return nil
	}
	var err error
	v.Modules, v.Credentials, err = s.holdings.Holdings(ctx, userID, s.now())
	return err
}

// Matching ranks every open task the actor could join, best first, without reasons: the
// whole feed, for recommending what would open more of it.
func (s *Service) Matching(ctx context.Context, actor auth.Actor) ([]match.Result, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	v, err := s.volunteer(ctx, actor)
	if err != nil {
		return nil, err
	}
	return match.Rank(v, s.candidates(v), s.now()), nil
}

// candidates are the open entries near the volunteer, or all of them for someone without a
// place or online only.
func (s *Service) candidates(v match.Volunteer) []*catalog.Entry {
	var entries []*catalog.Entry
	visit := func(e *catalog.Entry) {
		if e.Open() {
			entries = append(entries, e)
		}
	}
	if p := v.Profile; p.HasLocation && !p.OnlineOnly {
		s.catalog.Near(p.Latitude, p.Longitude, radius(p), visit)
	} else {
		s.catalog.Each(visit)
	}
	return entries
}
