package opportunity

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Page is one page of opportunities.
type Page struct {
	Opportunities []Opportunity
	HasNext       bool
	Total         int
}

// List returns published opportunities matching the filter, newest first, after the cursor
// (an opportunity ID). The staff of the organisation named in the filter also see its drafts,
// closed and cancelled opportunities.
func (s *Service) List(ctx context.Context, actor auth.Actor, f Filter, first int, after string) (Page, error) {
	f.Statuses = []Status{StatusPublished}
	if f.OrganisationID != "" && s.IsStaff(ctx, actor, f.OrganisationID) {
		f.Statuses = nil
	}
	if f.Mode != "" {
		if err := validMode("filter.mode", f.Mode); err != nil {
			return Page{}, err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Page{}, errs.InvalidField("filter.to", "the end of the range must be after its start")
	}
	all, err := s.repo.List(ctx, f)
	if err != nil {
		return Page{}, errs.Wrap("opportunity: list", err)
	}
	if !f.From.IsZero() || !f.To.IsZero() || f.OnlyWithFreePlaces {
		if all, err = s.withMatchingShift(ctx, all, f); err != nil {
			return Page{}, err
		}
	}
	p := Page{Total: len(all)}
	if after != "" {
		// Newest first by ID: the page starts after the cursor's position.
		i, found := slices.BinarySearchFunc(all, after, func(o Opportunity, id string) int { return -strings.Compare(o.ID, id) })
		if found {
			i++
		}
		all = all[i:]
	}
	if len(all) > first {
		all, p.HasNext = all[:first], true
	}
	p.Opportunities = all
	return p, nil
}

// withMatchingShift keeps the opportunities with an active shift in the filter's time range
// and, if asked, with a free place.
func (s *Service) withMatchingShift(ctx context.Context, opps []Opportunity, f Filter) ([]Opportunity, error) {
	ids := make([]string, len(opps))
	for i, o := range opps {
		ids[i] = o.ID
	}
	shifts, err := s.repo.ShiftsOf(ctx, ids)
	if err != nil {
		return nil, errs.Wrap("opportunity: list shifts", err)
	}
	now := s.now()
	out := opps[:0]
	for _, o := range opps {
		for _, sh := range shifts[o.ID] {
			ok, err := s.matches(ctx, sh, f, now)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, o)
				break
			}
		}
	}
	return out, nil
}

func (s *Service) matches(ctx context.Context, sh Shift, f Filter, now time.Time) (bool, error) {
	if sh.Status != ShiftActive {
		return false, nil
	}
	start := sh.StartsAt
	if !sh.Timed() {
		start = sh.Deadline
	}
	if !f.From.IsZero() && sh.Ends().Before(f.From) {
		return false, nil
	}
	if !f.To.IsZero() && !start.Before(f.To) {
		return false, nil
	}
	if f.OnlyWithFreePlaces {
		if !now.Before(start) {
			return false, nil
		}
		taken, err := s.occupancy.Confirmed(ctx, sh)
		if err != nil {
			return false, err
		}
		return taken < sh.Capacity, nil
	}
	return true, nil
}

// VisibleShifts returns the shifts a viewer sees: all of them for staff, the active ones for
// everyone else.
func VisibleShifts(all []Shift, staff bool) []Shift {
	if staff {
		return all
	}
	out := make([]Shift, 0, len(all))
	for _, sh := range all {
		if sh.Status == ShiftActive {
			out = append(out, sh)
		}
	}
	return out
}
