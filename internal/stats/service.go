package stats

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// DefaultK is the suppression threshold unless configured (STATS_K).
const DefaultK = 5

// MaxRows bounds the periods of one table: a year and a day of days, or ten years of weeks.
const MaxRows = 400

// Organisations checks that the caller may read an organisation's statistics.
type Organisations interface {
	Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...organisation.Role) (organisation.Organisation, error)
}

// Service answers statistics for the coordinators and admins of an organisation.
type Service struct {
	store Store
	orgs  Organisations
	k     int
}

// NewService returns the service; k below 1 means DefaultK.
func NewService(store Store, orgs Organisations, k int) *Service {
	if k < 1 {
		k = DefaultK
	}
	return &Service{store: store, orgs: orgs, k: k}
}

// K is the suppression threshold.
func (s *Service) K() int { return s.k }

// Table returns the organisation's statistics for the periods of granularity g that overlap
// [from, to], with every count below k, and every cell that the shown ones would reveal,
// suppressed.
func (s *Service) Table(ctx context.Context, actor auth.Actor, orgID string, from, to Date, g Granularity) (Table, error) {
	switch {
	case !g.Valid():
		return Table{}, errs.InvalidField("granularity", "must be DAY, WEEK or MONTH")
	case from.IsZero():
		return Table{}, errs.InvalidField("from", "is required")
	case to.IsZero():
		return Table{}, errs.InvalidField("to", "is required")
	case to.Before(from):
		return Table{}, errs.InvalidField("to", "must not be before from (%s)", from)
	}
	periods := Periods(g, from, to)
	if len(periods) > MaxRows {
		return Table{}, errs.InvalidField("to", "the range spans %d periods of this granularity; at most %d fit in one table", len(periods), MaxRows)
	}
	if _, err := s.orgs.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return Table{}, err
	}
	versions, err := s.store.PackVersions(ctx, []string{orgID})
	if err != nil {
		return Table{}, errs.Wrap("stats: read statistics", err)
	}
	figs := compute(buckets(versions), s.k)
	t := Table{OrganisationID: orgID, From: from, To: to, Granularity: g, K: s.k, Rows: make([]Row, len(periods))}
	for i, p := range periods {
		t.Rows[i] = row(p, figs[g][p.Key()])
	}
	return t, nil
}
