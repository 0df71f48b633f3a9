package group_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
)

func schedule(groupID, rule string, start time.Time, zone string) group.ScheduleInput {
	return group.ScheduleInput{GroupID: groupID, RRule: rule, StartsAt: start, DurationMinutes: 120, TimeZone: zone,
		Capacity: 12, Waitlist: true}
}

func meetings(t *testing.T, s *group.Service, actor auth.Actor, groupID string) []group.MeetingView {
	t.Helper()
	list, err := s.Meetings(t.Context(), actor, groupID, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestScheduleKeepsWallClockAcrossDST schedules meetings over both daylight-saving changes in
// Berlin and Zurich: every meeting starts at the same local time, so its UTC time moves.
func TestScheduleKeepsWallClockAcrossDST(t *testing.T) {
	tests := []struct {
		name, zone, rule string
		now, first       string // now in UTC; first meeting local
		wantUTCHours     []int  // of the first meetings, in order
	}{
		// Clocks go forward on Sunday 31 March 2030: 19:00 is 18:00Z before, 17:00Z after.
		{"Berlin spring, fortnightly Tuesday", "Europe/Berlin", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2030-03-01T09:00:00Z", "2030-03-05T19:00:00", []int{18, 18, 17, 17}},
		// Clocks go back on Sunday 27 October 2030: 10:00 is 08:00Z before, 09:00Z after.
		{"Zurich autumn, weekly Sunday", "Europe/Zurich", "FREQ=WEEKLY;BYDAY=SU", "2030-10-01T09:00:00Z", "2030-10-13T10:00:00", []int{8, 8, 9, 9}},
		{"Berlin autumn, daily evening", "Europe/Berlin", "FREQ=DAILY;COUNT=4", "2030-10-20T09:00:00Z", "2030-10-25T19:30:00", []int{17, 17, 18, 18}},
		{"Zurich spring, monthly last Sunday", "Europe/Zurich", "FREQ=MONTHLY;BYDAY=-1SU;COUNT=3", "2030-02-01T09:00:00Z", "2030-02-24T09:00:00", []int{8, 7, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			now, _ := time.Parse(time.RFC3339, tt.now)
			w.clock.set(now)
			s := w.service(t, true)
			coord, orgID := w.org(t)
			g := mustGroup(t, s, coord, groupInput(orgID))
			loc, _ := time.LoadLocation(tt.zone)
			first, _ := time.ParseInLocation("2006-01-02T15:04:05", tt.first, loc)
			if _, err := s.Schedule(t.Context(), coord, schedule(g.ID, tt.rule, first, tt.zone)); err != nil {
				t.Fatal(err)
			}
			list := meetings(t, s, coord, g.ID)
			if len(list) < len(tt.wantUTCHours) {
				t.Fatalf("%d meetings, want at least %d", len(list), len(tt.wantUTCHours))
			}
			for i, want := range tt.wantUTCHours {
				m := list[i]
				local := m.StartsAt.In(loc)
				if local.Hour() != first.Hour() || local.Minute() != first.Minute() {
					t.Errorf("meeting %d starts %s local, want %02d:%02d", i, local, first.Hour(), first.Minute())
				}
				if got := m.StartsAt.UTC().Hour(); got != want {
					t.Errorf("meeting %d starts %s, UTC hour %d, want %d", i, m.StartsAt.UTC(), got, want)
				}
				if m.EndsAt.In(loc).Hour() != local.Add(2*time.Hour).Hour() && m.EndsAt.Sub(m.StartsAt) != 2*time.Hour {
					t.Errorf("meeting %d ends %s", i, m.EndsAt)
				}
				if m.StartsAt.Location().String() != tt.zone {
					t.Errorf("meeting %d is shown in %s, want %s", i, m.StartsAt.Location(), tt.zone)
				}
			}
		})
	}
}

// TestExpansionIsIdempotentAndRolls re-runs the expansion: nothing is created twice, past
// meetings stay as they are, and the horizon rolls forward with time.
func TestExpansionIsIdempotentAndRolls(t *testing.T) {
	for _, exclusive := range []bool{true, false} {
		t.Run(map[bool]string{true: "in memory", false: "from the store"}[exclusive], func(t *testing.T) {
			w := newWorld(t)
			s := w.service(t, exclusive)
			coord, orgID := w.org(t)
			g := mustGroup(t, s, coord, groupInput(orgID))
			in := schedule(g.ID, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", time.Date(2030, 3, 5, 19, 0, 0, 0, berlin(t)), "Europe/Berlin")
			in.HorizonDays = 28
			if _, err := s.Schedule(t.Context(), coord, in); err != nil {
				t.Fatal(err)
			}
			before := meetings(t, s, coord, g.ID)
			if len(before) != 2 { // 5 and 19 March within 28 days of 1 March
				t.Fatalf("%d meetings, want 2", len(before))
			}
			for range 2 {
				if n, err := s.Expand(t.Context()); err != nil || n != 0 {
					t.Fatalf("Expand again = %d, %v; want 0, nil", n, err)
				}
			}
			// Two weeks on, the horizon reaches one more meeting; the first has passed.
			w.clock.set(time.Date(2030, 3, 15, 9, 0, 0, 0, time.UTC))
			if n, err := s.Expand(t.Context()); err != nil || n != 1 {
				t.Fatalf("Expand two weeks later = %d, %v; want 1, nil", n, err)
			}
			if n, err := s.Expand(t.Context()); err != nil || n != 0 {
				t.Fatalf("Expand again = %d, %v; want 0, nil", n, err)
			}
			after := meetings(t, s, coord, g.ID)
			if len(after) != 3 || after[0].ID != before[0].ID || !after[0].StartsAt.Equal(before[0].StartsAt) {
				t.Fatalf("after rolling: %d meetings, first %s; want 3 with the past one unchanged", len(after), after[0].ID)
			}
			// Another service on the same store sees the same meetings and creates none.
			if n, err := w.service(t, false).Expand(t.Context()); err != nil || n != 0 {
				t.Fatalf("Expand by a second process = %d, %v; want 0, nil", n, err)
			}
		})
	}
}

// TestExceptions cancels one meeting, moves another and changes the rule from a date on;
// re-expansion brings none of the original occurrences back.
func TestExceptions(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	g := mustGroup(t, s, coord, groupInput(orgID))
	loc := berlin(t)
	if _, err := s.Schedule(t.Context(), coord, schedule(g.ID, "FREQ=WEEKLY;BYDAY=TU", time.Date(2030, 3, 5, 19, 0, 0, 0, loc), "Europe/Berlin")); err != nil {
		t.Fatal(err)
	}
	list := meetings(t, s, coord, g.ID)
	n := len(list)
	if _, err := s.Cancel(t.Context(), coord, list[1].ID, "Feiertag"); err != nil {
		t.Fatal(err)
	}
	moved := time.Date(2030, 3, 21, 18, 0, 0, 0, loc)
	mv, err := s.Move(t.Context(), coord, list[2].ID, moved, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !mv.StartsAt.Equal(moved) || mv.EndsAt.Sub(mv.StartsAt) != 2*time.Hour || !mv.Moved {
		t.Fatalf("moved meeting: %s to %s, moved %v", mv.StartsAt, mv.EndsAt, mv.Moved)
	}
	if k, err := s.Expand(t.Context()); err != nil || k != 0 {
		t.Fatalf("Expand after exceptions = %d, %v; want 0", k, err)
	}
	list = meetings(t, s, coord, g.ID)
	if len(list) != n || list[1].Status != group.Cancelled || list[1].CancelReason != "Feiertag" {
		t.Fatalf("after cancel and re-expansion: %d meetings (want %d), second %s", len(list), n, list[1].Status)
	}

	// From 1 April on the group meets on Thursdays at 18:30.
	series, err := s.Schedules(t.Context(), coord, g.ID)
	if err != nil || len(series) != 1 {
		t.Fatalf("Schedules = %v, %v", series, err)
	}
	from := time.Date(2030, 4, 1, 0, 0, 0, 0, loc)
	in := schedule(g.ID, "FREQ=WEEKLY;BYDAY=TH", time.Date(2030, 4, 4, 18, 30, 0, 0, loc), "Europe/Berlin")
	if _, err := s.ChangeSchedule(t.Context(), coord, series[0].ID, from, in); err != nil {
		t.Fatal(err)
	}
	if k, err := s.Expand(t.Context()); err != nil || k != 0 {
		t.Fatalf("Expand after change = %d, %v; want 0", k, err)
	}
	for _, m := range meetings(t, s, coord, g.ID) {
		local := m.StartsAt.In(loc)
		switch {
		case m.StartsAt.Before(from) && m.SeriesID != series[0].ID:
			t.Errorf("new schedule's meeting before the change date: %s", local)
		case !m.StartsAt.Before(from) && m.SeriesID == series[0].ID && m.Status != group.Cancelled:
			t.Errorf("old schedule's meeting on %s not cancelled", local)
		case !m.StartsAt.Before(from) && m.SeriesID != series[0].ID && (local.Weekday() != time.Thursday || local.Hour() != 18 || local.Minute() != 30):
			t.Errorf("new meeting at %s, want Thursdays 18:30", local)
		}
	}
	if _, err := s.ChangeSchedule(t.Context(), coord, series[0].ID, from, in); !errs.Is(err, errs.Conflict) {
		t.Fatalf("changing a replaced schedule again: %v, want CONFLICT", err)
	}
}

// TestScheduleBadInput refuses bad schedules field by field and writes nothing.
func TestScheduleBadInput(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	g := mustGroup(t, s, coord, groupInput(orgID))
	start := time.Date(2030, 3, 5, 19, 0, 0, 0, berlin(t))
	tests := []struct {
		name, field string
		change      func(*group.ScheduleInput)
	}{
		{"not a rule", "input.rrule", func(in *group.ScheduleInput) { in.RRule = "every second tuesday" }},
		{"unknown frequency", "input.rrule", func(in *group.ScheduleInput) { in.RRule = "FREQ=FORTNIGHTLY" }},
		{"too frequent", "input.rrule", func(in *group.ScheduleInput) { in.RRule = "FREQ=HOURLY" }},
		{"own DTSTART", "input.rrule", func(in *group.ScheduleInput) { in.RRule = "DTSTART:20300305T190000Z\nRRULE:FREQ=WEEKLY" }},
		{"empty rule", "input.rrule", func(in *group.ScheduleInput) { in.RRule = " " }},
		{"no meeting in horizon", "input.rrule", func(in *group.ScheduleInput) { in.RRule = "FREQ=YEARLY;BYMONTH=12"; in.HorizonDays = 30 }},
		{"horizon too large", "input.horizonDays", func(in *group.ScheduleInput) { in.HorizonDays = 5000 }},
		{"negative horizon", "input.horizonDays", func(in *group.ScheduleInput) { in.HorizonDays = -1 }},
		{"capacity zero", "input.capacity", func(in *group.ScheduleInput) { in.Capacity = 0 }},
		{"capacity too large", "input.capacity", func(in *group.ScheduleInput) { in.Capacity = 100000 }},
		{"too short", "input.durationMinutes", func(in *group.ScheduleInput) { in.DurationMinutes = 5 }},
		{"unknown zone", "input.timeZone", func(in *group.ScheduleInput) { in.TimeZone = "Mars/Olympus" }},
		{"past start", "input.startsAt", func(in *group.ScheduleInput) { in.StartsAt = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"bad link", "input.onlineUrl", func(in *group.ScheduleInput) { in.OnlineURL = "http://example.org" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := schedule(g.ID, "FREQ=WEEKLY", start, "Europe/Berlin")
			tt.change(&in)
			_, err := s.Schedule(t.Context(), coord, in)
			wantField(t, err, tt.field)
		})
	}
	series, _ := s.Schedules(t.Context(), coord, g.ID)
	if len(series) != 0 || len(meetings(t, s, coord, g.ID)) != 0 {
		t.Fatalf("bad input wrote %d schedules", len(series))
	}
	// A member may not schedule.
	member := w.user(t, "Mitglied")
	mustJoin(t, s, member, g.ID, "Mondschein")
	if _, err := s.Schedule(t.Context(), member, schedule(g.ID, "FREQ=WEEKLY", start, "")); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("member schedules: %v, want FORBIDDEN", err)
	}
}
