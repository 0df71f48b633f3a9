package group

import (
	"context"

	"time"

	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// NeutralTitle is the title of a sensitive group's meetings wherever others may read it (a
// lock screen, a shared calendar): it does not reveal the topic.
func NeutralTitle(locale string) string {
	if locale == "en" {
		return "Group meeting"
	}
	return "Gruppentreffen"
}

// Title is how a meeting of g is called outside the app.
func Title(g Group, locale string) string {
	if g.Sensitive {
		return NeutralTitle(locale)
	}
	return g.Name
}

var _ calendar.GroupMeetings = (*Service)(nil)

// MeetingEvents lists the meetings of the user's groups (where they are an active member)
// ending at or after from, for their calendar feed. A sensitive group's meetings carry the
// neutral title and no description.
func (s *Service) MeetingEvents(ctx context.Context, userID, locale string, from time.Time) ([]calendar.Event, error) {
	mine, err := s.repo.MembershipsOfUser(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("group: memberships for calendar", err)
	}
	var out []calendar.Event
	for _, m := range mine {
		if m.Status != Active {
			continue
		}
		g, err := s.repo.Group(ctx, m.GroupID)
		if err != nil {
			continue // deleted since: nothing to show
		}
		meetings, err := s.repo.MeetingsOf(ctx, g.ID)
		if err != nil {
			return nil, errs.Wrap("group: meetings for calendar", err)
		}
		for _, mt := range meetings {
			if mt.EndsAt.Before(from) {
				continue
			}
			e := calendar.Event{UID: "meeting-" + mt.ID, Summary: Title(g, locale), Start: mt.StartsAt, End: mt.EndsAt,
				Zone: mt.Location(), Location: mt.Place, URL: mt.OnlineURL, Cancelled: mt.Status == Cancelled}
			if !g.Sensitive {
				e.Description = g.Description
			}
			out = append(out, e)
		}
	}
	return out, nil
}
