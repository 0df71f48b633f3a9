package signup

import (
	"context"
	"math"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Attendance rules.
const (
	// CheckInOpens is how long before a shift's start a volunteer can check in.
	CheckInOpens = 30 * time.Minute
	// MaxHours bounds one entry of hours: the longest shift.
	MaxHours = 14 * 24.0
)

// CheckIn records that the volunteer has arrived, from 30 minutes before the start until the
// end of their confirmed shift. It counts the shift's planned length as confirmed hours.
func (s *Service) CheckIn(ctx context.Context, actor auth.Actor, signupID string) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.owner {
		return Signup{}, errs.E(errs.Forbidden, "only the volunteer can check in")
	}
	if !a.sh.Timed() {
		return Signup{}, errs.E(errs.Conflict, "a task with a deadline has no check-in; log your hours instead")
	}
	now := s.now()
	if now.Before(a.sh.StartsAt.Add(-CheckInOpens)) || !now.Before(a.sh.EndsAt) {
		return Signup{}, errs.E(errs.Conflict, "check-in is open from 30 minutes before the start until the end of the shift")
	}
	hours := a.sh.Length().Hours()
	su, err := s.repo.Update(ctx, signupID, func(cur *Signup) error {
		if cur.Status == Attended {
			return nil
		}
		if cur.Status != Confirmed {
			return errs.E(errs.Conflict, "only a confirmed signup can check in")
		}
		cur.Status, cur.CheckedInAt, cur.Hours, cur.HoursConfirmed, cur.UpdatedAt = Attended, now, hours, true, now
		return nil
	})
	if err != nil {
		return Signup{}, updateErr("signup: check in", err)
	}
	if su.CheckedInAt.Equal(now) {
		e := event(engagement.Attended, su, actor.UserID)
		e.Hours = su.Hours
		s.events.Record(ctx, e)
	}
	return su, nil
}

// RecordAttendance lets staff mark a confirmed signup ATTENDED (with hours, by default the
// shift's length) or NO_SHOW, once the shift has begun; they can correct it later.
func (s *Service) RecordAttendance(ctx context.Context, actor auth.Actor, signupID string, attended bool, hours *float64) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.staff {
		return Signup{}, errs.E(errs.Forbidden, "only the organisation's staff can record attendance")
	}
	if a.sh.Timed() && s.now().Before(a.sh.StartsAt) {
		return Signup{}, errs.E(errs.Conflict, "attendance can be recorded once the shift has begun")
	}
	h := 0.0
	if attended {
		switch {
		case hours != nil:
			if h, err = checkHours("hours", *hours); err != nil {
				return Signup{}, err
			}
		case a.sh.Timed():
			h = a.sh.Length().Hours()
		default:
			return Signup{}, errs.InvalidField("hours", "a task with a deadline needs the hours worked")
		}
	} else if hours != nil && *hours != 0 {
		return Signup{}, errs.InvalidField("hours", "a no-show has no hours")
	}
	now := s.now()
	su, err := s.repo.Update(ctx, signupID, func(cur *Signup) error {
		if !cur.Status.HoldsPlace() {
			return errs.E(errs.Conflict, "attendance is recorded for confirmed signups only")
		}
		cur.Status, cur.Hours, cur.HoursConfirmed, cur.UpdatedAt = NoShow, 0, false, now
		if attended {
			cur.Status, cur.Hours, cur.HoursConfirmed = Attended, h, true
		}
		return nil
	})
	if err != nil {
		return Signup{}, updateErr("signup: record attendance", err)
	}
	kind := engagement.NoShow
	if attended {
		kind = engagement.Attended
	}
	e := event(kind, su, actor.UserID)
	e.Hours = su.Hours
	s.events.Record(ctx, e)
	return su, nil
}

// LogHours lets a volunteer report the hours spent on an online micro-task; staff confirm them.
func (s *Service) LogHours(ctx context.Context, actor auth.Actor, signupID string, hours float64) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.owner {
		return Signup{}, errs.E(errs.Forbidden, "only the volunteer can log their hours")
	}
	if a.sh.Timed() {
		return Signup{}, errs.E(errs.Conflict, "hours of a timed shift come from check-in or the coordinator")
	}
	h, err := checkHours("hours", hours)
	if err != nil {
		return Signup{}, err
	}
	su, err := s.repo.Update(ctx, signupID, func(cur *Signup) error {
		if cur.Status != Confirmed && cur.Status != Attended {
			return errs.E(errs.Conflict, "hours are logged for confirmed signups only")
		}
		if cur.HoursConfirmed {
			return errs.E(errs.Conflict, "these hours are already confirmed")
		}
		cur.Status, cur.Hours, cur.HoursConfirmed, cur.UpdatedAt = Attended, h, false, s.now()
		return nil
	})
	if err != nil {
		return Signup{}, updateErr("signup: log hours", err)
	}
	e := event(engagement.HoursLogged, su, actor.UserID)
	e.Hours = su.Hours
	s.events.Record(ctx, e)
	return su, nil
}

// ConfirmHours lets staff confirm logged hours, optionally correcting them.
func (s *Service) ConfirmHours(ctx context.Context, actor auth.Actor, signupID string, hours *float64) (Signup, error) {
	a, err := s.load(ctx, actor, signupID)
	if err != nil {
		return Signup{}, err
	}
	if !a.staff {
		return Signup{}, errs.E(errs.Forbidden, "only the organisation's staff can confirm hours")
	}
	var corrected float64
	if hours != nil {
		if corrected, err = checkHours("hours", *hours); err != nil {
			return Signup{}, err
		}
	}
	su, err := s.repo.Update(ctx, signupID, func(cur *Signup) error {
		if cur.Status != Attended || cur.Hours == 0 && hours == nil {
			return errs.E(errs.Conflict, "there are no logged hours to confirm")
		}
		if hours != nil {
			cur.Hours = corrected
		}
		cur.HoursConfirmed, cur.UpdatedAt = true, s.now()
		return nil
	})
	if err != nil {
		return Signup{}, updateErr("signup: confirm hours", err)
	}
	e := event(engagement.HoursConfirmed, su, actor.UserID)
	e.Hours = su.Hours
	s.events.Record(ctx, e)
	return su, nil
}

func checkHours(field string, h float64) (float64, error) {
	if math.IsNaN(h) || h <= 0 || h > MaxHours {
		return 0, errs.InvalidField(field, "hours must be more than 0 and at most %.0f", MaxHours)
	}
	return math.Round(h*100) / 100, nil
}
