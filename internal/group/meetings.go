package group

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// ScheduleInput is a recurring schedule of meetings.
type ScheduleInput struct {
	GroupID string
	// RRule is an RFC 5545 rule, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU.
	RRule string
	// StartsAt is the first meeting; its wall-clock time in TimeZone is kept for all.
	StartsAt        time.Time
	DurationMinutes int
	TimeZone        string
	Capacity        int
	Waitlist        bool
	// Place and OnlineURL default to the group's.
	Place     string
	OnlineURL string
	// HorizonDays is how far ahead meetings are created; 0 means DefaultHorizonDays.
	HorizonDays int
}

func (in ScheduleInput) series(g Group, now time.Time) (Series, time.Duration, error) {
	var sr Series
	name, loc, err := opportunity.LoadZone("input.timeZone", in.TimeZone)
	if err != nil {
		return sr, 0, err
	}
	if in.StartsAt.IsZero() || !in.StartsAt.After(now) {
		return sr, 0, errs.InvalidField("input.startsAt", "the first meeting must be in the future")
	}
	if in.DurationMinutes < MinDurationMinutes || in.DurationMinutes > MaxDurationMinutes {
		return sr, 0, errs.InvalidField("input.durationMinutes", "a meeting lasts %d to %d minutes", MinDurationMinutes, MaxDurationMinutes)
	}
	if in.Capacity < MinCapacity || in.Capacity > MaxCapacity {
		return sr, 0, errs.InvalidField("input.capacity", "capacity must be between %d and %d", MinCapacity, MaxCapacity)
	}
	days := in.HorizonDays
	if days == 0 {
		days = DefaultHorizonDays
	}
	if days < 1 || days > MaxHorizonDays {
		return sr, 0, errs.InvalidField("input.horizonDays", "meetings can be planned 1 to %d days ahead", MaxHorizonDays)
	}
	start := in.StartsAt.In(loc)
	rule, text, err := parseRule("input.rrule", in.RRule, start)
	if err != nil {
		return sr, 0, err
	}
	ahead := time.Duration(days) * 24 * time.Hour
	if len(occurrences(rule, start, now.Add(ahead))) == 0 {
		return sr, 0, errs.InvalidField("input.rrule", "the rule gives no meeting in the next %d days", days)
	}
	place, err := input.Text("input.place", in.Place, 0, MaxPlaceRunes)
	if err != nil {
		return sr, 0, err
	}
	link, err := opportunity.CleanOnlineURL("input.onlineUrl", in.OnlineURL)
	if err != nil {
		return sr, 0, err
	}
	if place == "" {
		place = g.Place
	}
	if link == "" {
		link = g.OnlineURL
	}
	if err := checkMode(g.Mode, place, link, "input."); err != nil {
		return sr, 0, err
	}
	return Series{GroupID: g.ID, RRule: text, TimeZone: name, Start: start, Duration: time.Duration(in.DurationMinutes) * time.Minute,
		Capacity: in.Capacity, Waitlist: in.Waitlist, Place: place, OnlineURL: link, HorizonDays: days}, ahead, nil
}

// Schedule adds a recurring schedule to a group and creates its meetings for the horizon.
// Facilitators and staff only. Bad input writes nothing.
func (s *Service) Schedule(ctx context.Context, actor auth.Actor, in ScheduleInput) (View, error) {
	v, err := s.manage(ctx, actor, in.GroupID, "input.groupId")
	if err != nil {
		return View{}, err
	}
	now := s.now()
	sr, _, err := in.series(v.Group, now)
	if err != nil {
		return View{}, err
	}
	if err := s.begin(ctx, sr, actor, now); err != nil {
		return View{}, err
	}
	return v, nil
}

