package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func TestWeeklyDigestListsOpenPlacesOncePerWeekAndPerson(t *testing.T) {
	procs := processes(t, 2)
	monday6 := time.Date(2030, 5, 6, 6, 0, 0, 0, berlin)
	c := newClock(monday6)
	f := newFixture(t, procs[0], "unused")
	admin := f.user("adam@example.org", account.LocaleDE)
	coord := f.user("cora@example.org", account.LocaleEN)
	org := organisation.Organisation{Name: "Tafel Mitte", Members: []organisation.Member{
		{UserID: admin, Role: organisation.RoleAdmin}, {UserID: coord, Role: organisation.RoleCoordinator}}}
	quietOrg := organisation.Organisation{Name: "Ohne Lücken", Members: []organisation.Member{{UserID: admin, Role: organisation.RoleAdmin}}}
	for _, o := range []*organisation.Organisation{&org, &quietOrg} {
		if err := procs[0].Organisations().Insert(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	opp := func(orgID, title string, status opportunity.Status) *fixture {
		o := opportunity.Opportunity{OrganisationID: orgID, Title: title, Mode: opportunity.ModeOnsite, Status: status,
			CreatedAt: monday6, UpdatedAt: monday6}
		if err := procs[0].Opportunities().Insert(t.Context(), &o); err != nil {
			t.Fatal(err)
		}
		return &fixture{t: t, st: procs[0], opp: o}
	}
	withCapacity := func(g *fixture, start time.Time, capacity int, status opportunity.ShiftStatus) opportunity.Shift {
		sh := opportunity.Shift{OpportunityID: g.opp.ID, OrganisationID: g.opp.OrganisationID, StartsAt: start.UTC(),
			EndsAt: start.Add(2 * time.Hour).UTC(), TimeZone: "Europe/Berlin", Capacity: capacity, Status: status, CreatedAt: monday6}
		if err := procs[0].Opportunities().InsertShift(t.Context(), &sh); err != nil {
			t.Fatal(err)
		}
		return sh
	}
	tafel := opp(org.ID, "Ausgabe an der Tafel", opportunity.StatusPublished)
	open := withCapacity(tafel, time.Date(2030, 5, 8, 16, 0, 0, 0, berlin), 3, opportunity.ShiftActive)
	full := withCapacity(tafel, time.Date(2030, 5, 11, 10, 0, 0, 0, berlin), 1, opportunity.ShiftActive)
	withCapacity(tafel, time.Date(2030, 5, 25, 10, 0, 0, 0, berlin), 5, opportunity.ShiftActive)   // beyond 14 days
	withCapacity(tafel, time.Date(2030, 5, 9, 10, 0, 0, 0, berlin), 5, opportunity.ShiftCancelled) // cancelled
	withCapacity(opp(org.ID, "Entwurf", opportunity.StatusDraft), time.Date(2030, 5, 9, 10, 0, 0, 0, berlin), 5, opportunity.ShiftActive)
	tafel.signup(open, f.user("vera@example.org", account.LocaleDE), 1, signup.Confirmed, monday6)
	tafel.signup(open, f.user("walt@example.org", account.LocaleDE), 0, signup.Waitlisted, monday6) // holds no place
	tafel.signup(full, f.user("xena@example.org", account.LocaleDE), 1, signup.Confirmed, monday6)
	quiet := opp(quietOrg.ID, "Immer voll", opportunity.StatusPublished)
	quiet.signup(withCapacity(quiet, time.Date(2030, 5, 8, 10, 0, 0, 0, berlin), 1, opportunity.ShiftActive),
		f.user("yuri@example.org", account.LocaleDE), 1, signup.Confirmed, monday6)

	j := jobs(procs[0], nil, "w1", c)
	if n, err := j.Digest.Run(t.Context()); err != nil || n != 2 {
		t.Fatalf("first run created %d (%v), want 2 (admin and coordinator of Tafel Mitte)", n, err)
	}
	for i, d := range []*notify.Digest{j.Digest, jobs(procs[1], nil, "w2", c).Digest} {
		if n, err := d.Run(t.Context()); err != nil || n != 0 {
			t.Fatalf("re-run %d created %d (%v), want 0", i, n, err)
		}
	}
	for _, tt := range []struct {
		user, title, line string
	}{
		{admin, "Offene Plätze in den nächsten 14 Tagen: Tafel Mitte", "- Ausgabe an der Tafel, am Mittwoch, 8. Mai 2030, um 16:00 Uhr (MESZ): 2 von 3 frei"},
		{coord, "Open places in the next 14 days: Tafel Mitte", "- Ausgabe an der Tafel, on Wednesday, 8 May 2030, at 16:00 (CEST): 2 of 3 free"},
	} {
		m, err := j.Service.Message(t.Context(), notify.MessageID(notify.DigestKey(org.ID, tt.user, monday6), notify.Email))
		if err != nil {
			t.Fatal(err)
		}
		if m.Title != tt.title || !strings.Contains(m.Body, tt.line) || strings.Count(m.Body, "\n- ") != 1 {
			t.Errorf("digest = %q\n%s\nwant %q with the one line %q", m.Title, m.Body, tt.title, tt.line)
		}
		// Created at 06:00, inside the default quiet hours: it waits for 08:00.
		if want := time.Date(2030, 5, 6, 8, 0, 0, 0, berlin); !m.NextAttemptAt.Equal(want) {
			t.Errorf("e-mail due %v, want %v", m.NextAttemptAt, want)
		}
	}
	if _, err := j.Service.Message(t.Context(), notify.MessageID(notify.DigestKey(quietOrg.ID, admin, monday6), notify.InApp)); err == nil {
		t.Error("an organisation without open places got a digest")
	}

	// A week later there is a new digest (the open shift is then in the past: nothing is open).
	c.Set(monday6.AddDate(0, 0, 7))
	withCapacity(tafel, time.Date(2030, 5, 14, 10, 0, 0, 0, berlin), 2, opportunity.ShiftActive)
	if n, err := j.Digest.Run(t.Context()); err != nil || n != 2 {
		t.Fatalf("next week created %d (%v), want 2", n, err)
	}
}
