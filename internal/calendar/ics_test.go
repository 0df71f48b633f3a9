package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixture is one signup with its shift and opportunity.
type fixture struct {
	su signup.Signup
	sh opportunity.Shift
	o  opportunity.Opportunity
}

func render(t *testing.T, locale string, fs ...fixture) (*ics.Calendar, string) {
	t.Helper()
	var list []signup.Signup
	shifts := map[string]opportunity.Shift{}
	opps := map[string]opportunity.Opportunity{}
	for _, f := range fs {
		list = append(list, f.su)
		shifts[f.sh.ID] = f.sh
		opps[f.o.ID] = f.o
	}
	doc := build(mustTime(t, "2027-01-01T12:00:00Z"), locale, list, shifts, opps)
	cal, err := ics.ParseCalendar(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, doc)
	}
	return cal, string(doc)
}

// timed returns a confirmed signup on an active timed shift of an on-site task.
func timed(id, start, end, zone string) fixture {
	st, _ := time.Parse(time.RFC3339, start)
	en, _ := time.Parse(time.RFC3339, end)
	return fixture{
		su: signup.Signup{ID: id, ShiftID: "sh-" + id, OpportunityID: "op-" + id, UserID: "u1", Status: signup.Confirmed},
		sh: opportunity.Shift{ID: "sh-" + id, OpportunityID: "op-" + id, StartsAt: st.UTC(), EndsAt: en.UTC(), TimeZone: zone, Status: opportunity.ShiftActive},
		o: opportunity.Opportunity{ID: "op-" + id, Title: "Tafel " + id, Mode: opportunity.ModeOnsite, Status: opportunity.StatusPublished,
			Location: &opportunity.Location{Address: "Hauptstraße 1, 10115 Berlin"}},
	}
}

func eventByUID(t *testing.T, cal *ics.Calendar, uid string) *ics.VEvent {
	t.Helper()
	for _, ev := range cal.Events() {
		if ev.Id() == uid {
			return ev
		}
	}
	t.Fatalf("no event with UID %s among %d", uid, len(cal.Events()))
	return nil
}

// prop returns a property's value and its parameter (or "" when absent).
func prop(ev *ics.VEvent, p ics.ComponentProperty, param string) (value, paramValue string) {
	pr := ev.GetProperty(p)
	if pr == nil {
		return "", ""
	}
	if v := pr.ICalParameters[param]; len(v) == 1 {
		paramValue = v[0]
	}
	return pr.Value, paramValue
}

func calProp(cal *ics.Calendar, name ics.Property) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(name) {
			return p.Value
		}
	}
	return ""
}

func TestCalendarHeader(t *testing.T) {
	cal, _ := render(t, "de")
	for _, tt := range []struct {
		name ics.Property
		want string
	}{
		{ics.PropertyProductId, "-//Mitwirken//Calendar//DE"},
		{ics.PropertyVersion, "2.0"},
		{ics.PropertyMethod, "PUBLISH"},
		{ics.PropertyXWRCalName, "Mitwirken"},
	} {
		if got := calProp(cal, tt.name); got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
		}
	}
	if n := len(cal.Events()); n != 0 {
		t.Errorf("events = %d, want 0", n)
	}
}