// ChangeSchedule replaces a schedule from a date on: the old rule ends there, its meetings
// from then on are cancelled, and the new rule starts with in.StartsAt (at or after from).
// Meetings before from stay as they are.
func (s *Service) ChangeSchedule(ctx context.Context, actor auth.Actor, seriesID string, from time.Time, in ScheduleInput) (View, error) {
	old, err := s.seriesByID(ctx, seriesID)
	if err != nil {
		return View{}, err
	}
	in.GroupID = old.GroupID
	v, err := s.manage(ctx, actor, old.GroupID, "input.seriesId")
	if err != nil {
		return View{}, err
	}
	now := s.now()
	if !old.Until.IsZero() {
		return View{}, errs.E(errs.Conflict, "this schedule has been replaced already")
	}
	if !from.After(now) {
		return View{}, errs.InvalidField("input.from", "a schedule can be changed from a future date on")
	}
	if in.StartsAt.Before(from) {
		return View{}, errs.InvalidField("input.startsAt", "the new schedule starts at or after the date it applies from")
	}
	sr, _, err := in.series(v.Group, now)
	if err != nil {
		return View{}, err
	}
	if _, err := s.repo.UpdateSeries(ctx, old.ID, func(x *Series) error {
		if !x.Until.IsZero() {
			return errs.E(errs.Conflict, "this schedule has been replaced already")
		}
		x.Until = from
		return nil
	}); err != nil {
		return View{}, errs.Wrap("group: end series", err)
	}
	meetings, err := s.repo.MeetingsOf(ctx, old.GroupID)
	if err != nil {
		return View{}, errs.Wrap("group: meetings", err)
	}
	for _, m := range meetings {
		if m.SeriesID == old.ID && m.Status == Scheduled && !m.Original.Before(from) && m.StartsAt.After(now) {
			m, err := s.repo.UpdateMeeting(ctx, m.ID, func(m *Meeting) error {
				m.Status, m.CancelReason = Cancelled, ""
				return nil
			})
			if err != nil {
				return View{}, errs.Wrap("group: cancel replaced meeting", err)
			}
			s.noticeCancelled(ctx, m)
		}
	}
	if err := s.begin(ctx, sr, actor, now); err != nil {
		return View{}, err
	}
	return v, nil
}

// begin stores a new schedule and creates its meetings for the horizon.
func (s *Service) begin(ctx context.Context, sr Series, actor auth.Actor, now time.Time) error {
	sr.ID, sr.CreatedBy, sr.CreatedAt = s.repo.NewID(), actor.UserID, now
	if err := s.repo.InsertSeries(ctx, sr); err != nil {
		return errs.Wrap("group: insert series", err)
	}
	_, err := s.expand(ctx, sr, now)
	return err
}

// Schedules lists a group's schedules, for insiders.
func (s *Service) Schedules(ctx context.Context, actor auth.Actor, groupID string) ([]Series, error) {
	v, err := s.Get(ctx, actor, groupID)
	if err != nil || !v.Insider() {
		return []Series{}, err
	}
	list, err := s.repo.SeriesOf(ctx, groupID)
	if err != nil {
		return nil, errs.Wrap("group: series", err)
	}
	slices.SortFunc(list, func(a, b Series) int { return a.Start.Compare(b.Start) })
	return list, nil
}

func (s *Service) seriesByID(ctx context.Context, id string) (Series, error) {
	all, err := s.repo.SeriesOf(ctx, "")
	if err != nil {
		return Series{}, errs.Wrap("group: series", err)
	}
	for _, sr := range all {
		if sr.ID == id && id != "" {
			return sr, nil
		}
	}
	return Series{}, &errs.Error{Kind: errs.NotFound, Field: "input.seriesId", Msg: "schedule not found"}
}

// manage returns the group for a facilitator or staff member.
func (s *Service) manage(ctx context.Context, actor auth.Actor, groupID, field string) (View, error) {
	if !actor.Authenticated() {
		return View{}, errSignIn
	}
	v, err := s.Get(ctx, actor, groupID)
	if errs.Is(err, errs.NotFound) {
		return View{}, &errs.Error{Kind: errs.NotFound, Field: field, Msg: "group not found"}
	}
	if err != nil {
		return View{}, err
	}
	if !v.Manager() {
		return View{}, errs.E(errs.Forbidden, "only the group's facilitators can do this")
	}
	return v, nil
}

