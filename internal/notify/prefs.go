package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/tz"
)

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM".
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("notify: time of day %q: want HH:MM", s)
	}
	return Clock(t.Hour()*60 + t.Minute()), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// on returns the moment the clock shows c on the given day in loc. Where a daylight-saving
// change skips that time, time.Date moves it by the jump (02:30 becomes 03:30).
func (c Clock) on(y int, m time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, m, d, int(c)/60, int(c)%60, 0, 0, loc)
}

// Defaults for a user who never chose.
const (
	DefaultQuietStart Clock = 21 * 60
	DefaultQuietEnd   Clock = 8 * 60
	DefaultTimeZone         = "Europe/Berlin"
)

// Preferences are a user's choices about notifications.
type Preferences struct {
	UserID string
	InApp  bool
	Email  bool
	// QuietStart and QuietEnd bound the quiet hours in TimeZone; the period may cross
	// midnight (21:00–08:00). Equal values mean no quiet hours.
	QuietStart Clock
	QuietEnd   Clock
	TimeZone   string
}

// DefaultPreferences are those of a user who never chose: every channel, quiet from 21:00 to
// 08:00 in Europe/Berlin.
func DefaultPreferences(userID string) Preferences {
	return Preferences{UserID: userID, InApp: true, Email: true, QuietStart: DefaultQuietStart,
		QuietEnd: DefaultQuietEnd, TimeZone: DefaultTimeZone}
}

// Channels lists the channels the user wants.
func (p Preferences) Channels() []Channel {
	var out []Channel
	if p.InApp {
		out = append(out, InApp)
	}
	if p.Email {
		out = append(out, Email)
	}
	return out
}

// Location is the user's time zone; the default zone if the name is unknown.
func (p Preferences) Location() *time.Location {
	if loc, ok := tz.Load(p.TimeZone); ok && p.TimeZone != "" {
		return loc
	}
	if loc, ok := tz.Load(DefaultTimeZone); ok {
		return loc
	}
	return time.UTC
}

// quiet returns the quiet period that contains t, if any.
func (p Preferences) quiet(t time.Time) (start, end time.Time, in bool) {
	if p.QuietStart == p.QuietEnd {
		return time.Time{}, time.Time{}, false
	}
	loc := p.Location()
	local := t.In(loc)
	y, m, d := local.Date()
	// The period that starts on t's day and the one that starts the day before; with a
	// period inside one day, only the first can contain t.
	for _, back := range []int{0, -1} {
		s := p.QuietStart.on(y, m, d+back, loc)
		e := p.QuietEnd.on(y, m, d+back, loc)
		if p.QuietEnd < p.QuietStart {
			e = p.QuietEnd.on(y, m, d+back+1, loc)
		}
		if !t.Before(s) && t.Before(e) {
			return s, e, true
		}
	}
	return time.Time{}, time.Time{}, false
}

// preQuiet is how long before quiet hours begin a reminder due in them goes out.
const preQuiet = time.Minute

// SendAt decides when a message due at due goes out, given the time now and a deadline after
// which it is pointless (zero: none). Outside quiet hours that is due, or now if due passed.
// A reminder due in quiet hours goes out just before they begin (the 24-hour reminder of a
// 07:00 shift at 20:59 the evening before, never at 00:01); if that moment has passed, it
// waits for the end of the quiet hours. Anything else due in quiet hours waits for their end.
// ok is false when no humane moment is left before the deadline.
func (p Preferences) SendAt(due, now, deadline time.Time, reminder bool) (at time.Time, ok bool) {
	at = due
	if reminder && !due.Before(now) {
		if start, _, in := p.quiet(due); in {
			if early := start.Add(-preQuiet); !early.Before(now) {
				at = early
			}
		}
	}
	if at.Before(now) {
		at = now
	}
	if _, end, in := p.quiet(at); in {
		at = end
	}
	if !deadline.IsZero() && !at.Before(deadline) {
		return time.Time{}, false
	}
	return at, true
}

// PreferenceStore keeps the users' choices. Users who never chose are missing from the map.
type PreferenceStore interface {
	Preferences(ctx context.Context, userIDs []string) (map[string]Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) error
}

// Preferences returns the user's choices, or the defaults.
func (s *Service) Preferences(ctx context.Context, userID string) (Preferences, error) {
	got, err := s.preferences(ctx, []string{userID})
	if err != nil {
		return Preferences{}, err
	}
	return got[userID], nil
}

// preferences returns the choices of every user in ids, defaults for those who never chose.
func (s *Service) preferences(ctx context.Context, ids []string) (map[string]Preferences, error) {
	stored, err := s.prefs.Preferences(ctx, ids)
	if err != nil {
		return nil, errs.Wrap("notify: preferences", err)
	}
	out := make(map[string]Preferences, len(ids))
	for _, id := range ids {
		p, ok := stored[id]
		if !ok {
			p = DefaultPreferences(id)
		}
		out[id] = p
	}
	return out, nil
}

// SetPreferences stores a user's choices after checking them; the profile layer calls it.
func (s *Service) SetPreferences(ctx context.Context, p Preferences) (Preferences, error) {
	if p.UserID == "" {
		return Preferences{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	if p.TimeZone == "" {
		p.TimeZone = DefaultTimeZone
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "Local" {
		return Preferences{}, errs.InvalidField("input.timeZone", "unknown time zone %q", p.TimeZone)
	}
	for field, c := range map[string]Clock{"input.quietHoursStart": p.QuietStart, "input.quietHoursEnd": p.QuietEnd} {
		if c < 0 || c >= 24*60 {
			return Preferences{}, errs.InvalidField(field, "give a time of day from 00:00 to 23:59")
		}
	}
	if err := s.prefs.SetPreferences(ctx, p); err != nil {
		return Preferences{}, errs.Wrap("notify: set preferences", err)
	}
	return p, nil
}
