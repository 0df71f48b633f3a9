package discovery

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// MaxShiftsPerWeek is how many confirmed shifts in the shift's week make a volunteer
// over-committed: they are not suggested.
const MaxShiftsPerWeek = 3

// Suggestion is a volunteer who could take a shift. It carries no contact details: a
// coordinator reaches the person only through an invitation they may decline.
type Suggestion struct {
	UserID      string
	Score       float64
	DistanceKm  float64
	HasDistance bool
	Reasons     []string
}

// SuggestedVolunteers lists volunteers for a shift who consented to be contacted, are
// available then, near enough, not signed up and not over-committed; best first. Staff of the
// shift's organisation only.
func (s *Service) SuggestedVolunteers(ctx context.Context, actor auth.Actor, shiftID string, first int) ([]Suggestion, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	sh, o, err := s.staff.Shift(ctx, actor, shiftID)
	if err != nil {
		return nil, err
	}
	if !s.staff.IsStaff(ctx, actor, o.OrganisationID) {
		return nil, errs.E(errs.Forbidden, "only the organisation's staff can see suggestions")
	}
	// The shift as an entry of its own, with a place free so that ranking considers it.
	slot := catalog.Slot{Shift: sh, Local: catalog.LocalTimeOf(sh)}
	if e, ok := s.catalog.Get(o.ID); ok {
		for _, sl := range e.Slots {
			if sl.Shift.ID == sh.ID {
				slot = sl
			}
		}
	}
	if slot.Free() == 0 {
		slot.Taken = sh.Capacity - 1
	}
	entry := []*catalog.Entry{{Opportunity: o, Slots: []catalog.Slot{slot}}}

	var candidates []profile.Profile
	s.profiles.Each(func(p profile.Profile) {
		if p.Contactable && p.UserID != actor.UserID && available(p, sh.StartsAt, sh.EndsAt) {
			candidates = append(candidates, p)
		}
	})
	now := s.now()
	var out []Suggestion
	for _, p := range candidates {
		busy, active, err := s.commitments.Commitments(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		if active[sh.ID] || shiftsInWeek(busy, sh.StartsAt, p.Zone()) >= MaxShiftsPerWeek {
			continue
		}
		v := match.Volunteer{Profile: p, SignedUp: active, German: actor.German()}
		for _, b := range busy {
			v.Busy = append(v.Busy, match.Span{Start: b[0], End: b[1]})
		}
		ranked := match.Rank(v, entry, now)
		if len(ranked) == 0 {
			continue
		}
		r := ranked[0]
		match.Explain(v, &r)
		out = append(out, Suggestion{UserID: p.UserID, Score: r.Score, DistanceKm: r.DistanceKm, HasDistance: r.HasDistance, Reasons: r.Reasons})
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	if len(out) > first {
		out = out[:first]
	}
	return out, nil
}

// available reports whether one of the volunteer's windows holds the shift; a deadline task
// fits anyone.
func available(p profile.Profile, start, end time.Time) bool {
	if start.IsZero() {
		return true
	}
	zone := p.Zone()
	for _, w := range p.Availability {
		if w.Covers(start.In(zone), end.In(zone)) {
			return true
		}
	}
	return false
}

// shiftsInWeek counts confirmed shifts in the (Monday-based) week of t.
func shiftsInWeek(busy [][2]time.Time, t time.Time, zone *time.Location) int {
	local := t.In(zone)
	offset := (int(local.Weekday()) + 6) % 7
	monday := time.Date(local.Year(), local.Month(), local.Day()-offset, 0, 0, 0, 0, zone)
	sunday := monday.AddDate(0, 0, 7)
	n := 0
	for _, b := range busy {
		if !b[0].Before(monday) && b[0].Before(sunday) {
			n++
		}
	}
	return n
}
