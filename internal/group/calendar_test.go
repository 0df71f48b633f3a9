package group_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// TestGroupCalendarFeed renders a member's group meetings, parses the document back and finds
// the meetings at their wall-clock times across the spring clock change, a sensitive group
// under the neutral title, and a revoked feed gone.
func TestGroupCalendarFeed(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	cal := calendar.NewService(w.st.CalendarFeeds(), nil, nil, w.log)
	cal.SetGroups(w.st.GroupCalendarFeeds(), s)
	coord, orgID := w.org(t)
	sensitive := mustGroup(t, s, coord, groupInput(orgID))
	in := groupInput(orgID)
	in.Name, in.Category, in.Mode, in.OnlineURL = "Lesekreis", "culture", opportunity.ModeHybrid, "https://meet.example.org/lesen"
	in.Description = "Wir lesen gemeinsam"
	plain := mustGroup(t, s, coord, in)
	loc := berlin(t)
	for _, g := range []group.View{sensitive, plain} {
		sch := schedule(g.ID, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3", time.Date(2030, 3, 19, 19, 0, 0, 0, loc), "Europe/Berlin")
		if _, err := s.Schedule(t.Context(), coord, sch); err != nil {
			t.Fatal(err)
		}
	}
	member, outsider := w.user(t, "Anna"), w.user(t, "Bernd")
	mustJoin(t, s, member, sensitive.ID, "Kiebitz")
	mustJoin(t, s, member, plain.ID, "Bücherwurm")
	cancelled := meetings(t, s, coord, plain.ID)[2]
	if _, err := s.Cancel(t.Context(), coord, cancelled.ID, ""); err != nil {
		t.Fatal(err)
	}

	token, err := cal.CreateGroupFeed(t.Context(), member)
	if err != nil || !strings.HasPrefix(token, calendar.GroupTokenPrefix) {
		t.Fatalf("CreateGroupFeed = %q, %v", token, err)
	}
	doc, err := cal.Render(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ics.ParseCalendar(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, doc)
	}
	events := parsed.Events()
	if len(events) != 6 {
		t.Fatalf("%d events, want 6:\n%s", len(events), doc)
	}
	titles := map[string]int{}
	for _, ev := range events {
		title := ev.GetProperty(ics.ComponentPropertySummary).Value
		titles[title]++
		start := ev.GetProperty(ics.ComponentPropertyDtStart)
		if tz := start.ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "Europe/Berlin" || !strings.HasSuffix(start.Value, "T190000") {
			t.Errorf("%s starts %v %q, want 19:00 Europe/Berlin", title, start.ICalParameters, start.Value)
		}
		at, err := ev.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		if at.In(loc).Hour() != 19 {
			t.Errorf("%s parses back to %s", title, at.In(loc))
		}
		status := ev.GetProperty(ics.ComponentPropertyStatus).Value
		if uid := ev.Id(); uid == "meeting-"+cancelled.ID+"@mitwirken" && status != "CANCELLED" {
			t.Errorf("cancelled meeting has status %s", status)
		}
	}
	if titles["Gruppentreffen"] != 3 || titles["Lesekreis"] != 3 {
		t.Fatalf("titles %v; want the sensitive group as Gruppentreffen", titles)
	}
	if strings.Contains(string(doc), sensitive.Name) || strings.Contains(string(doc), "Angehörige") || strings.Contains(string(doc), "Sucht") {
		t.Fatalf("the feed reveals the sensitive group:\n%s", doc)
	}
	if !strings.Contains(string(doc), "meet.example.org/lesen") {
		t.Fatalf("the member's feed lacks the online link")
	}
	// The shift feed's tokens do not open the group feed, and an outsider's feed is empty.
	other, err := cal.CreateGroupFeed(t.Context(), outsider)
	if err != nil {
		t.Fatal(err)
	}
	if doc, _ := cal.Render(t.Context(), other); bytes.Contains(doc, []byte("BEGIN:VEVENT")) {
		t.Fatalf("an outsider's feed shows meetings")
	}
	if ok, err := cal.RevokeGroupFeed(t.Context(), member); !ok || err != nil {
		t.Fatalf("RevokeGroupFeed = %v, %v", ok, err)
	}
	if _, err := cal.Render(t.Context(), token); !errs.Is(err, errs.NotFound) {
		t.Fatalf("revoked feed: %v, want NOT_FOUND", err)
	}
}

// TestMeetingReminders reminds attending members a day before, before quiet hours begin, in
// neutral words for a sensitive group, once.
func TestMeetingReminders(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	coord, orgID := w.org(t)
	sensitive := mustGroup(t, s, coord, groupInput(orgID))
	in := groupInput(orgID)
	in.Name, in.Category = "Lesekreis", "culture"
	plain := mustGroup(t, s, coord, in)
	loc := berlin(t)
	member := w.user(t, "Anna")
	var ids []string
	for i, g := range []group.View{sensitive, plain} {
		// Tuesday 07:30: due 07:30 on Monday, inside quiet hours (21:00-08:00), so it goes out
		// at 20:59 on Sunday.
		if _, err := s.Schedule(t.Context(), coord, schedule(g.ID, "FREQ=WEEKLY;COUNT=1", time.Date(2030, 3, 5, 7, 30, 0, 0, loc), "Europe/Berlin")); err != nil {
			t.Fatal(err)
		}
		mustJoin(t, s, member, g.ID, []string{"Kiebitz", "Bücherwurm"}[i])
		m := meetings(t, s, coord, g.ID)[0]
		if _, err := s.RSVP(t.Context(), member, m.ID, true); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	svc := notify.NewService(w.st.Outbox(), w.st.Outbox(), w.st.Accounts(), w.st.Outbox(), w.log)
	clockAt := func(t time.Time) { svc.SetClock(func() time.Time { return t }) }
	job := notify.NewMeetingReminders(svc, w.st.Groups())

	clockAt(time.Date(2030, 3, 3, 20, 0, 0, 0, loc))
	if n, err := job.Run(t.Context()); err != nil || n != 0 {
		t.Fatalf("an hour early: created %d, %v", n, err)
	}
	clockAt(time.Date(2030, 3, 3, 20, 58, 30, 0, loc))
	if n, err := job.Run(t.Context()); err != nil || n != 2 {
		t.Fatalf("before quiet hours: created %d, %v; want 2", n, err)
	}
	if n, err := notify.NewMeetingReminders(svc, w.st.Groups()).Run(t.Context()); err != nil || n != 0 {
		t.Fatalf("re-run in a new process: created %d, %v; want 0", n, err)
	}
	for i, id := range ids {
		key := notify.MeetingReminderKey(id, member.UserID)
		inapp, err := svc.Message(t.Context(), notify.MessageID(key, notify.InApp))
		if err != nil {
			t.Fatal(err)
		}
		mail, err := svc.Message(t.Context(), notify.MessageID(key, notify.Email))
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2030, 3, 3, 20, 59, 0, 0, loc); !mail.NextAttemptAt.Equal(want) {
			t.Errorf("e-mail goes out %s, want %s", mail.NextAttemptAt.In(loc), want)
		}
		if i == 0 {
			if inapp.Title != "Erinnerung: Gruppentreffen" || strings.Contains(inapp.Body+mail.Body+mail.Title, "Sucht") ||
				strings.Contains(inapp.Body, sensitive.Name) || !mail.Sensitive {
				t.Errorf("sensitive reminder: %q / %q; e-mail %q", inapp.Title, inapp.Body, mail.Title)
			}
			continue
		}
		if inapp.Title != "Erinnerung: Lesekreis" || !strings.Contains(inapp.Body, "07:30") {
			t.Errorf("reminder: %q / %q", inapp.Title, inapp.Body)
		}
	}
}

// TestCancelledMeetingNotice tells a member who moved up from the waitlist, and then the
// members who said yes that the meeting is off, in neutral words for a sensitive group, once.
func TestCancelledMeetingNotice(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	svc := notify.NewService(w.st.Outbox(), w.st.Outbox(), w.st.Accounts(), w.st.Outbox(), w.log)
	s.SetNotifier(svc)
	coord, g, m, members := meetingWithMembers(t, w, s, 1, 2, true)
	for _, a := range members {
		if _, err := s.RSVP(t.Context(), a, m.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	// Capacity 1: the second waits; when the first withdraws, the second is told in neutral
	// words, and the first says yes again (and waits).
	if _, err := s.RSVP(t.Context(), members[0], m.ID, false); err != nil {
		t.Fatal(err)
	}
	promoted, err := svc.Message(t.Context(), notify.MessageID(notify.MeetingPromotedKey(m.ID, members[1].UserID), notify.InApp))
	if err != nil || promoted.Title != "Sie haben einen Platz beim Gruppentreffen" || strings.Contains(promoted.Body, g.Name) {
		t.Fatalf("promotion notice %q / %q, %v", promoted.Title, promoted.Body, err)
	}
	if _, err := s.RSVP(t.Context(), members[0], m.ID, true); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.Cancel(t.Context(), coord, m.ID, "Die Leitung ist krank"); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range members {
		msg, err := svc.Message(t.Context(), notify.MessageID(notify.MeetingCancelledKey(m.ID, a.UserID), notify.InApp))
		if err != nil {
			t.Fatal(err)
		}
		if msg.Title != "Gruppentreffen abgesagt" || strings.Contains(msg.Body, g.Name) || strings.Contains(msg.Body, "krank") {
			t.Fatalf("notice for a sensitive group: %q / %q", msg.Title, msg.Body)
		}
	}
}

// TestMovedMeetingNotice: the members who answered are told the new time, once per move, in
// neutral words for a sensitive group.
func TestMovedMeetingNotice(t *testing.T) {
	w := newWorld(t)
	s := w.service(t, true)
	svc := notify.NewService(w.st.Outbox(), w.st.Outbox(), w.st.Accounts(), w.st.Outbox(), w.log)
	s.SetNotifier(svc)
	coord, g, m, members := meetingWithMembers(t, w, s, 5, 2, true)
	if _, err := s.RSVP(t.Context(), members[0], m.ID, true); err != nil {
		t.Fatal(err)
	}
	to := m.StartsAt.Add(48 * time.Hour)
	for range 2 {
		if _, err := s.Move(t.Context(), coord, m.ID, to, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	msg, err := svc.Message(t.Context(), notify.MessageID(notify.MeetingMovedKey(m.ID, members[0].UserID, to), notify.InApp))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Title != "Gruppentreffen verlegt" || strings.Contains(msg.Body, g.Name) ||
		!strings.Contains(msg.Body, notify.When(to.In(m.Location()), "de")) {
		t.Fatalf("notice for a sensitive group: %q / %q", msg.Title, msg.Body)
	}
	// Who did not answer is not told.
	if _, err := svc.Message(t.Context(), notify.MessageID(notify.MeetingMovedKey(m.ID, members[1].UserID, to), notify.InApp)); err == nil {
		t.Fatal("a member who did not answer was told")
	}
}
