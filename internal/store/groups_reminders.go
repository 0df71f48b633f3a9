package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/notify"
)

var _ notify.GroupMeetings = (*Groups)(nil)

// AttendingStarting lists the members attending the scheduled meetings that start in
// (from, to], with three queries whatever their number.
func (r *Groups) AttendingStarting(ctx context.Context, from, to time.Time) ([]notify.MeetingAttendee, error) {
	meetings, err := findAs(ctx, r.s, collMeetings, bson.D{
		{Key: "startsAt", Value: bson.D{{Key: "$gt", Value: from.UTC()}, {Key: "$lte", Value: to.UTC()}}},
		{Key: "status", Value: string(group.Scheduled)},
	}, (*meetingDoc).meeting)
	if err != nil || len(meetings) == 0 {
		return nil, err
	}
	byID := make(map[string]group.Meeting, len(meetings))
	var meetingIDs, groupIDs []string
	for _, m := range meetings {
		byID[m.ID] = m
		meetingIDs = append(meetingIDs, m.ID)
		groupIDs = append(groupIDs, m.GroupID)
	}
	groups, err := findByIDs(ctx, r.s, collGroups, groupIDs, func(d *groupDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	rsvps, err := findAs(ctx, r.s, collMeetingRSVPs, bson.D{
		{Key: "meetingId", Value: bson.D{{Key: "$in", Value: meetingIDs}}},
		{Key: "status", Value: string(group.Attending)},
	}, (*rsvpDoc).rsvp)
	if err != nil {
		return nil, err
	}
	out := make([]notify.MeetingAttendee, 0, len(rsvps))
	for _, x := range rsvps {
		m := byID[x.MeetingID]
		g, ok := groups[m.GroupID]
		if !ok {
			continue
		}
		out = append(out, notify.MeetingAttendee{MeetingID: m.ID, UserID: x.UserID, GroupName: g.Name, Sensitive: g.Sensitive,
			Start: m.StartsAt, RSVPAt: x.UpdatedAt})
	}
	return out, nil
}
