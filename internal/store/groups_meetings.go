package store

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/group"
)

type seriesDoc struct {
	ID          string    `bson:"_id"`
	GroupID     string    `bson:"groupId"`
	RRule       string    `bson:"rrule"`
	TimeZone    string    `bson:"timeZone"`
	Start       time.Time `bson:"start"`
	DurationMin int       `bson:"durationMinutes"`
	Capacity    int       `bson:"capacity"`
	Waitlist    bool      `bson:"waitlist"`
	Place       string    `bson:"place,omitempty"`
	OnlineURL   string    `bson:"onlineUrl,omitempty"`
	Until       time.Time `bson:"until,omitempty"`
	HorizonDays int       `bson:"horizonDays"`
	CreatedBy   string    `bson:"createdBy"`
	CreatedAt   time.Time `bson:"createdAt"`
	Revision    `bson:",inline"`
}

func seriesToDoc(s group.Series) seriesDoc {
	return seriesDoc{ID: s.ID, GroupID: s.GroupID, RRule: s.RRule, TimeZone: s.TimeZone, Start: s.Start.UTC(),
		DurationMin: int(s.Duration / time.Minute), Capacity: s.Capacity, Waitlist: s.Waitlist, Place: s.Place,
		OnlineURL: s.OnlineURL, Until: s.Until.UTC(), HorizonDays: s.HorizonDays, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt.UTC()}
}

