package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/mobile-contract/client"
)

// TestCoordinatorJourney walks a coordinator's path through the app's operations against a
// running server: organisation, opportunity (with the hints it gets), shift, publish, the
// roster as volunteers sign up, attendance.
func TestCoordinatorJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := sharedStoreEnv(t)
	s := start(t, ctx, env)
	url := s.url + "/graphql"

	coord := newApp(url)
	coord.register(t, "leitung@example.org", "Leitung Nachbarschaftshilfe")
	org, err := client.CreateOrganisation(t.Context(), coord, client.CreateOrganisationInput{Name: "Nachbarschaftshilfe Süd"})
	if err != nil {
		t.Fatal(err)
	}
	orgID := org.CreateOrganisation.Organisation.Id
	description := "Einkäufe für ältere Nachbarinnen und Nachbarn erledigen. Nur Männer unter 30."
	created, err := client.CreateOpportunity(t.Context(), coord, client.CreateOpportunityInput{
		OrganisationId: orgID, Title: "Einkaufshilfe", Description: &description, Mode: client.OpportunityModeOnsite,
		Languages: []string{"de"}, Location: &client.LocationInput{Address: ptr("Marktplatz 3, 70173 Stuttgart"), Latitude: 48.77, Longitude: 9.18},
	})
	if err != nil {
		t.Fatal(err)
	}
	opp := created.CreateOpportunity.Opportunity
	// Wording that excludes people is advice, not a refusal: the draft is saved with hints.
	if opp.Status != client.OpportunityStatusDraft || len(created.CreateOpportunity.Warnings) == 0 {
		t.Fatalf("created = %+v, want a DRAFT with warnings", created.CreateOpportunity)
	}

	// The shift begins in a few seconds, so that attendance can be recorded in this test.
	begins := time.Now().Add(3 * time.Second).Truncate(time.Second)
	ends := begins.Add(90 * time.Minute)
	shift, err := client.AddShift(t.Context(), coord, client.AddShiftInput{OpportunityId: opp.Id, StartsAt: &begins, EndsAt: &ends, Capacity: 6})
	if err != nil {
		t.Fatal(err)
	}
	shiftID := shift.AddShift.Shift.Id
	if _, err := client.PublishOpportunity(t.Context(), coord, opp.Id); err != nil {
		t.Fatal(err)
	}

	// Seven neighbours sign up for six places.
	var signups []string
	for i, name := range []string{"Ada", "Bo", "Cem", "Dana", "Emil", "Fritzi", "Gül"} {
		v := newApp(url)
		v.register(t, fmt.Sprintf("helfer%d@example.org", i), name)
		su, err := client.SignUp(t.Context(), v, shiftID, nil)
		if err != nil {
			t.Fatal(err)
		}
		signups = append(signups, su.SignUp.Signup.Id)
	}
	roster, err := client.ShiftRoster(t.Context(), coord, shiftID)
	if err != nil {
		t.Fatal(err)
	}
	r := roster.Shift
	if r.ConfirmedCount != 6 || r.WaitlistCount != 1 || len(r.Signups) != 7 {
		t.Fatalf("roster = %+v, want 6 confirmed and 1 waiting", r)
	}
	seen := map[string]client.SignupStatus{}
	for _, su := range r.Signups {
		if su.Volunteer.Email == nil {
			t.Errorf("the coordinator does not see %s's e-mail address", su.Volunteer.DisplayName)
		}
		seen[su.Volunteer.DisplayName] = su.Status
	}
	if seen["Ada"] != client.SignupStatusConfirmed || seen["Fritzi"] != client.SignupStatusConfirmed || seen["Gül"] != client.SignupStatusWaitlisted {
		t.Fatalf("roster statuses = %v", seen)
	}

	// After the start: five came and stayed an hour, Fritzi did not come.
	time.Sleep(time.Until(begins))
	for _, id := range signups[:5] {
		came, err := client.RecordAttendance(t.Context(), coord, id, true, ptr(1.0))
		if err != nil {
			t.Fatal(err)
		}
		if su := came.RecordAttendance.Signup; su.Status != client.SignupStatusAttended || su.Hours == nil || *su.Hours != 1 || !su.HoursConfirmed {
			t.Fatalf("attended = %+v", su)
		}
	}
	away, err := client.RecordAttendance(t.Context(), coord, signups[5], false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if away.RecordAttendance.Signup.Status != client.SignupStatusNoShow {
		t.Fatalf("no-show = %+v", away.RecordAttendance.Signup)
	}

	// The statistics job of a worker counts the day; small figures stay hidden.
	runStatsJob(t, env)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	today := time.Now().In(berlin).Format(time.DateOnly)
	stats, err := client.EngagementStats(t.Context(), coord, orgID, today, today, client.GranularityDay)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.EngagementStats.Periods) != 1 {
		t.Fatalf("periods = %+v, want today", stats.EngagementStats.Periods)
	}
	day := stats.EngagementStats.Periods[0]
	if v := day.Signups.Value; v == nil || *v != 7 {
		t.Errorf("signups = %+v, want 7", day.Signups)
	}
	if v := day.Attendances.Value; v == nil || *v != 5 {
		t.Errorf("attendances = %+v, want 5", day.Attendances)
	}
	if v := day.ConfirmedHours.Value; v == nil || *v != 5 {
		t.Errorf("confirmed hours = %+v, want 5 (day %+v)", day.ConfirmedHours, day)
	}
	if !day.NoShows.Suppressed || day.NoShows.Value != nil {
		t.Errorf("no-shows = %+v: one person, so suppressed", day.NoShows)
	}
	// Another organisation's coordinator sees none of it.
	other := newApp(url)
	other.register(t, "andere@example.org", "Andere Organisation")
	if _, err := client.EngagementStats(t.Context(), other, orgID, today, today, client.GranularityDay); err == nil ||
		!strings.Contains(err.Error(), "FORBIDDEN") && !strings.Contains(err.Error(), "organisation") {
		t.Fatalf("a stranger's statistics: err = %v, want refused", err)
	}
}

func ptr[T any](v T) *T { return &v }
