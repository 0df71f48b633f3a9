package main

import (
	"context"
	"fmt"
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
	shift, err := client.AddShift(t.Context(), coord, client.AddShiftInput{OpportunityId: opp.Id, StartsAt: &begins, EndsAt: &ends, Capacity: 2})
	if err != nil {
		t.Fatal(err)
	}
	shiftID := shift.AddShift.Shift.Id
	if _, err := client.PublishOpportunity(t.Context(), coord, opp.Id); err != nil {
		t.Fatal(err)
	}

	// Three neighbours sign up for two places.
	var signups []string
	for i, name := range []string{"Ada", "Bo", "Cem"} {
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
	if r.ConfirmedCount != 2 || r.WaitlistCount != 1 || len(r.Signups) != 3 {
		t.Fatalf("roster = %+v, want 2 confirmed and 1 waiting", r)
	}
	seen := map[string]client.SignupStatus{}
	for _, su := range r.Signups {
		if su.Volunteer.Email == nil {
			t.Errorf("the coordinator does not see %s's e-mail address", su.Volunteer.DisplayName)
		}
		seen[su.Volunteer.DisplayName] = su.Status
	}
	if seen["Ada"] != client.SignupStatusConfirmed || seen["Bo"] != client.SignupStatusConfirmed || seen["Cem"] != client.SignupStatusWaitlisted {
		t.Fatalf("roster statuses = %v", seen)
	}

	// After the start: Ada came and stayed an hour, Bo did not come.
	time.Sleep(time.Until(begins))
	came, err := client.RecordAttendance(t.Context(), coord, signups[0], true, ptr(1.0))
	if err != nil {
		t.Fatal(err)
	}
	if su := came.RecordAttendance.Signup; su.Status != client.SignupStatusAttended || su.Hours == nil || *su.Hours != 1 || !su.HoursConfirmed {
		t.Fatalf("attended = %+v", su)
	}
	away, err := client.RecordAttendance(t.Context(), coord, signups[1], false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if away.RecordAttendance.Signup.Status != client.SignupStatusNoShow {
		t.Fatalf("no-show = %+v", away.RecordAttendance.Signup)
	}
}

func ptr[T any](v T) *T { return &v }
