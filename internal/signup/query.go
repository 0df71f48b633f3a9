package signup

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// Get returns a signup the actor may see: their own, or one of their organisation's.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (Signup, error) {
	a, err := s.load(ctx, actor, id)
	return a.su, err
}

// Page is one page of a list.
type Page struct {
	Signups []Signup
	HasNext bool
	Total   int
}

// Mine lists the actor's signups, newest first, after the cursor (a signup ID).
func (s *Service) Mine(ctx context.Context, actor auth.Actor, first int, after string) (Page, error) {
	if !actor.Authenticated() {
		return Page{}, errSignIn
	}
	list, err := s.repo.OfUser(ctx, actor.UserID, after, first+1)
	if err != nil {
		return Page{}, errs.Wrap("signup: mine", err)
	}
	total, err := s.repo.CountOfUser(ctx, actor.UserID)
	if err != nil {
		return Page{}, errs.Wrap("signup: count mine", err)
	}
	p := Page{Signups: list, Total: total}
	if len(list) > first {
		p.Signups, p.HasNext = list[:first], true
	}
	return p, nil
}

// Roster lists everyone signed up for a shift, for the organisation's staff only.
func (s *Service) Roster(ctx context.Context, actor auth.Actor, sh opportunity.Shift) ([]Signup, error) {
	if !s.opps.IsStaff(ctx, actor, sh.OrganisationID) {
		return nil, errs.E(errs.Forbidden, "only the organisation's staff can see the roster")
	}
	list, err := s.repo.OfShift(ctx, sh.ID)
	return list, errs.Wrap("signup: roster", err)
}

// ContactVisible reports whether the actor may see the contact details of the volunteer of
// su: the volunteer themself and the staff of the organisation they signed up with (staff
// says whether the actor is).
func ContactVisible(actor auth.Actor, su Signup, staff bool) bool {
	return actor.Authenticated() && (actor.UserID == su.UserID || staff)
}

// HoldsPlaceIn reports whether the actor holds a confirmed place on a shift of the
// opportunity, which entitles them to its online link.
func (s *Service) HoldsPlaceIn(ctx context.Context, actor auth.Actor, opportunityID string) (bool, error) {
	if !actor.Authenticated() {
		return false, nil
	}
	if err := s.refreshUser(ctx, actor.UserID, "signup: holds place"); err != nil {
		return false, err
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	for _, e := range s.book.users[actor.UserID] {
		if e.OpportunityID == opportunityID && e.Status.HoldsPlace() {
			return true, nil
		}
	}
	return false, nil
}

// MineFor returns the actor's active signup for the shift, if any.
func (s *Service) MineFor(ctx context.Context, actor auth.Actor, sh opportunity.Shift) (Signup, bool, error) {
	if !actor.Authenticated() {
		return Signup{}, false, nil
	}
	if err := s.ensureForRead(ctx, sh); err != nil {
		return Signup{}, false, err
	}
	s.book.mu.Lock()
	e, ok := s.book.activeOf(sh.ID, actor.UserID)
	s.book.mu.Unlock()
	if !ok {
		return Signup{}, false, nil
	}
	su, err := s.get(ctx, e.SignupID)
	if errs.Is(err, errs.NotFound) {
		// Reserved in the book, not stored yet: not the actor's signup until it is.
		return Signup{}, false, nil
	}
	return su, err == nil, err
}

// ByIDs loads signups for batch loaders.
func (s *Service) ByIDs(ctx context.Context, ids []string) (map[string]Signup, error) {
	m, err := s.repo.ByIDs(ctx, ids)
	return m, errs.Wrap("signup: by ids", err)
}

// HoursTotal is a volunteer's confirmed hours with one organisation in one year.
type HoursTotal struct {
	OrganisationID string
	Year           int
	Hours          float64
}

// Hours sums the actor's confirmed hours per organisation and year (of the shift's end),
// newest year first; year zero means every year.
func (s *Service) Hours(ctx context.Context, actor auth.Actor, year int) ([]HoursTotal, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	all, err := s.repo.OfUser(ctx, actor.UserID, "", 0)
	if err != nil {
		return nil, errs.Wrap("signup: hours", err)
	}
	type key struct {
		org  string
		year int
	}
	sums := map[key]float64{}
	for _, su := range all {
		if su.Status != Attended || !su.HoursConfirmed {
			continue
		}
		at := su.ShiftEnd
		if year != 0 && at.Year() != year {
			continue
		}
		sums[key{su.OrganisationID, at.Year()}] += su.Hours
	}
	out := make([]HoursTotal, 0, len(sums))
	for k, h := range sums {
		out = append(out, HoursTotal{OrganisationID: k.org, Year: k.year, Hours: h})
	}
	slices.SortFunc(out, func(a, b HoursTotal) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return strings.Compare(a.OrganisationID, b.OrganisationID)
	})
	return out, nil
}

// ConfirmedOf lists the signups of a volunteer that hold a place on shifts ending at or
// after from, for their calendar.
func (s *Service) ConfirmedOf(ctx context.Context, userID string, from time.Time) ([]Signup, error) {
	list, err := s.repo.Current(ctx, from, "", userID)
	if err != nil {
		return nil, errs.Wrap("signup: confirmed of", err)
	}
	out := list[:0]
	for _, su := range list {
		if su.Status.HoldsPlace() {
			out = append(out, su)
		}
	}
	return out, nil
}

// Commitments returns the volunteer's confirmed shift times and the shifts with an active
// signup, for matching.
func (s *Service) Commitments(ctx context.Context, userID string) (busy [][2]time.Time, active map[string]bool, err error) {
	if err := s.refreshUser(ctx, userID, "signup: commitments"); err != nil {
		return nil, nil, err
	}
	s.book.mu.Lock()
	defer s.book.mu.Unlock()
	active = map[string]bool{}
	for _, e := range s.book.users[userID] {
		if e.Status.Active() {
			active[e.ShiftID] = true
		}
		if e.Status == Confirmed && !e.Start.IsZero() && !e.AllowOverlap {
			busy = append(busy, [2]time.Time{e.Start, e.End})
		}
	}
	return busy, active, nil
}
