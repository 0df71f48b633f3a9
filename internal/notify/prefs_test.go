package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/notify"
)

func TestSendAtKeepsQuietHours(t *testing.T) {
	def := notify.DefaultPreferences("u")
	ny := def
	ny.TimeZone = "America/New_York"
	none := def
	none.QuietStart, none.QuietEnd = 0, 0
	midday := def
	midday.QuietStart, midday.QuietEnd = 13*60, 15*60
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, berlin) }
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tt := range []struct {
		name               string
		p                  notify.Preferences
		due, now, deadline time.Time
		reminder           bool
		want               time.Time // zero: not sent
	}{
		{name: "reminder due in quiet hours goes out before they begin",
			p: def, due: at(2030, 5, 4, 7, 0), now: at(2030, 5, 2, 12, 0), reminder: true, want: at(2030, 5, 3, 20, 59)},
		{name: "reminder due by day goes out on time",
			p: def, due: at(2030, 5, 4, 12, 0), now: at(2030, 5, 2, 12, 0), reminder: true, want: at(2030, 5, 4, 12, 0)},
		{name: "reminder due just before quiet hours",
			p: def, due: at(2030, 5, 3, 20, 59), now: at(2030, 5, 2, 12, 0), reminder: true, want: at(2030, 5, 3, 20, 59)},
		{name: "reminder due at the start of quiet hours",
			p: def, due: at(2030, 5, 3, 21, 0), now: at(2030, 5, 2, 12, 0), reminder: true, want: at(2030, 5, 3, 20, 59)},
		{name: "reminder whose early moment passed waits for the morning",
			p: def, due: at(2030, 5, 4, 7, 0), now: at(2030, 5, 3, 22, 0), deadline: at(2030, 5, 4, 9, 0), reminder: true, want: at(2030, 5, 4, 8, 0)},
		{name: "reminder with no humane moment before the shift is dropped",
			p: def, due: at(2030, 5, 4, 5, 0), now: at(2030, 5, 3, 22, 0), deadline: at(2030, 5, 4, 7, 0), reminder: true},
		{name: "reminder overdue at night waits for the morning, never 00:01",
			p: def, due: at(2030, 5, 3, 20, 0), now: at(2030, 5, 4, 0, 1), deadline: at(2030, 5, 5, 7, 0), reminder: true, want: at(2030, 5, 4, 8, 0)},
		{name: "notice at night waits for the end of quiet hours",
			p: def, due: at(2030, 5, 3, 23, 30), now: at(2030, 5, 3, 23, 30), want: at(2030, 5, 4, 8, 0)},
		{name: "notice in the evening goes out at once",
			p: def, due: at(2030, 5, 3, 20, 0), now: at(2030, 5, 3, 20, 0), want: at(2030, 5, 3, 20, 0)},
		{name: "notice at the end of quiet hours goes out at once",
			p: def, due: at(2030, 5, 4, 8, 0), now: at(2030, 5, 4, 8, 0), want: at(2030, 5, 4, 8, 0)},
		{name: "past due outside quiet hours goes out now",
			p: def, due: at(2030, 5, 4, 9, 0), now: at(2030, 5, 4, 10, 0), want: at(2030, 5, 4, 10, 0)},
		// 2027-03-28: clocks go from 02:00 CET to 03:00 CEST.
		{name: "spring forward: 2 h reminder of a 07:00 shift",
			p: def, due: utc(2027, 3, 28, 3, 0), now: utc(2027, 3, 27, 12, 0), reminder: true, want: utc(2027, 3, 27, 19, 59)},
		{name: "spring forward: 24 h reminder of a Monday 07:00 shift",
			p: def, due: utc(2027, 3, 28, 5, 0), now: utc(2027, 3, 27, 12, 0), reminder: true, want: utc(2027, 3, 27, 19, 59)},
		{name: "spring forward: notice in the short night waits until 08:00 CEST",
			p: def, due: utc(2027, 3, 28, 0, 30), now: utc(2027, 3, 28, 0, 30), want: utc(2027, 3, 28, 6, 0)},
		{name: "spring forward: evening before the change",
			p: def, due: utc(2027, 3, 28, 19, 30), now: utc(2027, 3, 27, 12, 0), reminder: true, want: utc(2027, 3, 28, 18, 59)},
		// 2027-10-31: clocks go from 03:00 CEST back to 02:00 CET.
		{name: "fall back: 24 h reminder of a Monday 07:00 shift",
			p: def, due: utc(2027, 10, 31, 6, 0), now: utc(2027, 10, 30, 12, 0), reminder: true, want: utc(2027, 10, 30, 18, 59)},
		{name: "fall back: notice in the repeated hour waits until 08:00 CET",
			p: def, due: utc(2027, 10, 31, 1, 30), now: utc(2027, 10, 31, 1, 30), want: utc(2027, 10, 31, 7, 0)},
		{name: "fall back: reminder in the evening after the change",
			p: def, due: utc(2027, 10, 31, 20, 30), now: utc(2027, 10, 30, 12, 0), reminder: true, want: utc(2027, 10, 31, 19, 59)},
		{name: "another time zone",
			p: ny, due: at(2030, 5, 4, 12, 0), now: at(2030, 5, 2, 12, 0), reminder: true,
			want: time.Date(2030, 5, 3, 20, 59, 0, 0, mustZone("America/New_York"))},
		{name: "no quiet hours",
			p: none, due: at(2030, 5, 4, 3, 0), now: at(2030, 5, 2, 12, 0), reminder: true, want: at(2030, 5, 4, 3, 0)},
		{name: "quiet hours within a day",
			p: midday, due: at(2030, 5, 4, 14, 0), now: at(2030, 5, 4, 14, 0), want: at(2030, 5, 4, 15, 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.SendAt(tt.due, tt.now, tt.deadline, tt.reminder)
			if tt.want.IsZero() {
				if ok {
					t.Fatalf("SendAt() = %v, want not sent", got.In(berlin))
				}
				return
			}
			if !ok || !got.Equal(tt.want) {
				t.Fatalf("SendAt() = %v, %v; want %v (%v in Berlin)", got.In(berlin), ok, tt.want.In(berlin), tt.want.UTC())
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want notify.Clock
		ok   bool
	}{{"21:00", 21 * 60, true}, {"08:05", 8*60 + 5, true}, {"00:00", 0, true}, {"24:00", 0, false}, {"9pm", 0, false}} {
		got, err := notify.ParseClock(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestRenderSpeaksTheRecipientsLanguage(t *testing.T) {
	start := time.Date(2027, 10, 31, 7, 0, 0, 0, berlin)
	for _, tt := range []struct {
		loc   account.Locale
		kind  notify.Kind
		title string
		body  []string
	}{
		{account.LocaleDE, notify.ShiftReminder, "Erinnerung: Tafel", []string{"Guten Tag Ada,", "beginnt am Sonntag, 31. Oktober 2027, um 07:00 Uhr (MEZ)."}},
		{account.LocaleEN, notify.ShiftReminder, "Reminder: Tafel", []string{"Hello Ada,", "starts on Sunday, 31 October 2027, at 07:00 (CET)."}},
		{"", notify.Promoted, "Sie haben einen Platz: Tafel", []string{"ist ein Platz frei geworden"}},
		{account.LocaleEN, notify.ShiftCancelled, "Shift cancelled: Tafel", []string{"will not take place", "The organisation writes: Regen"}},
		{account.LocaleDE, notify.OpportunityCancelled, "Abgesagt: Tafel", []string{"findet nicht statt", "Die Organisation schreibt dazu: Regen"}},
	} {
		title, body, err := notify.Render(tt.kind, tt.loc, notify.Data{Name: "Ada", Title: "Tafel", Start: start, Reason: "Regen"})
		if err != nil {
			t.Fatal(err)
		}
		if title != tt.title {
			t.Errorf("Render(%s, %q) title = %q, want %q", tt.kind, tt.loc, title, tt.title)
		}
		for _, w := range tt.body {
			if !contains(body, w) {
				t.Errorf("Render(%s, %q) body lacks %q:\n%s", tt.kind, tt.loc, w, body)
			}
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
