package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

const createModuleMutation = `mutation($in: CreateTrainingModuleInput!) { createTrainingModule(input: $in) { module { id version status } } }`

const publishModuleMutation = `mutation($id: ID!) { publishTrainingModule(id: $id) { module { id status version } } }`

const moduleQuery = `query($id: ID!) { trainingModule(id: $id) { id title version status validityMonths
  lessons { id title body } questions { id prompt kind choices correctChoices }
  myProgress { lessonsCompleted lessonsTotal passed attemptsLeftToday completion { id version } } } }`

const submitQuizMutation = `mutation($m: ID!, $a: [QuizAnswerInput!]!, $v: Int) { submitQuiz(moduleId: $m, answers: $a, version: $v) {
  passed scorePercent wrongQuestionIds version attemptsLeftToday completion { id version validUntil valid } } }`

const recordCredentialMutation = `mutation($in: RecordCredentialInput!) { recordCredential(input: $in) { credential {
  id kind label documentDate seenDate validUntil verifiedBy valid volunteer { displayName } organisation { id } } } }`

type moduleView struct {
	ID, Title, Status string
	Version           int
	ValidityMonths    *int
	Lessons           []struct{ ID, Title, Body string }
	Questions         []struct {
		ID, Prompt, Kind string
		Choices          []string
		CorrectChoices   []int
	}
	MyProgress struct {
		LessonsCompleted  []string
		LessonsTotal      int
		Passed            bool
		AttemptsLeftToday int
		Completion        *struct {
			ID      string
			Version int
		}
	}
}

type quizView struct {
	Passed            bool
	ScorePercent      float64
	WrongQuestionIds  []string
	Version           int
	AttemptsLeftToday int
	Completion        *struct {
		ID         string
		Version    int
		ValidUntil *string
		Valid      bool
	}
}

// dataProtection is a module input: two lessons, a single- and a multiple-choice question
// (answers 1, and 0 and 2), all right to pass, valid a year.
func dataProtection(orgID string) map[string]any {
	return map[string]any{"organisationId": orgID, "title": "Datenschutz im Ehrenamt", "summary": "Was du über Daten wissen musst",
		"easyLanguageSummary": "Daten von Menschen sind geschützt.", "languages": []string{"de", "en"},
		"lessons": []map[string]any{{"title": "Grundlagen", "body": "# DSGVO\nPersonenbezogene Daten …"}, {"title": "Praxis", "body": "Im Alltag …"}},
		"questions": []map[string]any{
			{"prompt": "Darf ich Namen von Klienten weitergeben?", "choices": []string{"Ja", "Nein"}, "correctChoices": []int{1}},
			{"prompt": "Was ist geschützt?", "choices": []string{"Gesundheitsdaten", "Das Wetter", "Adressen"}, "correctChoices": []int{0, 2}},
		},
		"passPercent": 100, "validityMonths": 12, "estimatedMinutes": 20}
}

// publishedModule creates and publishes a module as the fixture's coordinator.
func (f fixture) publishedModule(t testing.TB, a *api, in map[string]any) string {
	t.Helper()
	var out struct {
		CreateTrainingModule struct{ Module struct{ ID string } }
	}
	a.As(f.coordinator.AccessToken).Do(t, createModuleMutation, map[string]any{"in": in}).OK(t, &out)
	id := out.CreateTrainingModule.Module.ID
	a.As(f.coordinator.AccessToken).Do(t, publishModuleMutation, map[string]any{"id": id}).OK(t, nil)
	return id
}

func (a *api) module(t testing.TB, token, id string) moduleView {
	t.Helper()
	var out struct{ TrainingModule moduleView }
	a.As(token).Do(t, moduleQuery, map[string]any{"id": id}).OK(t, &out)
	return out.TrainingModule
}

func answersOf(m moduleView, choices ...[]int) []map[string]any {
	out := make([]map[string]any, len(choices))
	for i, c := range choices {
		out[i] = map[string]any{"questionId": m.Questions[i].ID, "choices": c}
	}
	return out
}

