package notify

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
)

// MeetingAttendee is a member who said they will come to a self-help group meeting.
type MeetingAttendee struct {
	MeetingID string
	UserID    string
	// GroupName is the group's name; for a sensitive group it is never put into a message.
	GroupName string
	Sensitive bool
	// Start is the meeting's start in its own time zone.
	Start  time.Time
	RSVPAt time.Time
}

// GroupMeetings lists who attends the meetings that start in (from, to].
type GroupMeetings interface {
	AttendingStarting(ctx context.Context, from, to time.Time) ([]MeetingAttendee, error)
}

// MeetingReminderLead is how long before a group meeting its attendees are reminded.
const MeetingReminderLead = 24 * time.Hour

const meetingReminderPrefix = "reminder:meeting:"

// MeetingReminderKey is the idempotency key of a member's reminder of a meeting.
func MeetingReminderKey(meetingID, userID string) string {
	return meetingReminderPrefix + meetingID + ":" + userID + ":" + leadLabel(MeetingReminderLead)
}

// MeetingReminders is the job that reminds members of the group meetings they said they
// would come to, a day before, at a humane hour. A sensitive group's reminder does not name
// the group, in the app or by e-mail: a lock screen or a shared inbox must not reveal it.
type MeetingReminders struct {
	svc      *Service
	meetings GroupMeetings

	mu      sync.Mutex
	handled map[string]time.Time // key → meeting start; forgotten once the meeting began
	loaded  bool
}

// NewMeetingReminders returns the group meeting reminder job.
func NewMeetingReminders(svc *Service, meetings GroupMeetings) *MeetingReminders {
	return &MeetingReminders{svc: svc, meetings: meetings, handled: map[string]time.Time{}}
}

// Run creates the reminders whose time has come and reports how many it created.
func (r *MeetingReminders) Run(ctx context.Context) (int64, error) {
	now := r.svc.now()
	horizon := MeetingReminderLead + earliestAdvance
	if err := r.load(ctx, now, horizon); err != nil {
		return 0, err
	}
	list, err := r.meetings.AttendingStarting(ctx, now, now.Add(horizon))
	if err != nil {
		return 0, errs.Wrap("notify: meeting attendees", err)
	}
	var reqs []Request
	var starts []time.Time
	r.mu.Lock()
	for key, start := range r.handled {
		if !start.After(now) {
			delete(r.handled, key)
		}
	}
	for _, a := range list {
		key := MeetingReminderKey(a.MeetingID, a.UserID)
		if _, ok := r.handled[key]; ok {
			continue
		}
		due := ReminderDue(a.Start, MeetingReminderLead)
		if !a.RSVPAt.Before(due) {
			r.handled[key] = a.Start // said yes within the last day: they know
			continue
		}
		req := Request{Key: key, UserID: a.UserID, Kind: MeetingReminder, Data: Data{Title: a.GroupName, Start: a.Start},
			Due: due, Deadline: a.Start, Reminder: true, WhenDue: true}
		if a.Sensitive {
			req.Kind, req.Data.Title, req.Sensitive = MeetingReminderNeutral, "", true
		}
		reqs = append(reqs, req)
		starts = append(starts, a.Start)
	}
	r.mu.Unlock()
	return r.svc.enqueueRemembering(ctx, reqs, &r.mu, r.handled, func(i int) time.Time { return starts[i] })
}

// load remembers the reminders stored already, once per process.
func (r *MeetingReminders) load(ctx context.Context, now time.Time, horizon time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded {
		return nil
	}
	ids, err := r.svc.outbox.MessageIDs(ctx, meetingReminderPrefix, now.Add(-2*horizon))
	if err != nil {
		return errs.Wrap("notify: stored meeting reminders", err)
	}
	for _, id := range ids {
		if i := strings.LastIndexByte(id, ':'); i > 0 {
			r.handled[id[:i]] = now.Add(horizon)
		}
	}
	r.loaded = true
	return nil
}

var _ group.Notifier = (*Service)(nil)

// MeetingCancelledKey is the idempotency key of a member's notice that a meeting is off.
func MeetingCancelledKey(meetingID, userID string) string {
	return "meeting-cancelled:" + meetingID + ":" + userID
}

// MeetingMovedKey is the idempotency key of a member's notice that a meeting moved to a time:
// each move to another time is told once.
func MeetingMovedKey(meetingID, userID string, to time.Time) string {
	return "meeting-moved:" + meetingID + ":" + userID + ":" + strconv.FormatInt(to.Unix(), 10)
}

// MeetingPromotedKey is the idempotency key of a member's notice that they moved up from a
// meeting's waitlist.
func MeetingPromotedKey(meetingID, userID string) string {
	return "meeting-promoted:" + meetingID + ":" + userID
}

// MeetingPromoted tells a member that a place at a group meeting became theirs, in neutral
// words for a sensitive group.
func (s *Service) MeetingPromoted(ctx context.Context, g group.Group, m group.Meeting, userID string) error {
	r := Request{Key: MeetingPromotedKey(m.ID, userID), UserID: userID, Kind: MeetingPromoted,
		Data: Data{Title: g.Name, Start: m.StartsAt.In(m.Location())}, Deadline: m.StartsAt}
	if g.Sensitive {
		r.Kind, r.Data.Title, r.Sensitive = MeetingPromotedNeutral, "", true
	}
	_, err := s.Enqueue(ctx, []Request{r})
	return err
}

// MeetingCancelled tells the members who said they would come to a group meeting that it is
// off, once per member and meeting. For a sensitive group the notice names neither the group
// nor the reason, in the app or by e-mail.
func (s *Service) MeetingMoved(ctx context.Context, g group.Group, m group.Meeting, userIDs []string) error {
	reqs := make([]Request, 0, len(userIDs))
	for _, id := range userIDs {
		r := Request{Key: MeetingMovedKey(m.ID, id, m.StartsAt), UserID: id, Kind: MeetingMoved,
			Data: Data{Title: g.Name, Start: m.StartsAt.In(m.Location())}, Deadline: m.StartsAt}
		if g.Sensitive {
			r.Kind, r.Data.Title, r.Sensitive = MeetingMovedNeutral, "", true
		}
		reqs = append(reqs, r)
	}
	_, err := s.Enqueue(ctx, reqs)
	return err
}

// MeetingCancelled tells the members who answered a meeting's RSVP that it is off.
func (s *Service) MeetingCancelled(ctx context.Context, g group.Group, m group.Meeting, userIDs []string) error {
	reqs := make([]Request, 0, len(userIDs))
	for _, id := range userIDs {
		r := Request{Key: MeetingCancelledKey(m.ID, id), UserID: id, Kind: MeetingCancelled,
			Data: Data{Title: g.Name, Start: m.StartsAt.In(m.Location()), Reason: m.CancelReason}, Deadline: m.StartsAt}
		if g.Sensitive {
			r.Kind, r.Data.Title, r.Data.Reason, r.Sensitive = MeetingCancelledNeutral, "", "", true
		}
		reqs = append(reqs, r)
	}
	_, err := s.Enqueue(ctx, reqs)
	return err
}
