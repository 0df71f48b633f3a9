package notify_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func TestRemindersAreCreatedOnceInTheRecipientsLanguage(t *testing.T) {
	procs := processes(t, 2)
	c := newClock(friday10)
	f := newFixture(t, procs[0], "Ausgabe an der Tafel")
	sh := f.shift(time.Date(2030, 5, 4, 9, 30, 0, 0, berlin))
	before := time.Date(2030, 4, 1, 0, 0, 0, 0, berlin)
	de := f.signup(sh, f.user("dora@example.org", account.LocaleDE), 1, signup.Confirmed, before)
	en := f.signup(sh, f.user("emma@example.org", account.LocaleEN), 2, signup.Confirmed, before)
	appOnly := f.user("anna@example.org", account.LocaleDE)
	if _, err := jobs(procs[0], nil, "w", c).Service.SetPreferences(t.Context(), notify.Preferences{UserID: appOnly, InApp: true,
		QuietStart: notify.DefaultQuietStart, QuietEnd: notify.DefaultQuietEnd, TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	app := f.signup(sh, appOnly, 3, signup.Confirmed, before)

	j := jobs(procs[0], nil, "w", c)
	if n, err := j.Reminders.Run(t.Context()); err != nil || n != 3 {
		t.Fatalf("first run created %d (%v), want 3", n, err)
	}
	for i, r := range []*notify.Reminders{j.Reminders, jobs(procs[1], nil, "w2", c).Reminders} {
		if n, err := r.Run(t.Context()); err != nil || n != 0 {
			t.Fatalf("re-run %d created %d (%v), want 0", i, n, err)
		}
	}
	for _, tt := range []struct {
		signup string
		ch     notify.Channel
		title  string
		body   string
	}{
		{de, notify.Email, "Erinnerung: Ausgabe an der Tafel", "beginnt am Samstag, 4. Mai 2030, um 09:30 Uhr (MESZ)"},
		{de, notify.InApp, "Erinnerung: Ausgabe an der Tafel", "Ihr Einsatz"},
		{en, notify.Email, "Reminder: Ausgabe an der Tafel", "starts on Saturday, 4 May 2030, at 09:30 (CEST)"},
		{app, notify.InApp, "Erinnerung: Ausgabe an der Tafel", "Ihr Einsatz"},
	} {
		id := notify.MessageID(notify.ReminderKey(tt.signup, 24*time.Hour), tt.ch)
		m, err := j.Service.Message(t.Context(), id)
		if err != nil {
			t.Errorf("Message(%s): %v", id, err)
			continue
		}
		if m.Title != tt.title || !strings.Contains(m.Body, tt.body) {
			t.Errorf("%s: %q / %q; want %q containing %q", id, m.Title, m.Body, tt.title, tt.body)
		}
		wantStatus := notify.Pending
		if tt.ch == notify.InApp {
			wantStatus = notify.Sent
		}
		if m.Status != wantStatus {
			t.Errorf("%s: status %s, want %s", id, m.Status, wantStatus)
		}
	}
	if _, err := j.Service.Message(t.Context(), notify.MessageID(notify.ReminderKey(app, 24*time.Hour), notify.Email)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("e-mail to a user who turned e-mail off: err = %v, want none stored", err)
	}
}

// TestEarlyShiftRemindersGoOutTheEveningBefore walks a clock through the days before a
// 07:00 Sunday shift, on an ordinary weekend and on both daylight-saving weekends, and checks
// when the reminders are created and sent: the 24 h reminder (due 07:00 on Saturday) at
// 20:59 on Friday, the 2 h one (due 05:00 on Sunday) at 20:59 on Saturday; never at night.
func TestEarlyShiftRemindersGoOutTheEveningBefore(t *testing.T) {
	for _, sunday := range []time.Time{
		time.Date(2030, 5, 5, 7, 0, 0, 0, berlin),
		time.Date(2027, 3, 28, 7, 0, 0, 0, berlin),  // clocks spring forward at 02:00
		time.Date(2027, 10, 31, 7, 0, 0, 0, berlin), // clocks fall back at 03:00
	} {
		t.Run(sunday.Format("2006-01-02"), func(t *testing.T) {
			procs := processes(t, 1)
			srv := mailtest.Start(t)
			y, m, d := sunday.Date()
			local := func(day, h, min int) time.Time { return time.Date(y, m, d+day, h, min, 0, 0, berlin) }
			c := newClock(local(-3, 12, 0))
			f := newFixture(t, procs[0], "Frühstück")
			sh := f.shift(sunday)
			su := f.signup(sh, f.user("fred@example.org", account.LocaleDE), 1, signup.Confirmed, local(-10, 9, 0))
			j := jobs(procs[0], sender(t, srv), "w", c)
			// The job runs every minute and creates a reminder up to 70 s before its time;
			// delivery runs every 10 s and sends it at its time.
			for _, step := range []struct {
				at            time.Time
				created, sent int
			}{
				{local(-2, 20, 57), 0, 0},
				{local(-2, 20, 58), 1, 0}, // Friday: the 24 h reminder, queued for 20:59
				{local(-2, 20, 59), 0, 1},
				{local(-1, 0, 1), 0, 0},
				{local(-1, 7, 0), 0, 0},
				{local(-1, 20, 57), 0, 0},
				{local(-1, 20, 58), 1, 0}, // Saturday: the 2 h reminder
				{local(-1, 20, 59), 0, 1},
				{local(0, 0, 1), 0, 0},
				{local(0, 5, 0), 0, 0},
			} {
				c.Set(step.at)
				n, err := j.Reminders.Run(t.Context())
				if err != nil || n != int64(step.created) {
					t.Fatalf("at %v: created %d (%v), want %d", step.at, n, err, step.created)
				}
				before := srv.Count()
				if _, err := j.Delivery.Run(t.Context()); err != nil {
					t.Fatal(err)
				}
				if got := srv.Count() - before; got != step.sent {
					t.Fatalf("at %v: sent %d e-mails, want %d", step.at, got, step.sent)
				}
			}
			for _, lead := range []time.Duration{24 * time.Hour, 2 * time.Hour} {
				m, err := j.Service.Message(t.Context(), notify.MessageID(notify.ReminderKey(su, lead), notify.Email))
				if err != nil || m.Status != notify.Sent {
					t.Fatalf("%v reminder: %s (%v), want SENT", lead, m.Status, err)
				}
				if h, min, _ := m.SentAt.In(berlin).Clock(); h != 20 || min != 59 {
					t.Errorf("%v reminder sent at %v, want 20:59", lead, m.SentAt.In(berlin))
				}
			}
		})
	}
}

func TestRemindersThatNoLongerFitAreNotSent(t *testing.T) {
	procs := processes(t, 1)
	c := newClock(friday10)
	f := newFixture(t, procs[0], "Tafel")
	before := time.Date(2030, 4, 1, 0, 0, 0, 0, berlin)
	tomorrow := f.shift(time.Date(2030, 5, 4, 9, 30, 0, 0, berlin))
	cancelled := f.shift(time.Date(2030, 5, 4, 9, 30, 0, 0, berlin))
	if _, err := procs[0].Opportunities().UpdateShift(t.Context(), cancelled.ID, func(sh *opportunity.Shift) error {
		sh.Status = opportunity.ShiftCancelled
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	soon := f.shift(time.Date(2030, 5, 3, 11, 30, 0, 0, berlin))

	late := f.signup(tomorrow, f.user("late@example.org", "de"), 1, signup.Confirmed, friday10.Add(-10*time.Minute)) // after the 24 h mark
	waiting := f.signup(tomorrow, f.user("wait@example.org", "de"), 0, signup.Waitlisted, before)
	off := f.signup(cancelled, f.user("off@example.org", "de"), 1, signup.Confirmed, before)
	// The worker was down when the 24 h reminder of the shift at 11:30 was due: only the 2 h
	// one, due now, goes out.
	down := f.signup(soon, f.user("down@example.org", "de"), 1, signup.Confirmed, before)

	j := jobs(procs[0], nil, "w", c)
	if n, err := j.Reminders.Run(t.Context()); err != nil || n != 1 {
		t.Fatalf("created %d (%v), want 1", n, err)
	}
	for _, tt := range []struct {
		signup string
		lead   time.Duration
		want   bool
	}{
		{late, 24 * time.Hour, false}, {waiting, 24 * time.Hour, false}, {off, 24 * time.Hour, false},
		{down, 24 * time.Hour, false}, {down, 2 * time.Hour, true},
	} {
		_, err := j.Service.Message(t.Context(), notify.MessageID(notify.ReminderKey(tt.signup, tt.lead), notify.InApp))
		if got := err == nil; got != tt.want {
			t.Errorf("reminder %s %v: stored = %v (%v), want %v", tt.signup, tt.lead, got, err, tt.want)
		}
	}
}

// TestReminderLeadsAreConfigurable: with leads of 48 h and 3 h, a shift in three hours gets
// the 3 h reminder and none at the default 2 h.
func TestReminderLeadsAreConfigurable(t *testing.T) {
	procs := processes(t, 1)
	c := newClock(friday10)
	f := newFixture(t, procs[0], "Tafel")
	sh := f.shift(friday10.Add(3 * time.Hour))
	id := f.signup(sh, f.user("lead@example.org", "de"), 1, signup.Confirmed, time.Date(2030, 4, 1, 0, 0, 0, 0, berlin))
	j := jobs(procs[0], nil, "w", c)
	j.Reminders.SetLeads([]time.Duration{3 * time.Hour, 48 * time.Hour})
	if n, err := j.Reminders.Run(t.Context()); err != nil || n != 1 {
		t.Fatalf("created %d (%v), want 1", n, err)
	}
	for lead, want := range map[time.Duration]bool{3 * time.Hour: true, 2 * time.Hour: false, 48 * time.Hour: false} {
		_, err := j.Service.Message(t.Context(), notify.MessageID(notify.ReminderKey(id, lead), notify.InApp))
		if got := err == nil; got != want {
			t.Errorf("reminder %v before: stored = %v (%v), want %v", lead, got, err, want)
		}
	}
}
