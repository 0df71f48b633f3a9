package group

import (
	"context"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// ExportedMembership is one membership in a person's data export.
type ExportedMembership struct {
	Group     string    `json:"group"`
	Pseudonym string    `json:"pseudonym"`
	Status    Status    `json:"status"`
	Since     time.Time `json:"since"`
	// Meetings are the coming meetings the person said they would come to.
	Meetings []ExportedRSVP `json:"meetings,omitempty"`
}

// ExportedRSVP is an RSVP in a person's data export.
type ExportedRSVP struct {
	StartsAt time.Time  `json:"startsAt"`
	Status   RSVPStatus `json:"status"`
}

// ExportOf lists what the groups hold about a person: their memberships under which
// pseudonym, and their current RSVPs. Other members appear in nobody's export.
func (s *Service) ExportOf(ctx context.Context, userID string) ([]ExportedMembership, error) {
	list, err := s.repo.MembershipsOfUser(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("group: export memberships", err)
	}
	out := []ExportedMembership{}
	for _, m := range list {
		e := ExportedMembership{Pseudonym: m.Pseudonym, Status: m.Status, Since: m.CreatedAt}
		if g, err := s.repo.Group(ctx, m.GroupID); err == nil {
			e.Group = g.Name
		}
		rsvps, err := s.repo.RSVPsOfMembership(ctx, m.ID)
		if err != nil {
			return nil, errs.Wrap("group: export rsvps", err)
		}
		for _, r := range rsvps {
			if mt, err := s.repo.Meeting(ctx, r.MeetingID); err == nil {
				e.Meetings = append(e.Meetings, ExportedRSVP{StartsAt: mt.StartsAt, Status: r.Status})
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Erase ends the person's memberships (their places at coming meetings go to the waitlist),
// removes them as a facilitator, and leaves only the pseudonym of the erasure in the records
// that remain for counting. Running it again changes nothing more.
func (s *Service) Erase(ctx context.Context, userID, pseudonym string) error {
	list, err := s.repo.MembershipsOfUser(ctx, userID)
	if err != nil {
		return errs.Wrap("group: erase", err)
	}
	for _, m := range list {
		if m.Status.Current() {
			// No engagement event: it would name the person being erased.
			if _, err := s.close(ctx, m, Left); err != nil {
				return err
			}
		}
	}
	groups, err := s.repo.Groups(ctx)
	if err != nil {
		return errs.Wrap("group: erase", err)
	}
	for _, g := range groups {
		if !g.IsFacilitator(userID) {
			continue
		}
		g, err := s.repo.UpdateGroup(ctx, g.ID, func(g *Group) error {
			g.Facilitators = slices.DeleteFunc(g.Facilitators, func(id string) bool { return id == userID })
			if g.CreatedBy == userID {
				g.CreatedBy = pseudonym
			}
			return nil
		})
		if err != nil {
			return errs.Wrap("group: erase facilitator", err)
		}
		s.changed(g)
	}
	return errs.Wrap("group: erase", s.repo.ReplaceUser(ctx, userID, pseudonym))
}
