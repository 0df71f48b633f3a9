// Package group holds self-help groups: pseudonymous memberships, recurring meetings expanded
// from an RFC 5545 rule, RSVPs with a capacity that is never oversold, and attendance counts.
//
// Anonymity between members is the promise of the product (membership of an addiction or
// mental-health group is health data): members and facilitators know each other only by a
// pseudonym that is unique within the group and different in every group of the same person.
// Nothing this package hands to a member carries a user ID; membership IDs are random, not
// derived from the user. Only the organisation's coordinators can resolve a pseudonym, and
// each resolution is written to the audit log first.
package group

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// JoinPolicy says how people become members.
type JoinPolicy string

const (
	// Open: anyone signed in joins at once.
	Open JoinPolicy = "OPEN"
	// OnRequest: a facilitator accepts or declines each request.
	OnRequest JoinPolicy = "ON_REQUEST"
)

// Area is where a group meets, as coarse as a postal code area: never a member's address.
type Area struct {
	PostalCode  string
	HasLocation bool
	// Latitude and Longitude are rounded to about a kilometre.
	Latitude, Longitude float64
}

// Group is a self-help group.
type Group struct {
	ID                  string
	OrganisationID      string
	Name                string
	Description         string
	EasyLanguageSummary string
	Category            string
	Languages           []string
	Mode                opportunity.Mode
	Area                Area
	// Place (the exact address) and OnlineURL are shown to members only.
	Place      string
	OnlineURL  string
	JoinPolicy JoinPolicy
	// Sensitive groups get neutral titles in calendars and notifications, count engagement
	// without naming anyone, and are never recommended from inferred data.
	Sensitive bool
	// Facilitators are the user IDs of the people who manage the group. They are never shown.
	Facilitators []string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// IsFacilitator reports whether the user facilitates the group.
func (g Group) IsFacilitator(userID string) bool {
	for _, f := range g.Facilitators {
		if f == userID && userID != "" {
			return true
		}
	}
	return false
}

// Status is where a membership stands.
type Status string

const (
	Active   Status = "ACTIVE"
	Pending  Status = "PENDING"
	Declined Status = "DECLINED"
	Left     Status = "LEFT"
	Removed  Status = "REMOVED"
)

// Current reports whether the membership holds its pseudonym and place in the group.
func (s Status) Current() bool { return s == Active || s == Pending }

// Membership is one person's pseudonymous membership of one group.
type Membership struct {
	// ID is random: it tells nothing about the user.
	ID             string
	GroupID        string
	OrganisationID string
	UserID         string
	Pseudonym      string
	Status         Status
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Series is a recurrence rule of a group's meetings, valid from its first start until Until.
type Series struct {
	ID       string
	GroupID  string
	RRule    string
	TimeZone string
	// Start is the first occurrence (DTSTART), in TimeZone.
	Start    time.Time
	Duration time.Duration
	Capacity int
	Waitlist bool
	Place    string
	// OnlineURL of the meetings; shown to members only.
	OnlineURL string
	// Until ends the series (exclusive) when its rule was changed from a date on; zero: open.
	Until time.Time
	// HorizonDays is how far ahead the series' meetings are created.
	HorizonDays int
	CreatedBy   string
	CreatedAt   time.Time
}

// Location returns the series' time zone.
func (s Series) Location() *time.Location { return zone(s.TimeZone) }

// MeetingStatus is whether a meeting takes place.
type MeetingStatus string

const (
	Scheduled MeetingStatus = "SCHEDULED"
	Cancelled MeetingStatus = "CANCELLED"
)

// Meeting is one occurrence of a series.
type Meeting struct {
	ID       string
	GroupID  string
	SeriesID string
	// Original is the occurrence's start by the rule. With the series it keys the meeting,
	// so that expanding a rule again creates no duplicate, also after the meeting was moved.
	Original     time.Time
	StartsAt     time.Time
	EndsAt       time.Time
	TimeZone     string
	Capacity     int
	Waitlist     bool
	Place        string
	OnlineURL    string
	Status       MeetingStatus
	CancelReason string
	Moved        bool
	// Attended is the number of people a facilitator counted; AttendanceRecorded says
	// whether they did.
	Attended           int
	AttendanceRecorded bool
	CreatedAt          time.Time
}

// Key is the occurrence key of a meeting of a series.
func Key(seriesID string, original time.Time) string {
	return seriesID + "|" + original.UTC().Format(time.RFC3339)
}

// Location returns the meeting's time zone.
func (m Meeting) Location() *time.Location { return zone(m.TimeZone) }

// RSVPStatus is a member's answer for a meeting.
type RSVPStatus string

const (
	Attending  RSVPStatus = "ATTENDING"
	Waitlisted RSVPStatus = "WAITLISTED"
	Withdrawn  RSVPStatus = "WITHDRAWN"
)

// Current reports whether the RSVP still counts.
func (s RSVPStatus) Current() bool { return s == Attending || s == Waitlisted }

// RSVP is a member's "I will come" for a meeting.
type RSVP struct {
	ID           string
	MeetingID    string
	GroupID      string
	MembershipID string
	// UserID is kept for reminders; it is never shown.
	UserID string
	Status RSVPStatus
	// Seat is the place held (1..capacity) while Attending: the store's unique key on
	// (meeting, seat) bounds the number attending whatever the processes writing.
	Seat int
	// WaitRank orders the waitlist while Waitlisted.
	WaitRank     int
	MeetingStart time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Repo is the storage of groups. Inserts fail with errs.ErrDuplicate when a unique key is
// taken: a member's current membership of a group, a pseudonym in a group, a pseudonym a
// person uses in another group, a meeting's occurrence key, an RSVP's place, rank or member.
type Repo interface {
	NewID() string

	InsertGroup(ctx context.Context, g Group) error
	UpdateGroup(ctx context.Context, id string, change func(*Group) error) (Group, error)
	Group(ctx context.Context, id string) (Group, error)
	Groups(ctx context.Context) ([]Group, error)

	InsertMembership(ctx context.Context, m Membership) error
	UpdateMembership(ctx context.Context, id string, change func(*Membership) error) (Membership, error)
	Membership(ctx context.Context, id string) (Membership, error)
	MembershipsOfGroup(ctx context.Context, groupID string) ([]Membership, error)
	MembershipsOfUser(ctx context.Context, userID string) ([]Membership, error)

	InsertSeries(ctx context.Context, s Series) error
	UpdateSeries(ctx context.Context, id string, change func(*Series) error) (Series, error)
	// SeriesOf lists a group's series; groupID "" lists all.
	SeriesOf(ctx context.Context, groupID string) ([]Series, error)

	// InsertMeeting stores a meeting; errs.ErrDuplicate when its occurrence exists.
	InsertMeeting(ctx context.Context, m Meeting) error
	UpdateMeeting(ctx context.Context, id string, change func(*Meeting) error) (Meeting, error)
	Meeting(ctx context.Context, id string) (Meeting, error)
	MeetingsOf(ctx context.Context, groupID string) ([]Meeting, error)

	InsertRSVP(ctx context.Context, r RSVP) error
	UpdateRSVP(ctx context.Context, id string, change func(*RSVP) error) (RSVP, error)
	// RSVPsOf lists the current RSVPs of a meeting.
	RSVPsOf(ctx context.Context, meetingID string) ([]RSVP, error)
	// RSVPsOfMembership lists the current RSVPs of a membership.
	RSVPsOfMembership(ctx context.Context, membershipID string) ([]RSVP, error)
	// ReplaceUser puts the pseudonym in place of the user ID in every membership and RSVP of
	// the user and blanks the user's pseudonyms, for the erasure of an account. Call it once
	// the memberships have ended.
	ReplaceUser(ctx context.Context, userID, pseudonym string) error
}