// Expand creates the meetings of every open schedule up to its horizon and reports how many
// it created. It is idempotent: an occurrence that exists (also one moved or cancelled) is
// never created again, and past occurrences are never touched. The worker runs it daily.
func (s *Service) Expand(ctx context.Context) (int64, error) {
	all, err := s.repo.SeriesOf(ctx, "")
	if err != nil {
		return 0, errs.Wrap("group: series", err)
	}
	now := s.now()
	var n int64
	for _, sr := range all {
		k, err := s.expand(ctx, sr, now)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Service) expand(ctx context.Context, sr Series, now time.Time) (int64, error) {
	to := now.Add(time.Duration(sr.HorizonDays) * 24 * time.Hour)
	if !sr.Until.IsZero() && sr.Until.Before(to) {
		to = sr.Until
	}
	rule, _, err := parseRule("rrule", sr.RRule, sr.Start.In(sr.Location()))
	if err != nil {
		return 0, errs.Wrap("group: stored rule of series "+sr.ID, err)
	}
	var n int64
	for _, at := range occurrences(rule, now, to) {
		m := Meeting{ID: s.repo.NewID(), GroupID: sr.GroupID, SeriesID: sr.ID, Original: at, StartsAt: at,
			EndsAt: endOf(at, sr.Duration), TimeZone: sr.TimeZone, Capacity: sr.Capacity, Waitlist: sr.Waitlist,
			Place: sr.Place, OnlineURL: sr.OnlineURL, Status: Scheduled, CreatedAt: now}
		err := s.repo.InsertMeeting(ctx, m)
		if errors.Is(err, errs.ErrDuplicate) {
			continue
		}
		if err != nil {
			return n, errs.Wrap("group: insert meeting", err)
		}
		n++
	}
	return n, nil
}

// endOf adds a duration on the wall clock, so that a meeting from 19:00 to 21:00 stays so on
// the night clocks change.
func endOf(start time.Time, d time.Duration) time.Time {
	return time.Date(start.Year(), start.Month(), start.Day(), start.Hour(), start.Minute()+int(d/time.Minute), start.Second(), 0, start.Location())
}

// MeetingView is a meeting as one actor sees it.
type MeetingView struct {
	Meeting
	Attending  int
	Waitlisted int
	// Insider: the actor may see the place and the link. Manager: and the attendance.
	Insider, Manager bool
	// My is the actor's current RSVP, if any, and MyPosition their place on the waitlist.
	My         *RSVP
	MyPosition int
}

// AttendingCount is the number of places taken.
func (m MeetingView) AttendingCount() int { return m.Attending }

// WaitlistCount is the number waiting.
func (m MeetingView) WaitlistCount() int { return m.Waitlisted }

// PlaceFor returns the place for insiders.
func (m MeetingView) PlaceFor() string {
	if m.Insider {
		return m.Place
	}
	return ""
}

// LinkFor returns the link for insiders.
func (m MeetingView) LinkFor() string {
	if m.Insider {
		return m.OnlineURL
	}
	return ""
}

// Meetings lists a group's meetings starting in [from, to) (zero: unbounded), by start.
func (s *Service) Meetings(ctx context.Context, actor auth.Actor, groupID string, from, to time.Time) ([]MeetingView, error) {
	v, err := s.Get(ctx, actor, groupID)
	if err != nil {
		return nil, err
	}
	list, err := s.repo.MeetingsOf(ctx, groupID)
	if err != nil {
		return nil, errs.Wrap("group: meetings", err)
	}
	slices.SortFunc(list, func(a, b Meeting) int { return a.StartsAt.Compare(b.StartsAt) })
	out := []MeetingView{}
	for _, m := range list {
		if (!from.IsZero() && m.StartsAt.Before(from)) || (!to.IsZero() && !m.StartsAt.Before(to)) {
			continue
		}
		mv, err := s.meetingView(ctx, v, m)
		if err != nil {
			return nil, err
		}
		out = append(out, mv)
	}
	return out, nil
}

// Meeting returns one meeting.
func (s *Service) Meeting(ctx context.Context, actor auth.Actor, id string) (MeetingView, error) {
	m, v, err := s.meetingFor(ctx, actor, id)
	if err != nil {
		return MeetingView{}, err
	}
	return s.meetingView(ctx, v, m)
}

var errMeetingMissing = errs.E(errs.NotFound, "meeting not found")

func (s *Service) meetingFor(ctx context.Context, actor auth.Actor, id string) (Meeting, View, error) {
	if id == "" {
		return Meeting{}, View{}, errMeetingMissing
	}
	m, err := s.repo.Meeting(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Meeting{}, View{}, errMeetingMissing
	}
	if err != nil {
		return Meeting{}, View{}, errs.Wrap("group: meeting", err)
	}
	v, err := s.Get(ctx, actor, m.GroupID)
	return m, v, err
}

func (s *Service) meetingView(ctx context.Context, v View, m Meeting) (MeetingView, error) {
	mv := MeetingView{Meeting: m.In(), Insider: v.Insider(), Manager: v.Manager()}
	rsvps, err := s.repo.RSVPsOf(ctx, m.ID)
	if err != nil {
		return MeetingView{}, errs.Wrap("group: rsvps", err)
	}
	l := ledger(rsvps)
	mv.Attending, mv.Waitlisted = l.attending(), len(l.waitlist())
	if v.Mine != nil {
		if r, ok := l.of(v.Mine.ID); ok {
			mv.My = &r
			mv.MyPosition = l.position(r.ID)
		}
	}
	return mv, nil
}

// In shows the meeting's times in its own time zone.
func (m Meeting) In() Meeting {
	loc := m.Location()
	m.StartsAt, m.EndsAt = m.StartsAt.In(loc), m.EndsAt.In(loc)
	return m
}

// Cancel cancels one meeting that has not begun; facilitators and staff only.
func (s *Service) Cancel(ctx context.Context, actor auth.Actor, meetingID, reason string) (MeetingView, error) {
	why, err := input.Text("reason", reason, 0, 500)
	if err != nil {
		return MeetingView{}, err
	}
	cancelled := false
	mv, err := s.changeMeeting(ctx, actor, meetingID, func(m *Meeting) error {
		if m.Status == Cancelled {
			return nil
		}
		cancelled = true
		m.Status, m.CancelReason = Cancelled, why
		return nil
	})
	if err == nil && cancelled {
		s.noticeCancelled(ctx, mv.Meeting)
	}
	return mv, err
}

// Move moves one meeting that has not begun to a new time in the future; the end defaults to
// the same length. Re-expanding the schedule does not bring the original time back.
func (s *Service) Move(ctx context.Context, actor auth.Actor, meetingID string, startsAt, endsAt time.Time) (MeetingView, error) {
	now := s.now()
	if !startsAt.After(now) {
		return MeetingView{}, errs.InvalidField("startsAt", "a meeting can be moved to a future time only")
	}
	if !endsAt.IsZero() && (!endsAt.After(startsAt) || endsAt.Sub(startsAt) > MaxDurationMinutes*time.Minute) {
		return MeetingView{}, errs.InvalidField("endsAt", "the end must be after the start, at most %d hours later", MaxDurationMinutes/60)
	}
	mv, err := s.changeMeeting(ctx, actor, meetingID, func(m *Meeting) error {
		if m.Status == Cancelled {
			return errs.E(errs.Conflict, "this meeting is cancelled")
		}
		end := endsAt
		if end.IsZero() {
			end = endOf(startsAt.In(m.Location()), m.EndsAt.Sub(m.StartsAt))
		}
		m.StartsAt, m.EndsAt, m.Moved = startsAt, end, true
		return nil
	})
	if err == nil {
		s.noticeMoved(ctx, mv.Meeting)
	}
	return mv, err
}

func (s *Service) changeMeeting(ctx context.Context, actor auth.Actor, meetingID string, change func(*Meeting) error) (MeetingView, error) {
	m, v, err := s.meetingFor(ctx, actor, meetingID)
	if err != nil {
		return MeetingView{}, err
	}
	if !v.Manager() {
		return MeetingView{}, errs.E(errs.Forbidden, "only the group's facilitators can do this")
	}
	if !m.StartsAt.After(s.now()) {
		return MeetingView{}, errs.E(errs.Conflict, "this meeting has begun; it can no longer be changed")
	}
	unlock := s.meetingLocks.Lock(m.ID)
	defer unlock()
	m, err = s.repo.UpdateMeeting(ctx, m.ID, change)
	if err != nil {
		return MeetingView{}, errs.Wrap("group: change meeting", err)
	}
	return s.meetingView(ctx, v, m)
}

// RecordAttendance records how many people came to a meeting, once, as a number: nobody's
// attendance is recorded by name. Facilitators and staff only, from the meeting's start on.
func (s *Service) RecordAttendance(ctx context.Context, actor auth.Actor, meetingID string, count int) (MeetingView, error) {
	if count < 0 || count > MaxAttendance {
		return MeetingView{}, errs.InvalidField("count", "count must be between 0 and %d", MaxAttendance)
	}
	m, v, err := s.meetingFor(ctx, actor, meetingID)
	if err != nil {
		return MeetingView{}, err
	}
	if !v.Manager() {
		return MeetingView{}, errs.E(errs.Forbidden, "only the group's facilitators can record attendance")
	}
	if m.StartsAt.After(s.now()) {
		return MeetingView{}, errs.E(errs.Conflict, "attendance can be recorded once the meeting has begun")
	}
	if m.Status == Cancelled {
		return MeetingView{}, errs.E(errs.Conflict, "this meeting was cancelled")
	}
	m, err = s.repo.UpdateMeeting(ctx, m.ID, func(m *Meeting) error {
		if m.AttendanceRecorded {
			return errs.E(errs.Conflict, "attendance was recorded already")
		}
		m.Attended, m.AttendanceRecorded = count, true
		return nil
	})
	if err != nil {
		return MeetingView{}, errs.Wrap("group: record attendance", err)
	}
	if count > 0 {
		s.record(ctx, v.Group, engagement.Event{Kind: engagement.MeetingAttended, MeetingID: m.ID, Count: count, ActorID: actor.UserID})
	}
	return s.meetingView(ctx, v, m)
}