// TestTrainingGatesSignupUntilPassed is the journey: a coordinator publishes a
// data-protection module that an opportunity requires; a volunteer who has not passed it
// cannot sign up, reads the lessons, passes the quiz, and can then sign up.
func TestTrainingGatesSignupUntilPassed(t *testing.T) {
	a := newAPI(t)
	coord := a.register(t, "kora@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Beratung Nord")
	f := fixture{coordinator: coord, orgID: org.ID}
	moduleID := f.publishedModule(t, a, dataProtection(org.ID))
	in := onsiteInput(org.ID, "Erstkontakt in der Beratung")
	in["requiredModuleIds"] = []string{moduleID}
	var created struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	a.As(coord.AccessToken).Do(t, createOpportunityMutation, map[string]any{"input": in}).OK(t, &created)
	f.oppID = created.CreateOpportunity.Opportunity.ID
	shiftID := f.addShift(t, a, time.Now().Add(72*time.Hour).Truncate(time.Hour), 2*time.Hour, 3)
	f.publish(t, a)

	vol := a.register(t, "vera@example.org", "Vera")
	e := a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": shiftID}).Fails(t, "FORBIDDEN", "shiftId")
	if !strings.Contains(e.Message, "Datenschutz im Ehrenamt") || e.Extensions["missingModuleIds"] != moduleID {
		t.Fatalf("refusal = %q %v, want the module named", e.Message, e.Extensions)
	}

	// The volunteer sees the module without the answers.
	m := a.module(t, vol.AccessToken, moduleID)
	if m.Status != "PUBLISHED" || len(m.Lessons) != 2 || m.MyProgress.LessonsTotal != 2 || m.MyProgress.AttemptsLeftToday != 5 {
		t.Fatalf("module = %+v", m)
	}
	for _, q := range m.Questions {
		if q.CorrectChoices != nil {
			t.Fatalf("correct choices sent to a volunteer before passing: %+v", q)
		}
	}
	if m.Questions[0].Kind != "SINGLE_CHOICE" || m.Questions[1].Kind != "MULTIPLE_CHOICE" {
		t.Fatalf("kinds = %s %s", m.Questions[0].Kind, m.Questions[1].Kind)
	}
	var lesson struct {
		CompleteLesson struct{ Module moduleView }
	}
	a.As(vol.AccessToken).Do(t, `mutation($m: ID!, $l: ID!) { completeLesson(moduleId: $m, lessonId: $l) { module { myProgress { lessonsCompleted lessonsTotal } } } }`,
		map[string]any{"m": moduleID, "l": m.Lessons[0].ID}).OK(t, &lesson)
	if got := lesson.CompleteLesson.Module.MyProgress.LessonsCompleted; len(got) != 1 || got[0] != m.Lessons[0].ID {
		t.Fatalf("lessons completed = %v", got)
	}

	var res struct{ SubmitQuiz quizView }
	a.As(vol.AccessToken).Do(t, submitQuizMutation, map[string]any{"m": moduleID, "a": answersOf(m, []int{1}, []int{0}), "v": 1}).OK(t, &res)
	if r := res.SubmitQuiz; r.Passed || r.ScorePercent != 50 || len(r.WrongQuestionIds) != 1 || r.WrongQuestionIds[0] != m.Questions[1].ID ||
		r.AttemptsLeftToday != 4 || r.Completion != nil {
		t.Fatalf("failed attempt = %+v", r)
	}
	if m := a.module(t, vol.AccessToken, moduleID); m.Questions[0].CorrectChoices != nil {
		t.Fatal("correct choices sent after a failed attempt")
	}
	a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": shiftID}).Fails(t, "FORBIDDEN", "shiftId")

	a.As(vol.AccessToken).Do(t, submitQuizMutation, map[string]any{"m": moduleID, "a": answersOf(m, []int{1}, []int{2, 0})}).OK(t, &res)
	if r := res.SubmitQuiz; !r.Passed || r.ScorePercent != 100 || len(r.WrongQuestionIds) != 0 || r.Completion == nil ||
		r.Completion.Version != 1 || !r.Completion.Valid || r.Completion.ValidUntil == nil {
		t.Fatalf("passing attempt = %+v", r)
	}
	var signed struct{ SignUp struct{ Signup signupView } }
	a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &signed)
	if signed.SignUp.Signup.Status != "CONFIRMED" {
		t.Fatalf("signup after passing = %s", signed.SignUp.Signup.Status)
	}
	if m := a.module(t, vol.AccessToken, moduleID); !m.MyProgress.Passed || m.Questions[0].CorrectChoices == nil {
		t.Fatalf("after passing: progress %+v, questions %+v", m.MyProgress, m.Questions)
	}
	if events := a.eventsOf(t, "moduleId", moduleID); len(events) != 1 || events[0].Kind != "MODULE_COMPLETED" {
		t.Fatalf("events = %+v", events)
	}

	// The certificate names module, version and dates, and anyone can check it.
	var cert struct {
		TrainingCertificate struct {
			Token, ModuleTitle, HolderName string
			Version                        int
		}
	}
	a.As(vol.AccessToken).Do(t, `query($c: ID!) { trainingCertificate(completionId: $c) { token moduleTitle holderName version passedAt validUntil } }`,
		map[string]any{"c": res.SubmitQuiz.Completion.ID}).OK(t, &cert)
	if c := cert.TrainingCertificate; c.ModuleTitle != "Datenschutz im Ehrenamt" || c.HolderName != "Vera" || c.Version != 1 {
		t.Fatalf("certificate = %+v", c)
	}
	const verify = `query($t: String!) { verifyTrainingCertificate(token: $t) { valid certificate { moduleTitle version holderName } } }`
	var checked struct {
		VerifyTrainingCertificate struct {
			Valid       bool
			Certificate struct{ ModuleTitle string }
		}
	}
	a.Do(t, verify, map[string]any{"t": cert.TrainingCertificate.Token}).OK(t, &checked)
	if !checked.VerifyTrainingCertificate.Valid || checked.VerifyTrainingCertificate.Certificate.ModuleTitle != "Datenschutz im Ehrenamt" {
		t.Fatalf("verification = %+v", checked)
	}
	a.Do(t, verify, map[string]any{"t": cert.TrainingCertificate.Token[:20] + "x" + cert.TrainingCertificate.Token[21:]}).Fails(t, "BAD_USER_INPUT", "token")
	// Nobody else gets the volunteer's certificate.
	a.As(coord.AccessToken).Do(t, `query($c: ID!) { trainingCertificate(completionId: $c) { token } }`,
		map[string]any{"c": res.SubmitQuiz.Completion.ID}).Fails(t, "NOT_FOUND", "")
}

