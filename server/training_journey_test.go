package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/mobile-contract/client"
)

// TestTrainingJourney is the "done when" through the app's own operations against a
// running server: a coordinator publishes a data-protection module that a task requires; the
// volunteer cannot sign up, reads a lesson, fails and then passes the quiz from the app, signs
// up, and sees the certificate of conduct the coordinator recorded.
func TestTrainingJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := sharedStoreEnv(t)
	s := start(t, ctx, env)
	url := s.url + "/graphql"

	staff := gqltest.Client{URL: url}
	var reg struct {
		Register struct{ AccessToken string }
	}
	staff.Do(t, register, map[string]any{"input": map[string]any{"email": "schulung@example.org", "password": "a long enough passphrase", "displayName": "Koordination"}}).OK(t, &reg)
	staff = staff.As(reg.Register.AccessToken)
	var org struct {
		CreateOrganisation struct{ Organisation struct{ ID string } }
	}
	staff.Do(t, `mutation { createOrganisation(input: {name: "Beratung Leipzig"}) { organisation { id } } }`, nil).OK(t, &org)
	orgID := org.CreateOrganisation.Organisation.ID
	var mod struct {
		CreateTrainingModule struct{ Module struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!) { createTrainingModule(input: {organisationId: $o, title: "Datenschutz im Ehrenamt",
	  lessons: [{title: "Grundlagen", body: "Personenbezogene Daten sind geschützt."}],
	  questions: [{prompt: "Darf ich Namen weitergeben?", choices: ["Ja", "Nein"], correctChoices: [1]},
	              {prompt: "Was ist geschützt?", choices: ["Gesundheitsdaten", "Das Wetter", "Adressen"], correctChoices: [0, 2]}],
	  passPercent: 100, validityMonths: 24}) { module { id } } }`, map[string]any{"o": orgID}).OK(t, &mod)
	moduleID := mod.CreateTrainingModule.Module.ID
	staff.Do(t, `mutation($m: ID!) { publishTrainingModule(id: $m) { module { id } } }`, map[string]any{"m": moduleID}).OK(t, nil)
	var opp struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!, $m: ID!) { createOpportunity(input: {organisationId: $o, title: "Erstkontakt in der Beratung", mode: ONSITE,
	  location: {address: "Markt 1, Leipzig", latitude: 51.34, longitude: 12.37}, requiredModuleIds: [$m]}) { opportunity { id } } }`,
		map[string]any{"o": orgID, "m": moduleID}).OK(t, &opp)
	begin := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	var shift struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	staff.Do(t, `mutation($o: ID!, $s: DateTime!, $e: DateTime!) { addShift(input: {opportunityId: $o, startsAt: $s, endsAt: $e, capacity: 3}) { shift { id } } }`,
		map[string]any{"o": opp.CreateOpportunity.Opportunity.ID, "s": begin.Format(time.RFC3339), "e": begin.Add(2 * time.Hour).Format(time.RFC3339)}).OK(t, &shift)
	staff.Do(t, `mutation($o: ID!) { publishOpportunity(id: $o) { opportunity { id } } }`, map[string]any{"o": opp.CreateOpportunity.Opportunity.ID}).OK(t, nil)

	vol := newApp(url)
	vol.register(t, "lea@example.org", "Lea")
	if _, err := client.SignUp(t.Context(), vol, shift.AddShift.Shift.ID, nil); err == nil || !strings.Contains(err.Error(), "Datenschutz im Ehrenamt") {
		t.Fatalf("signup before the training = %v, want a refusal naming the module", err)
	}
	list, err := client.TrainingModules(t.Context(), vol, nil, nil)
	if err != nil || list.TrainingModules.TotalCount != 1 {
		t.Fatalf("modules = %+v, %v", list, err)
	}
	m, err := client.TrainingModule(t.Context(), vol, moduleID)
	if err != nil {
		t.Fatal(err)
	}
	module := m.TrainingModule
	if _, err := client.CompleteLesson(t.Context(), vol, moduleID, module.Lessons[0].Id); err != nil {
		t.Fatal(err)
	}
	answer := func(choices ...[]int) []client.QuizAnswerInput {
		out := make([]client.QuizAnswerInput, len(choices))
		for i, c := range choices {
			out[i] = client.QuizAnswerInput{QuestionId: module.Questions[i].Id, Choices: c}
		}
		return out
	}
	failed, err := client.SubmitQuiz(t.Context(), vol, moduleID, answer([]int{1}, []int{0}), &module.Version, nil)
	if err != nil || failed.SubmitQuiz.Passed || len(failed.SubmitQuiz.WrongQuestionIds) != 1 {
		t.Fatalf("first attempt = %+v, %v", failed, err)
	}
	key := "quiz-offline-0001"
	passed, err := client.SubmitQuiz(t.Context(), vol, moduleID, answer([]int{1}, []int{0, 2}), &module.Version, &key)
	if err != nil || !passed.SubmitQuiz.Passed || passed.SubmitQuiz.Completion == nil || passed.SubmitQuiz.AttemptsLeftToday != 3 {
		t.Fatalf("second attempt = %+v, %v", passed, err)
	}
	// The app, unsure the answer arrived, sends the submission again: the same result, no
	// attempt used.
	again, err := client.SubmitQuiz(t.Context(), vol, moduleID, answer([]int{1}, []int{0, 2}), &module.Version, &key)
	if err != nil || !again.SubmitQuiz.Passed || again.SubmitQuiz.AttemptsLeftToday != 3 || again.SubmitQuiz.Completion == nil ||
		again.SubmitQuiz.Completion.Id != passed.SubmitQuiz.Completion.Id {
		t.Fatalf("replayed submission = %+v, %v; want the first result", again, err)
	}
	signed, err := client.SignUp(t.Context(), vol, shift.AddShift.Shift.ID, nil)
	if err != nil || signed.SignUp.Signup.Status != client.SignupStatusConfirmed {
		t.Fatalf("signup after passing = %+v, %v", signed, err)
	}
	cert, err := client.TrainingCertificate(t.Context(), vol, passed.SubmitQuiz.Completion.Id)
	if err != nil || cert.TrainingCertificate.ModuleTitle != "Datenschutz im Ehrenamt" || cert.TrainingCertificate.HolderName != "Lea" {
		t.Fatalf("certificate = %+v, %v", cert, err)
	}

	// The coordinator records the certificate of conduct she showed; the app lists it.
	var me struct{ Me struct{ ID string } }
	gqltest.Client{URL: url}.As(*vol.token).Do(t, `{ me { id } }`, nil).OK(t, &me)
	staff.Do(t, `mutation($o: ID!, $v: ID!, $d: Date!) { recordCredential(input: {organisationId: $o, volunteerId: $v, kind: "CERTIFICATE_OF_CONDUCT", documentDate: $d}) { credential { id } } }`,
		map[string]any{"o": orgID, "v": me.Me.ID, "d": time.Now().AddDate(0, -1, 0).Format(time.DateOnly)}).OK(t, nil)
	creds, err := client.MyCredentials(t.Context(), vol)
	if err != nil || len(creds.MyCredentials) != 1 || !creds.MyCredentials[0].Valid || len(creds.MyCompletions) != 1 {
		t.Fatalf("my credentials = %+v, %v", creds, err)
	}
	if got := creds.MyCredentials[0].ValidUntil; got == nil || *got != time.Now().AddDate(0, -1, 0).AddDate(5, 0, 0).Format(time.DateOnly) {
		t.Fatalf("valid until %v, want five years from the document's date", got)
	}
}
