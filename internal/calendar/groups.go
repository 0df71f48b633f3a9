package calendar

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// GroupTokenPrefix starts the tokens of group meeting feeds. Group meetings have a feed of
// their own, apart from shifts: a volunteer may share their shift calendar with family or a
// coordinator, and that must not reveal which self-help groups they go to.
const GroupTokenPrefix = "mwg_"

// Event is one entry of a feed, filled by a source other than signups.
type Event struct {
	UID         string
	Summary     string
	Start, End  time.Time
	Zone        *time.Location
	Location    string
	URL         string
	Description string
	Cancelled   bool
}

// GroupMeetings lists the meetings of a member's groups as events, with texts in the locale
// ("de" or "en"), for meetings ending at or after from.
type GroupMeetings interface {
	MeetingEvents(ctx context.Context, userID, locale string, from time.Time) ([]Event, error)
}

type groupFeeds struct {
	tokens Tokens
	source GroupMeetings
}

// SetGroups enables the feeds of group meetings, with their own tokens.
func (s *Service) SetGroups(tokens Tokens, source GroupMeetings) {
	s.groups = &groupFeeds{tokens: tokens, source: source}
}

// CreateGroupFeed issues a new token for the actor's group meeting feed, revoking the earlier
// one; like Create, the token is shown once.
func (s *Service) CreateGroupFeed(ctx context.Context, actor auth.Actor) (string, error) {
	if !actor.Authenticated() {
		return "", errSignIn
	}
	if s.groups == nil {
		return "", errs.E(errs.NotFound, "group calendar feeds are not available")
	}
	return s.create(ctx, actor, s.groups.tokens, GroupTokenPrefix)
}

// RevokeGroupFeed deletes the actor's group meeting feed and reports whether there was one.
func (s *Service) RevokeGroupFeed(ctx context.Context, actor auth.Actor) (bool, error) {
	if !actor.Authenticated() {
		return false, errSignIn
	}
	if s.groups == nil {
		return false, nil
	}
	return revoke(ctx, actor, s.groups.tokens)
}

func (s *Service) renderGroups(ctx context.Context, token string) ([]byte, error) {
	f, err := feedOf(ctx, s.groups.tokens, token, GroupTokenPrefix)
	if err != nil {
		return nil, err
	}
	now := s.now()
	events, err := s.groups.source.MeetingEvents(ctx, f.UserID, f.Locale, now.Add(-PastWindow))
	if err != nil {
		return nil, errs.Wrap("calendar: group meetings", err)
	}
	return writeEvents(now, events), nil
}

// writeEvents renders events in a stable order, with times on their zone's wall clock as
// build does for shifts.
func writeEvents(now time.Time, events []Event) []byte {
	cal := newCalendar()
	events = slices.Clone(events)
	slices.SortFunc(events, func(a, b Event) int { return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.UID, b.UID)) })
	stamp := now.UTC()
	for _, e := range events {
		ev := cal.AddEvent(e.UID + uidSuffix)
		ev.SetDtStampTime(stamp)
		ev.SetSummary(e.Summary)
		zone := e.Zone
		if zone == nil {
			zone = time.UTC
		}
		setTime(ev, ics.ComponentPropertyDtStart, e.Start, zone)
		setTime(ev, ics.ComponentPropertyDtEnd, e.End, zone)
		if e.Location != "" {
			ev.SetLocation(e.Location)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		if e.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}
