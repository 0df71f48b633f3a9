package graph

import (
	"context"
	"strconv"
	"time"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/discovery"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/replay"
)

func createGroupInput(in model.CreateGroupInput) group.CreateInput {
	out := group.CreateInput{OrganisationID: in.OrganisationID, Name: in.Name, Description: deref(in.Description),
		EasyLanguageSummary: deref(in.EasyLanguageSummary), Category: in.Category, Languages: in.Languages, Mode: in.Mode,
		Place: deref(in.Place), OnlineURL: deref(in.OnlineURL), JoinPolicy: deref(in.JoinPolicy), Sensitive: in.Sensitive}
	if a := in.Area; a != nil {
		out.Area = &group.AreaInput{PostalCode: deref(a.PostalCode), Latitude: a.Latitude, Longitude: a.Longitude}
	}
	return out
}

func scheduleInput(in model.ScheduleMeetingsInput) group.ScheduleInput {
	return group.ScheduleInput{GroupID: in.GroupID, RRule: in.Rrule, StartsAt: in.StartsAt, DurationMinutes: in.DurationMinutes,
		TimeZone: deref(in.TimeZone), Capacity: in.Capacity, Waitlist: deref(in.Waitlist), Place: deref(in.Location),
		OnlineURL: deref(in.OnlineURL), HorizonDays: deref(in.HorizonDays)}
}

func changeScheduleInput(in model.ChangeMeetingScheduleInput) group.ScheduleInput {
	return scheduleInput(model.ScheduleMeetingsInput{Rrule: in.Rrule, StartsAt: in.StartsAt, DurationMinutes: in.DurationMinutes,
		TimeZone: in.TimeZone, Capacity: in.Capacity, Waitlist: in.Waitlist, Location: in.Location, OnlineURL: in.OnlineURL,
		HorizonDays: in.HorizonDays})
}

func groupFilter(f *model.GroupFilter) group.Filter {
	if f == nil {
		return group.Filter{}
	}
	return group.Filter{OrganisationID: deref(f.OrganisationID), Category: deref(f.Category), Mode: deref(f.Mode),
		PostalCode: deref(f.PostalCode)}
}

func groupPayload(v group.View, err error) (*model.GroupPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.GroupPayload{Group: &v}, nil
}

func membershipPayload(m group.Membership, err error) (*model.GroupMembershipPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.GroupMembershipPayload{Membership: &m}, nil
}

func meetingPayload(m group.MeetingView, err error) (*model.MeetingPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.MeetingPayload{Meeting: &m}, nil
}

func identity(id group.Identity, err error) (*model.GroupMemberIdentity, error) {
	if err != nil {
		return nil, err
	}
	return &model.GroupMemberIdentity{MembershipID: id.MembershipID, Pseudonym: id.Pseudonym, DisplayName: id.DisplayName,
		Email: id.Email}, nil
}

func myMemberships(list []group.MyMembership, err error) ([]*group.Membership, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*group.Membership, len(list))
	for i := range list {
		out[i] = &list[i].Membership
	}
	return out, nil
}

func myRSVP(m *group.MeetingView) *model.MeetingRsvp {
	if m.My == nil {
		return nil
	}
	r := &model.MeetingRsvp{Status: m.My.Status}
	if m.MyPosition > 0 {
		r.WaitlistPosition = &m.MyPosition
	}
	return r
}

func attendedCount(m *group.MeetingView) *int {
	if !m.Manager || !m.AttendanceRecorded {
		return nil
	}
	return &m.Attended
}

func scheduleStart(s *group.Series) *time.Time {
	t := s.Start.In(s.Location())
	return &t
}

func groupConnection(p group.Page[group.View]) *model.GroupConnection {
	c := &model.GroupConnection{Edges: make([]*model.GroupEdge, len(p.Items)), TotalCount: p.Total}
	last := ""
	for i, v := range p.Items {
		last = encodeCursor("group", v.ID)
		c.Edges[i] = &model.GroupEdge{Cursor: last, Node: v}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

func groupMatchConnection(p discovery.Page[match.GroupResult], view func(group.Group) group.View) *model.GroupMatchConnection {
	c := &model.GroupMatchConnection{Edges: make([]*model.GroupMatchEdge, len(p.Items)), TotalCount: p.Total}
	last := ""
	for i, r := range p.Items {
		last = encodeCursor("groupmatch", r.Group.ID)
		c.Edges[i] = &model.GroupMatchEdge{Cursor: last, Node: model.GroupMatch{Group: view(r.Group), Score: r.Score,
			Reasons: r.Reasons, DistanceKm: distance(r.HasDistance, r.DistanceKm)}}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

// groupViewer shows groups found by search or recommended as the caller sees them. Should the
// caller's relation to a group not be readable, the group is shown as to a stranger: that
// hides the place, the link and the members, never the other way round.
func (r *Resolver) groupViewer(ctx context.Context) func(group.Group) group.View {
	view := r.Svc.Groups.Viewer(ctx, viewer(ctx))
	return func(g group.Group) group.View {
		v, err := view(g)
		if err != nil {
			return group.View{Group: g}
		}
		return v
	}
}

// rsvpOnce answers a meeting at most once per idempotency key: the app may send an answer
// again after being offline, after the person changed their mind; the replay must not undo
// the later answer. A repeat returns the meeting as it is now.
func (r *mutationResolver) rsvpOnce(ctx context.Context, key *string, meetingID string, attending bool) (group.MeetingView, error) {
	return replay.Do(ctx, r.Svc.Replays, viewer(ctx), deref(key), "rsvp:"+meetingID+":"+strconv.FormatBool(attending),
		func() (group.MeetingView, string, error) {
			m, err := r.Svc.Groups.RSVP(ctx, viewer(ctx), meetingID, attending)
			return m, m.ID, err
		},
		func(id string) (group.MeetingView, error) { return r.Svc.Groups.Meeting(ctx, viewer(ctx), id) })
}