func TestTrainingModuleBadInputChangesNothing(t *testing.T) {
	a := newAPI(t)
	coord := a.register(t, "kora@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Beratung Nord")
	as := a.As(coord.AccessToken)
	for _, tt := range []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"empty quiz", func(in map[string]any) { in["questions"] = []map[string]any{} }, "input.questions"},
		{"pass mark 0", func(in map[string]any) { in["passPercent"] = 0 }, "input.passPercent"},
		{"pass mark 101", func(in map[string]any) { in["passPercent"] = 101 }, "input.passPercent"},
		{"correct choice missing", func(in map[string]any) {
			in["questions"] = []map[string]any{{"prompt": "?", "choices": []string{"a", "b"}, "correctChoices": []int{2}}}
		}, "input.questions.0.correctChoices"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := dataProtection(org.ID)
			tt.edit(in)
			as.Do(t, createModuleMutation, map[string]any{"in": in}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	var list struct{ TrainingModules struct{ TotalCount int } }
	as.Do(t, `{ trainingModules(first: 10) { totalCount edges { node { id } } } }`, nil).OK(t, &list)
	if list.TrainingModules.TotalCount != 0 {
		t.Fatalf("bad input stored %d modules", list.TrainingModules.TotalCount)
	}

	f := fixture{coordinator: coord, orgID: org.ID}
	id := f.publishedModule(t, a, dataProtection(org.ID))
	vol := a.register(t, "vera@example.org", "Vera")
	m := a.module(t, vol.AccessToken, id)
	q0 := m.Questions[0].ID
	for _, tt := range []struct {
		name    string
		answers []map[string]any
		version any
		field   string
	}{
		{"unknown question", []map[string]any{{"questionId": "nope", "choices": []int{0}}}, nil, "answers.0.questionId"},
		{"duplicate answers", []map[string]any{{"questionId": q0, "choices": []int{1}}, {"questionId": q0, "choices": []int{1}}}, nil, "answers.1.questionId"},
		{"stale version", answersOf(m, []int{1}, []int{0, 2}), 2, "version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a.As(vol.AccessToken).Do(t, submitQuizMutation, map[string]any{"m": id, "a": tt.answers, "v": tt.version}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	if m := a.module(t, vol.AccessToken, id); m.MyProgress.AttemptsLeftToday != 5 {
		t.Fatalf("refused submissions used attempts: %d left", m.MyProgress.AttemptsLeftToday)
	}

	// Editing the published module makes version 2; answers to version 1 are refused.
	var upd struct {
		UpdateTrainingModule struct{ Module struct{ Version int } }
	}
	as.Do(t, `mutation($id: ID!, $in: UpdateTrainingModuleInput!) { updateTrainingModule(id: $id, input: $in) { module { version } } }`,
		map[string]any{"id": id, "in": map[string]any{"questions": []map[string]any{
			{"prompt": "Darf ich Fotos posten?", "choices": []string{"Ja", "Nein"}, "correctChoices": []int{1}}}}}).OK(t, &upd)
	if upd.UpdateTrainingModule.Module.Version != 2 {
		t.Fatalf("version after edit = %d", upd.UpdateTrainingModule.Module.Version)
	}
	a.As(vol.AccessToken).Do(t, submitQuizMutation, map[string]any{"m": id, "a": answersOf(m, []int{1}), "v": 1}).Fails(t, "BAD_USER_INPUT", "version")
	a.As(vol.AccessToken).Do(t, submitQuizMutation, map[string]any{"m": id, "a": answersOf(m, []int{1})}).Fails(t, "BAD_USER_INPUT", "answers.0.questionId")
	// A volunteer cannot edit or create.
	a.As(vol.AccessToken).Do(t, `mutation($id: ID!) { publishTrainingModule(id: $id) { module { id } } }`, map[string]any{"id": id}).Fails(t, "FORBIDDEN", "")
	a.As(vol.AccessToken).Do(t, createModuleMutation, map[string]any{"in": dataProtection(org.ID)}).Fails(t, "FORBIDDEN", "")
}

// TestCertificateOfConductGatesChildrenWorkAndExpires: a certificate recorded with its date
// gates a children's-work opportunity, and stops counting on the shifts after it expires.
func TestCertificateOfConductGatesChildrenWorkAndExpires(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"title": "Hausaufgabenhilfe im Kinderhaus", "requiredCredentials": []string{"CERTIFICATE_OF_CONDUCT"}})
	soon := f.addShift(t, a, time.Now().Add(72*time.Hour).Truncate(time.Hour), 2*time.Hour, 3)
	late := f.addShift(t, a, time.Now().Add(40*24*time.Hour).Truncate(time.Hour), 2*time.Hour, 3)
	f.publish(t, a)
	vol := a.register(t, "vera@example.org", "Vera")
	other := a.register(t, "otto@example.org", "Otto")
	var me struct{ Me struct{ ID string } }
	a.As(vol.AccessToken).Do(t, `{ me { id } }`, nil).OK(t, &me)

	e := a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": soon}).Fails(t, "FORBIDDEN", "shiftId")
	if !strings.Contains(e.Message, "certificate of conduct") || e.Extensions["missingCredentials"] != "CERTIFICATE_OF_CONDUCT" {
		t.Fatalf("refusal = %q %v", e.Message, e.Extensions)
	}
	// Issued almost five years ago: it counts for 20 more days.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	issued := time.Now().In(berlin).AddDate(-5, 0, 20).Format(time.DateOnly)
	record := map[string]any{"organisationId": f.orgID, "volunteerId": me.Me.ID, "kind": "CERTIFICATE_OF_CONDUCT", "documentDate": issued}
	// Only the organisation's coordinators record credentials.
	a.As(vol.AccessToken).Do(t, recordCredentialMutation, map[string]any{"in": record}).Fails(t, "FORBIDDEN", "")
	a.As(f.coordinator.AccessToken).Do(t, recordCredentialMutation, map[string]any{"in": map[string]any{
		"organisationId": f.orgID, "volunteerId": me.Me.ID, "kind": "CERTIFICATE_OF_CONDUCT", "documentDate": "2999-01-01"}}).
		Fails(t, "BAD_USER_INPUT", "input.documentDate")
	var rec struct {
		RecordCredential struct {
			Credential struct {
				ID, Kind, Label, DocumentDate, SeenDate, VerifiedBy string
				ValidUntil                                          *string
				Valid                                               bool
				Volunteer                                           struct{ DisplayName string }
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, recordCredentialMutation, map[string]any{"in": record}).OK(t, &rec)
	c := rec.RecordCredential.Credential
	wantUntil := time.Now().In(berlin).AddDate(0, 0, 20).Format(time.DateOnly)
	if c.DocumentDate != issued || c.ValidUntil == nil || *c.ValidUntil != wantUntil || !c.Valid || c.Label != "erweitertes Führungszeugnis" ||
		c.VerifiedBy != "Koordinatorin" || c.Volunteer.DisplayName != "Vera" {
		t.Fatalf("credential = %+v, want valid until %s", c, wantUntil)
	}

	var signed struct{ SignUp struct{ Signup signupView } }
	a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": soon}).OK(t, &signed)
	if signed.SignUp.Signup.Status != "CONFIRMED" {
		t.Fatalf("status = %s", signed.SignUp.Signup.Status)
	}
	// Valid today, expired by the later shift's date.
	e = a.As(vol.AccessToken).Do(t, signUpMutation, map[string]any{"shift": late}).Fails(t, "FORBIDDEN", "shiftId")
	if !strings.Contains(e.Message, "valid until "+wantUntil) {
		t.Fatalf("refusal = %q, want the end date", e.Message)
	}
	// The feed offers the later shift (she holds the earlier one) and says what it needs.
	var feed feedView
	a.As(vol.AccessToken).Do(t, feedQuery, map[string]any{"first": 10}).OK(t, &feed)
	if edges := feed.RecommendedOpportunities.Edges; len(edges) != 1 || edges[0].Node.Shift.ID != late ||
		!hasString(edges[0].Node.Reasons, "es fehlt noch: erweitertes Führungszeugnis") {
		t.Fatalf("feed = %+v, want the later shift with the certificate named as missing", feed)
	}

	// The volunteer sees their own credential; others never see anyone's.
	const mine = `{ myCredentials { id kind validUntil } }`
	var own struct{ MyCredentials []struct{ ID string } }
	a.As(vol.AccessToken).Do(t, mine, nil).OK(t, &own)
	if len(own.MyCredentials) != 1 || own.MyCredentials[0].ID != c.ID {
		t.Fatalf("own credentials = %+v", own)
	}
	a.As(other.AccessToken).Do(t, mine, nil).OK(t, &own)
	if len(own.MyCredentials) != 0 {
		t.Fatalf("another volunteer sees %+v", own)
	}
	const ofOrg = `query($o: ID!) { organisationCredentials(organisationId: $o) { id } }`
	a.As(other.AccessToken).Do(t, ofOrg, map[string]any{"o": f.orgID}).Fails(t, "FORBIDDEN", "")
	a.As(vol.AccessToken).Do(t, `mutation($id: ID!) { revokeCredential(id: $id) { credential { id } } }`, map[string]any{"id": c.ID}).Fails(t, "NOT_FOUND", "")
	var list struct{ OrganisationCredentials []struct{ ID string } }
	a.As(f.coordinator.AccessToken).Do(t, ofOrg, map[string]any{"o": f.orgID}).OK(t, &list)
	if len(list.OrganisationCredentials) != 1 {
		t.Fatalf("organisation lists %+v", list)
	}
}

// TestFeedNamesMissingTrainingAndRecommendsIt: the feed shows a task that needs a module with
// the module as a reason, and the module is recommended for unlocking it.
func TestFeedNamesMissingTrainingAndRecommendsIt(t *testing.T) {
	a := newAPI(t)
	coord := a.register(t, "kora@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Tafel Nord")
	f := fixture{coordinator: coord, orgID: org.ID}
	moduleID := f.publishedModule(t, a, dataProtection(org.ID))
	in := onsiteInput(org.ID, "Ausgabe mit Beratung")
	in["requiredModuleIds"] = []string{moduleID}
	var created struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	a.As(coord.AccessToken).Do(t, createOpportunityMutation, map[string]any{"input": in}).OK(t, &created)
	f.oppID = created.CreateOpportunity.Opportunity.ID
	f.addShift(t, a, nextWeekday(time.Tuesday, 18), 2*time.Hour, 5)
	f.publish(t, a)

	vol := a.register(t, "pia@example.org", "Pia")
	as := a.As(vol.AccessToken)
	as.Do(t, updateProfileMutation, map[string]any{"in": map[string]any{"skills": []string{"cooking"},
		"location": map[string]any{"latitude": 52.53, "longitude": 13.38}, "radiusKm": 10}}).OK(t, nil)
	var feed feedView
	deadline := time.Now().Add(10 * time.Second)
	for {
		as.Do(t, feedQuery, map[string]any{"first": 10}).OK(t, &feed)
		if len(feed.RecommendedOpportunities.Edges) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(feed.RecommendedOpportunities.Edges) != 1 || !hasString(feed.RecommendedOpportunities.Edges[0].Node.Reasons, "es fehlt noch: eine Schulung") {
		t.Fatalf("feed = %+v, want the task with the missing training named", feed)
	}
	const recommended = `{ recommendedTrainingModules(first: 5) { module { id title } score reasons unlocksCount } }`
	var rec struct {
		RecommendedTrainingModules []struct {
			Module       struct{ ID string }
			Score        float64
			Reasons      []string
			UnlocksCount int
		}
	}
	as.Do(t, recommended, nil).OK(t, &rec)
	if r := rec.RecommendedTrainingModules; len(r) != 1 || r[0].Module.ID != moduleID || r[0].UnlocksCount != 1 ||
		!hasString(r[0].Reasons, "schaltet eine Aufgabe in deiner Nähe frei") {
		t.Fatalf("recommended = %+v", r)
	}
	// Passed: the reason goes from the feed, and nothing is left to recommend.
	m := a.module(t, vol.AccessToken, moduleID)
	as.Do(t, submitQuizMutation, map[string]any{"m": moduleID, "a": answersOf(m, []int{1}, []int{0, 2})}).OK(t, nil)
	as.Do(t, feedQuery, map[string]any{"first": 10}).OK(t, &feed)
	if len(feed.RecommendedOpportunities.Edges) != 1 || hasString(feed.RecommendedOpportunities.Edges[0].Node.Reasons, "es fehlt noch") {
		t.Fatalf("feed after passing = %+v", feed)
	}
	as.Do(t, recommended, nil).OK(t, &rec)
	if len(rec.RecommendedTrainingModules) != 0 {
		t.Fatalf("recommended after passing = %+v", rec)
	}
}

func hasString(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestSearchFindsPublishedModules(t *testing.T) {
	a := newAPI(t)
	coord := a.register(t, "kora@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Beratung Nord")
	f := fixture{coordinator: coord, orgID: org.ID}
	id := f.publishedModule(t, a, dataProtection(org.ID))
	draft := dataProtection(org.ID)
	draft["title"] = "Datenschutz für Fortgeschrittene"
	a.As(coord.AccessToken).Do(t, createModuleMutation, map[string]any{"in": draft}).OK(t, nil)
	const q = `query($t: String!) { search(text: $t) { totalCount edges { node { __typename ... on TrainingModule { id title } } } } }`
	var out struct {
		Search struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Typename, ID, Title string } `json:"node"`
			}
		}
	}
	vol := a.register(t, "vera@example.org", "Vera")
	a.As(vol.AccessToken).Do(t, q, map[string]any{"t": "datenschutz"}).OK(t, &out)
	if out.Search.TotalCount != 1 || out.Search.Edges[0].Node.ID != id {
		t.Fatalf("search = %+v, want the published module only", out.Search)
	}
}

// TestQuizAttemptsAreLimitedUnderConcurrency submits the quiz twelve times at once: five are
// graded, the rest are refused with RATE_LIMITED.
func TestQuizAttemptsAreLimitedUnderConcurrency(t *testing.T) {
	a := newAPI(t)
	coord := a.register(t, "kora@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Beratung Nord")
	id := fixture{coordinator: coord, orgID: org.ID}.publishedModule(t, a, dataProtection(org.ID))
	vol := a.volunteers(t, 1)[0]
	m := a.module(t, vol, id)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.As(vol).Do(t, submitQuizMutation, map[string]any{"m": id, "a": answersOf(m, []int{0})})
			mu.Lock()
			defer mu.Unlock()
			if len(r.Errors) == 0 {
				codes["OK"]++
			} else {
				codes[r.Errors[0].Code()]++
			}
		}()
	}
	wg.Wait()
	if codes["OK"] != 5 || codes["RATE_LIMITED"] != 7 {
		t.Fatalf("outcomes = %v, want 5 graded and 7 RATE_LIMITED", codes)
	}
	if m := a.module(t, vol, id); m.MyProgress.AttemptsLeftToday != 0 {
		t.Fatalf("attempts left = %d", m.MyProgress.AttemptsLeftToday)
	}
}