func (d *seriesDoc) series() group.Series {
	s := group.Series{ID: d.ID, GroupID: d.GroupID, RRule: d.RRule, TimeZone: d.TimeZone, Start: d.Start,
		Duration: time.Duration(d.DurationMin) * time.Minute, Capacity: d.Capacity, Waitlist: d.Waitlist, Place: d.Place,
		OnlineURL: d.OnlineURL, Until: d.Until, HorizonDays: d.HorizonDays, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
	s.Start = s.Start.In(s.Location())
	if d.Until.Equal(time.Time{}.UTC()) || d.Until.IsZero() {
		s.Until = time.Time{}
	}
	return s
}

// InsertSeries stores a schedule.
func (r *Groups) InsertSeries(ctx context.Context, s group.Series) error {
	return r.insert(ctx, collMeetingSeries, seriesToDoc(s))
}

// UpdateSeries changes a schedule.
func (r *Groups) UpdateSeries(ctx context.Context, id string, change func(*group.Series) error) (group.Series, error) {
	return updateAs(ctx, r.s, collMeetingSeries, id, seriesToDoc, (*seriesDoc).series, change)
}

// SeriesOf lists a group's schedules, or all with groupID "".
func (r *Groups) SeriesOf(ctx context.Context, groupID string) ([]group.Series, error) {
	filter := bson.D{}
	if groupID != "" {
		filter = bson.D{{Key: "groupId", Value: groupID}}
	}
	return findAs(ctx, r.s, collMeetingSeries, filter, (*seriesDoc).series)
}

type meetingDoc struct {
	ID                 string    `bson:"_id"`
	GroupID            string    `bson:"groupId"`
	SeriesID           string    `bson:"seriesId"`
	Key                string    `bson:"key"`
	Original           time.Time `bson:"original"`
	StartsAt           time.Time `bson:"startsAt"`
	EndsAt             time.Time `bson:"endsAt"`
	TimeZone           string    `bson:"timeZone"`
	Capacity           int       `bson:"capacity"`
	Waitlist           bool      `bson:"waitlist"`
	Place              string    `bson:"place,omitempty"`
	OnlineURL          string    `bson:"onlineUrl,omitempty"`
	Status             string    `bson:"status"`
	CancelReason       string    `bson:"cancelReason,omitempty"`
	Moved              bool      `bson:"moved,omitempty"`
	Attended           int       `bson:"attended,omitempty"`
	AttendanceRecorded bool      `bson:"attendanceRecorded,omitempty"`
	CreatedAt          time.Time `bson:"createdAt"`
	Revision           `bson:",inline"`
}

func meetingToDoc(m group.Meeting) meetingDoc {
	return meetingDoc{ID: m.ID, GroupID: m.GroupID, SeriesID: m.SeriesID, Key: group.Key(m.SeriesID, m.Original),
		Original: m.Original.UTC(), StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(), TimeZone: m.TimeZone, Capacity: m.Capacity,
		Waitlist: m.Waitlist, Place: m.Place, OnlineURL: m.OnlineURL, Status: string(m.Status), CancelReason: m.CancelReason,
		Moved: m.Moved, Attended: m.Attended, AttendanceRecorded: m.AttendanceRecorded, CreatedAt: m.CreatedAt.UTC()}
}

func (d *meetingDoc) meeting() group.Meeting {
	m := group.Meeting{ID: d.ID, GroupID: d.GroupID, SeriesID: d.SeriesID, Original: d.Original, StartsAt: d.StartsAt,
		EndsAt: d.EndsAt, TimeZone: d.TimeZone, Capacity: d.Capacity, Waitlist: d.Waitlist, Place: d.Place, OnlineURL: d.OnlineURL,
		Status: group.MeetingStatus(d.Status), CancelReason: d.CancelReason, Moved: d.Moved, Attended: d.Attended,
		AttendanceRecorded: d.AttendanceRecorded, CreatedAt: d.CreatedAt}
	return m.In()
}

// InsertMeeting stores an occurrence; errs.ErrDuplicate when it exists.
func (r *Groups) InsertMeeting(ctx context.Context, m group.Meeting) error {
	return r.insert(ctx, collMeetings, meetingToDoc(m))
}

// UpdateMeeting changes a meeting (cancel, move, attendance).
func (r *Groups) UpdateMeeting(ctx context.Context, id string, change func(*group.Meeting) error) (group.Meeting, error) {
	return updateAs(ctx, r.s, collMeetings, id, meetingToDoc, (*meetingDoc).meeting, change)
}

// Meeting returns errs.ErrNotFound for an unknown id.
func (r *Groups) Meeting(ctx context.Context, id string) (group.Meeting, error) {
	return findOneAs(ctx, r.s, collMeetings, id, (*meetingDoc).meeting)
}

// MeetingsOf lists a group's meetings.
func (r *Groups) MeetingsOf(ctx context.Context, groupID string) ([]group.Meeting, error) {
	return findAs(ctx, r.s, collMeetings, bson.D{{Key: "groupId", Value: groupID}}, (*meetingDoc).meeting)
}

// AllMeetings lists every meeting, for keeping them in memory.
func (r *Groups) AllMeetings(ctx context.Context) ([]group.Meeting, error) {
	return findAs(ctx, r.s, collMeetings, bson.D{}, (*meetingDoc).meeting)
}

// rsvpDoc carries three keys with sparse unique indexes while they apply, like a signup:
// activeKey (one current RSVP per member and meeting), seatKey (one holder per place) and
// waitKey (one RSVP per waitlist rank).
type rsvpDoc struct {
	ID           string    `bson:"_id"`
	MeetingID    string    `bson:"meetingId"`
	GroupID      string    `bson:"groupId"`
	MembershipID string    `bson:"membershipId"`
	UserID       string    `bson:"userId"`
	Status       string    `bson:"status"`
	Seat         int       `bson:"seat,omitempty"`
	WaitRank     int       `bson:"waitRank,omitempty"`
	ActiveKey    string    `bson:"activeKey,omitempty"`
	SeatKey      string    `bson:"seatKey,omitempty"`
	WaitKey      string    `bson:"waitKey,omitempty"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
	Revision     `bson:",inline"`
}

func rsvpToDoc(x group.RSVP) rsvpDoc {
	d := rsvpDoc{ID: x.ID, MeetingID: x.MeetingID, GroupID: x.GroupID, MembershipID: x.MembershipID, UserID: x.UserID,
		Status: string(x.Status), Seat: x.Seat, WaitRank: x.WaitRank, CreatedAt: x.CreatedAt.UTC(), UpdatedAt: x.UpdatedAt.UTC()}
	if x.Status.Current() {
		d.ActiveKey = x.MeetingID + "|" + x.MembershipID
	}
	if x.Status == group.Attending && x.Seat > 0 {
		d.SeatKey = x.MeetingID + "|" + strconv.Itoa(x.Seat)
	}
	if x.Status == group.Waitlisted && x.WaitRank > 0 {
		d.WaitKey = x.MeetingID + "|" + strconv.Itoa(x.WaitRank)
	}
	return d
}

func (d *rsvpDoc) rsvp() group.RSVP {
	return group.RSVP{ID: d.ID, MeetingID: d.MeetingID, GroupID: d.GroupID, MembershipID: d.MembershipID, UserID: d.UserID,
		Status: group.RSVPStatus(d.Status), Seat: d.Seat, WaitRank: d.WaitRank, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

var currentRSVP = bson.D{{Key: "$in", Value: []string{string(group.Attending), string(group.Waitlisted)}}}

// InsertRSVP stores an RSVP; errs.ErrDuplicate when its place, rank or member key is taken.
func (r *Groups) InsertRSVP(ctx context.Context, x group.RSVP) error {
	return r.insert(ctx, collMeetingRSVPs, rsvpToDoc(x))
}

// UpdateRSVP changes an RSVP; its keys follow its status, and a taken key fails with
// errs.ErrDuplicate.
func (r *Groups) UpdateRSVP(ctx context.Context, id string, change func(*group.RSVP) error) (group.RSVP, error) {
	return updateAs(ctx, r.s, collMeetingRSVPs, id, rsvpToDoc, (*rsvpDoc).rsvp, change)
}

// RSVPsOf lists the current RSVPs of a meeting.
func (r *Groups) RSVPsOf(ctx context.Context, meetingID string) ([]group.RSVP, error) {
	return findAs(ctx, r.s, collMeetingRSVPs, bson.D{{Key: "meetingId", Value: meetingID}, {Key: "status", Value: currentRSVP}}, (*rsvpDoc).rsvp)
}

// RSVPsOfMembership lists the current RSVPs of a membership.
func (r *Groups) RSVPsOfMembership(ctx context.Context, membershipID string) ([]group.RSVP, error) {
	return findAs(ctx, r.s, collMeetingRSVPs, bson.D{{Key: "membershipId", Value: membershipID}, {Key: "status", Value: currentRSVP}}, (*rsvpDoc).rsvp)
}

// AllCurrentRSVPs lists every current RSVP, for keeping them in memory.
func (r *Groups) AllCurrentRSVPs(ctx context.Context) ([]group.RSVP, error) {
	return findAs(ctx, r.s, collMeetingRSVPs, bson.D{{Key: "status", Value: currentRSVP}}, (*rsvpDoc).rsvp)
}