func TestTimedShiftKeepsWallClockAcrossClockChange(t *testing.T) {
	// Clocks in Berlin go back from 03:00 CEST to 02:00 CET in this night; the shift lasts six
	// hours but runs from 00:30 to 05:30 on the wall clock.
	f := timed("s1", "2027-10-31T00:30:00+02:00", "2027-10-31T05:30:00+01:00", "Europe/Berlin")
	cal, _ := render(t, "de", f)
	ev := eventByUID(t, cal, "s1@mitwirken")
	for _, tt := range []struct {
		prop        ics.ComponentProperty
		value, tz   string
		wantInstant string
	}{
		{ics.ComponentPropertyDtStart, "20271031T003000", "Europe/Berlin", "2027-10-30T22:30:00Z"},
		{ics.ComponentPropertyDtEnd, "20271031T053000", "Europe/Berlin", "2027-10-31T04:30:00Z"},
	} {
		v, tz := prop(ev, tt.prop, "TZID")
		if v != tt.value || tz != tt.tz {
			t.Errorf("%s = %q TZID=%q, want %q TZID=%q", tt.prop, v, tz, tt.value, tt.tz)
		}
	}
	start, err := ev.GetStartAt()
	if err != nil || !start.Equal(mustTime(t, "2027-10-30T22:30:00Z")) {
		t.Errorf("GetStartAt = %v, %v; want 2027-10-30T22:30:00Z", start, err)
	}
	end, err := ev.GetEndAt()
	if err != nil || !end.Equal(mustTime(t, "2027-10-31T04:30:00Z")) {
		t.Errorf("GetEndAt = %v, %v; want 2027-10-31T04:30:00Z", end, err)
	}
	if got, _ := prop(ev, ics.ComponentPropertySummary, ""); got != "Tafel s1" {
		t.Errorf("SUMMARY = %q, want %q", got, "Tafel s1")
	}
	if got, _ := prop(ev, ics.ComponentPropertyLocation, ""); got != "Hauptstraße 1, 10115 Berlin" {
		t.Errorf("LOCATION = %q", got)
	}
	if got, _ := prop(ev, ics.ComponentPropertyStatus, ""); got != "CONFIRMED" {
		t.Errorf("STATUS = %q, want CONFIRMED", got)
	}
	if got, _ := prop(ev, ics.ComponentPropertyUrl, ""); got != "" {
		t.Errorf("URL = %q for an on-site task, want none", got)
	}
	if got, _ := prop(ev, ics.ComponentPropertyDtstamp, ""); got != "20270101T120000Z" {
		t.Errorf("DTSTAMP = %q, want 20270101T120000Z", got)
	}
}

func TestTimesInZones(t *testing.T) {
	for _, tt := range []struct {
		name, start, zone string
		wantValue, wantTZ string
	}{
		{"summer time", "2027-07-01T09:00:00+02:00", "Europe/Berlin", "20270701T090000", "Europe/Berlin"},
		{"winter time", "2027-01-15T09:00:00+01:00", "Europe/Berlin", "20270115T090000", "Europe/Berlin"},
		{"other zone", "2027-07-01T09:00:00-04:00", "America/New_York", "20270701T090000", "America/New_York"},
		{"UTC", "2027-07-01T09:00:00Z", "UTC", "20270701T090000Z", ""},
		{"unknown zone falls back to UTC", "2027-07-01T09:00:00Z", "Mars/Olympus", "20270701T090000Z", ""},
		// 02:00 to 02:59 happen twice in Berlin on 2027-10-31, and readers disagree on which
		// one a local time means, so both are written in UTC.
		{"before the repeated hour", "2027-10-31T01:59:00+02:00", "Europe/Berlin", "20271031T015900", "Europe/Berlin"},
		{"first of a repeated hour", "2027-10-31T02:00:00+02:00", "Europe/Berlin", "20271031T000000Z", ""},
		{"first occurrence", "2027-10-31T02:30:00+02:00", "Europe/Berlin", "20271031T003000Z", ""},
		{"second occurrence", "2027-10-31T02:30:00+01:00", "Europe/Berlin", "20271031T013000Z", ""},
		{"just after the repeated hour", "2027-10-31T03:00:00+01:00", "Europe/Berlin", "20271031T030000", "Europe/Berlin"},
		{"after the spring gap", "2027-03-28T03:30:00+02:00", "Europe/Berlin", "20270328T033000", "Europe/Berlin"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := mustTime(t, tt.start)
			f := timed("x", tt.start, st.Add(time.Hour).Format(time.RFC3339), tt.zone)
			cal, _ := render(t, "de", f)
			ev := eventByUID(t, cal, "x@mitwirken")
			v, tz := prop(ev, ics.ComponentPropertyDtStart, "TZID")
			if v != tt.wantValue || tz != tt.wantTZ {
				t.Errorf("DTSTART = %q TZID=%q, want %q TZID=%q", v, tz, tt.wantValue, tt.wantTZ)
			}
			got, err := ev.GetStartAt()
			if err != nil || !got.Equal(st) {
				t.Errorf("GetStartAt = %v, %v; want %v", got, err, st)
			}
		})
	}
}