// TestTrainingRecordsAreExportedAndErased: completions, lessons, attempts and credentials are
// in the person's export, and nothing of them is left after deleteMyAccount.
func TestTrainingRecordsAreExportedAndErased(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	id := f.publishedModule(t, a, dataProtection(f.orgID))
	vol := a.register(t, "ada.zyx@example.org", "Ada Zyxwort")
	var me struct{ Me struct{ ID string } }
	as := a.As(vol.AccessToken)
	as.Do(t, `{ me { id } }`, nil).OK(t, &me)
	m := a.module(t, vol.AccessToken, id)
	as.Do(t, `mutation($m: ID!, $l: ID!) { completeLesson(moduleId: $m, lessonId: $l) { module { id } } }`,
		map[string]any{"m": id, "l": m.Lessons[0].ID}).OK(t, nil)
	as.Do(t, submitQuizMutation, map[string]any{"m": id, "a": answersOf(m, []int{1}, []int{0, 2})}).OK(t, nil)
	a.As(f.coordinator.AccessToken).Do(t, recordCredentialMutation, map[string]any{"in": map[string]any{
		"organisationId": f.orgID, "volunteerId": me.Me.ID, "kind": "FIRST_AID", "documentDate": "2026-01-15"}}).OK(t, nil)

	var out struct{ ExportMyData string }
	as.Do(t, `{ exportMyData }`, nil).OK(t, &out)
	dump, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	training := []string{"trainingAttempts", "trainingCompletions", "trainingLessonsDone", "credentials"}
	for _, coll := range training {
		found := 0
		for _, d := range dump[coll] {
			if refersTo(d, me.Me.ID) {
				found++
				if key := fmt.Sprint(d["_id"]); !strings.Contains(out.ExportMyData, key) {
					t.Errorf("%s document %s is not in the export", coll, key)
				}
			}
		}
		if found == 0 {
			t.Errorf("no %s document about the person; the test would not notice a gap", coll)
		}
	}

	as.Do(t, `mutation($p: String!) { deleteMyAccount(password: $p) }`, map[string]any{"p": testPassword}).OK(t, nil)
	after, err := a.store.Dump(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, coll := range append(training, "trainingModules", "trainingModuleVersions") {
		for _, d := range after[coll] {
			if refersTo(d, me.Me.ID, "ada.zyx@example.org", "Ada Zyxwort") {
				t.Errorf("%s keeps %v after the erasure", coll, d)
			}
		}
	}
}

// TestReplayedQuizSubmissionsUseOneAttempt: one keyed submission sent ten times at once is
// graded once; every answer is that grading.
func TestReplayedQuizSubmissionsUseOneAttempt(t *testing.T) {
	a := newAPI(t)
	a.HTTP = manyConnections
	coord := a.register(t, "quiz-replay@example.org", "Kora")
	org := a.createOrg(t, coord.AccessToken, "Beratung Süd")
	id := fixture{coordinator: coord, orgID: org.ID}.publishedModule(t, a, dataProtection(org.ID))
	vol := a.volunteers(t, 1)[0]
	m := a.module(t, vol, id)
	const keyed = `mutation($m: ID!, $a: [QuizAnswerInput!]!, $k: String) { submitQuiz(moduleId: $m, answers: $a, idempotencyKey: $k) {
  passed scorePercent attemptsLeftToday completion { id } } }`
	vars := map[string]any{"m": id, "a": answersOf(m, []int{1}, []int{0, 2}), "k": "app-quiz-key-1"}
	type result struct {
		Passed            bool
		ScorePercent      float64
		AttemptsLeftToday int
		Completion        *struct{ ID string }
	}
	results := make([]result, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			var out struct{ SubmitQuiz result }
			a.As(vol).Do(t, keyed, vars).OK(t, &out)
			results[i] = out.SubmitQuiz
		})
	}
	wg.Wait()
	for _, r := range results {
		if !r.Passed || r.AttemptsLeftToday != 4 || r.Completion == nil || r.Completion.ID != results[0].Completion.ID {
			t.Fatalf("replayed submissions answered %+v, want the one passed attempt each time", results)
		}
	}
	if m := a.module(t, vol, id); m.MyProgress.AttemptsLeftToday != 4 {
		t.Fatalf("attempts left = %d, want 4", m.MyProgress.AttemptsLeftToday)
	}
}
