package group

import (
	"context"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Candidate is a group someone could join, with its coming meetings, for recommendations.
type Candidate struct {
	Group Group
	// Next are the starts of the next scheduled meetings, earliest first (at most four), with
	// their length.
	Next   []time.Time
	Length time.Duration
}

// maxNext bounds the meetings looked at per group: enough to see which weekday and hour.
const maxNext = 4

// Candidates lists the groups the user is not a member of (nor asked to be), with their next
// meetings.
func (s *Service) Candidates(ctx context.Context, userID string) ([]Candidate, error) {
	mine, err := s.repo.MembershipsOfUser(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("group: my memberships", err)
	}
	joined := map[string]bool{}
	for _, m := range mine {
		if m.Status.Current() {
			joined[m.GroupID] = true
		}
	}
	all, err := s.repo.Groups(ctx)
	if err != nil {
		return nil, errs.Wrap("group: list", err)
	}
	now := s.now()
	out := make([]Candidate, 0, len(all))
	for _, g := range all {
		if joined[g.ID] || g.IsFacilitator(userID) {
			continue
		}
		meetings, err := s.repo.MeetingsOf(ctx, g.ID)
		if err != nil {
			return nil, errs.Wrap("group: meetings", err)
		}
		slices.SortFunc(meetings, func(a, b Meeting) int { return a.StartsAt.Compare(b.StartsAt) })
		c := Candidate{Group: g}
		for _, m := range meetings {
			if m.Status == Scheduled && m.StartsAt.After(now) && len(c.Next) < maxNext {
				c.Next = append(c.Next, m.StartsAt.In(m.Location()))
				c.Length = m.EndsAt.Sub(m.StartsAt)
			}
		}
		out = append(out, c)
	}
	return out, nil
}