func TestCancelledShiftsAndTasks(t *testing.T) {
	shiftOff := timed("a", "2027-05-01T10:00:00+02:00", "2027-05-01T12:00:00+02:00", "Europe/Berlin")
	shiftOff.sh.Status, shiftOff.sh.StatusReason = opportunity.ShiftCancelled, "Raum gesperrt"
	taskOff := timed("b", "2027-05-02T10:00:00+02:00", "2027-05-02T12:00:00+02:00", "Europe/Berlin")
	taskOff.o.Status, taskOff.o.StatusReason = opportunity.StatusCancelled, "Projekt beendet"
	running := timed("c", "2027-05-03T10:00:00+02:00", "2027-05-03T12:00:00+02:00", "Europe/Berlin")
	cal, _ := render(t, "de", shiftOff, taskOff, running)
	for _, tt := range []struct {
		uid, status, description string
	}{
		{"a@mitwirken", "CANCELLED", "Abgesagt: Raum gesperrt"},
		{"b@mitwirken", "CANCELLED", "Abgesagt: Projekt beendet"},
		{"c@mitwirken", "CONFIRMED", ""},
	} {
		ev := eventByUID(t, cal, tt.uid)
		if got, _ := prop(ev, ics.ComponentPropertyStatus, ""); got != tt.status {
			t.Errorf("%s: STATUS = %q, want %q", tt.uid, got, tt.status)
		}
		if got, _ := prop(ev, ics.ComponentPropertyDescription, ""); got != tt.description {
			t.Errorf("%s: DESCRIPTION = %q, want %q", tt.uid, got, tt.description)
		}
	}
}

func TestOnlineTaskCarriesLink(t *testing.T) {
	online := timed("on", "2027-05-01T18:00:00+02:00", "2027-05-01T19:00:00+02:00", "Europe/Berlin")
	online.o.Mode, online.o.Location = opportunity.ModeOnline, nil
	online.o.OnlineURL = "https://meet.example.org/abc-def?pwd=1;2"
	hybrid := timed("hy", "2027-05-02T18:00:00+02:00", "2027-05-02T19:00:00+02:00", "Europe/Berlin")
	hybrid.o.Mode, hybrid.o.OnlineURL = opportunity.ModeHybrid, "https://meet.example.org/hybrid"
	cal, _ := render(t, "en", online, hybrid)

	ev := eventByUID(t, cal, "on@mitwirken")
	if got, _ := prop(ev, ics.ComponentPropertyUrl, ""); got != online.o.OnlineURL {
		t.Errorf("URL = %q, want %q", got, online.o.OnlineURL)
	}
	// The parser leaves TEXT values escaped; unescape as an app would.
	desc, _ := prop(ev, ics.ComponentPropertyDescription, "")
	if got, want := ics.FromText(desc), "Online link: "+online.o.OnlineURL; got != want {
		t.Errorf("DESCRIPTION = %q, want %q", got, want)
	}
	if got, _ := prop(ev, ics.ComponentPropertyLocation, ""); got != "" {
		t.Errorf("LOCATION = %q for an online task, want none", got)
	}

	ev = eventByUID(t, cal, "hy@mitwirken")
	if got, _ := prop(ev, ics.ComponentPropertyUrl, ""); got != hybrid.o.OnlineURL {
		t.Errorf("hybrid URL = %q, want %q", got, hybrid.o.OnlineURL)
	}
	if got, _ := prop(ev, ics.ComponentPropertyLocation, ""); ics.FromText(got) != hybrid.o.Location.Address {
		t.Errorf("hybrid LOCATION = %q, want %q", got, hybrid.o.Location.Address)
	}
}

func TestDeadlineTaskIsAllDayEvent(t *testing.T) {
	for _, tt := range []struct {
		name, deadline, locale string
		wantStart, wantEnd     string
		wantDescription        string
	}{
		{"evening", "2027-05-03T18:00:00+02:00", "de", "20270503", "20270504", "Zu erledigen bis 03.05.2027, 18:00 Uhr (Europe/Berlin)"},
		{"date in the zone, not in UTC", "2027-05-03T00:30:00+02:00", "en", "20270503", "20270504", "Due by 3 May 2027, 00:30 (Europe/Berlin)"},
		{"midnight ends the day before", "2027-05-04T00:00:00+02:00", "de", "20270503", "20270504", "Zu erledigen bis 04.05.2027, 00:00 Uhr (Europe/Berlin)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := timed("d", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "Europe/Berlin")
			f.sh.StartsAt, f.sh.EndsAt, f.sh.Deadline = time.Time{}, time.Time{}, mustTime(t, tt.deadline).UTC()
			f.o.Mode, f.o.Location, f.o.OnlineURL = opportunity.ModeOnline, nil, "https://example.org/task"
			cal, _ := render(t, tt.locale, f)
			ev := eventByUID(t, cal, "d@mitwirken")
			for _, p := range []struct {
				prop ics.ComponentProperty
				want string
			}{{ics.ComponentPropertyDtStart, tt.wantStart}, {ics.ComponentPropertyDtEnd, tt.wantEnd}} {
				v, kind := prop(ev, p.prop, "VALUE")
				if v != p.want || kind != "DATE" {
					t.Errorf("%s = %q VALUE=%q, want %q VALUE=DATE", p.prop, v, kind, p.want)
				}
			}
			if got, _ := prop(ev, ics.ComponentPropertyTransp, ""); got != "TRANSPARENT" {
				t.Errorf("TRANSP = %q, want TRANSPARENT", got)
			}
			desc, _ := prop(ev, ics.ComponentPropertyDescription, "")
			lines := strings.Split(ics.FromText(desc), "\n")
			if lines[0] != tt.wantDescription {
				t.Errorf("DESCRIPTION line 1 = %q, want %q", lines[0], tt.wantDescription)
			}
			if len(lines) != 2 || !strings.Contains(lines[1], "https://example.org/task") {
				t.Errorf("DESCRIPTION = %q, want the link on line 2", lines)
			}
		})
	}
}

func TestTextIsEscapedAndFolded(t *testing.T) {
	f := timed("t", "2027-05-01T10:00:00+02:00", "2027-05-01T12:00:00+02:00", "Europe/Berlin")
	f.o.Title = `Lesepat*in; Kita "Sonnenschein", Raum 3\4 — ` + strings.Repeat("sehr lange Beschreibung ", 8)
	cal, doc := render(t, "de", f)
	for line := range strings.SplitSeq(doc, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets, want at most 75: %q", len(line), line)
		}
	}
	ev := eventByUID(t, cal, "t@mitwirken")
	if got, _ := prop(ev, ics.ComponentPropertySummary, ""); ics.FromText(got) != f.o.Title {
		t.Errorf("SUMMARY = %q, want %q", ics.FromText(got), f.o.Title)
	}
}

func TestEventsAreOrderedAndSkipMissingRecords(t *testing.T) {
	late := timed("late", "2027-06-01T10:00:00+02:00", "2027-06-01T11:00:00+02:00", "Europe/Berlin")
	early := timed("early", "2027-05-01T10:00:00+02:00", "2027-05-01T11:00:00+02:00", "Europe/Berlin")
	list := []signup.Signup{late.su, early.su, {ID: "gone", ShiftID: "sh-gone", OpportunityID: "op-early", Status: signup.Confirmed}}
	shifts := map[string]opportunity.Shift{late.sh.ID: late.sh, early.sh.ID: early.sh}
	opps := map[string]opportunity.Opportunity{late.o.ID: late.o, early.o.ID: early.o}
	doc := build(time.Now(), "de", list, shifts, opps)
	cal, err := ics.ParseCalendar(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var uids []string
	for _, ev := range cal.Events() {
		uids = append(uids, ev.Id())
	}
	if got, want := strings.Join(uids, ","), "early@mitwirken,late@mitwirken"; got != want {
		t.Errorf("UIDs = %s, want %s", got, want)
	}
}

func TestKeepInFeed(t *testing.T) {
	var list []signup.Signup
	for _, st := range []signup.Status{signup.Confirmed, signup.Waitlisted, signup.PendingApproval, signup.Cancelled, signup.Attended, signup.NoShow} {
		list = append(list, signup.Signup{ID: string(st), Status: st})
	}
	var got []string
	for _, su := range keepInFeed(list) {
		got = append(got, su.ID)
	}
	if g, want := strings.Join(got, ","), "CONFIRMED,ATTENDED"; g != want {
		t.Errorf("keepInFeed = %s, want %s", g, want)
	}
}

func TestWellFormed(t *testing.T) {
	tok, hash, err := newToken(TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if hash != hashToken(tok) || len(hash) != 64 {
		t.Errorf("hash = %q, want the 64-digit SHA-256 hex of the token", hash)
	}
	for _, tt := range []struct {
		token string
		want  bool
	}{
		{tok, true},
		{tok[:len(tok)-1], false},
		{"mwr_" + tok[4:], false},
		{tok[:10] + "+" + tok[11:], false},
		{"", false},
	} {
		if got := wellFormed(tt.token, TokenPrefix); got != tt.want {
			t.Errorf("wellFormed(%q) = %v, want %v", tt.token, got, tt.want)
		}
	}
}
