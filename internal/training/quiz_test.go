package training_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/training"
)

func TestGrade(t *testing.T) {
	m := training.Module{Questions: []training.Question{
		{ID: "a", Kind: training.SingleChoice, Choices: []string{"x", "y"}, Correct: []int{1}},
		{ID: "b", Kind: training.MultipleChoice, Choices: []string{"x", "y", "z"}, Correct: []int{0, 2}},
		{ID: "c", Kind: training.SingleChoice, Choices: []string{"x", "y", "z"}, Correct: []int{0}},
	}}
	tests := []struct {
		name    string
		answers []training.Answer
		score   float64
		wrong   []string
	}{
		{"all right", []training.Answer{{"a", []int{1}}, {"b", []int{2, 0}}, {"c", []int{0}}}, 100, nil},
		{"one missing", []training.Answer{{"a", []int{1}}, {"b", []int{0, 2}}}, 66.7, []string{"c"}},
		{"multiple partly right", []training.Answer{{"a", []int{1}}, {"b", []int{0}}, {"c", []int{0}}}, 66.7, []string{"b"}},
		{"multiple with an extra", []training.Answer{{"a", []int{1}}, {"b", []int{0, 1, 2}}, {"c", []int{0}}}, 66.7, []string{"b"}},
		{"empty choice", []training.Answer{{"a", []int{}}, {"b", []int{0, 2}}, {"c", []int{1}}}, 33.3, []string{"a", "c"}},
		{"all wrong", []training.Answer{{"a", []int{0}}, {"b", []int{1}}, {"c", []int{2}}}, 0, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, wrong := training.Grade(m, tt.answers)
			if score != tt.score || !slices.Equal(wrong, tt.wrong) {
				t.Fatalf("Grade = %v %v, want %v %v", score, wrong, tt.score, tt.wrong)
			}
		})
	}
}

func TestModuleInputIsCheckedAndNothingWritten(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	tests := []struct {
		name  string
		edit  func(*training.ModuleInput)
		field string
	}{
		{"empty quiz", func(in *training.ModuleInput) { in.Questions = &[]training.QuestionInput{} }, "input.questions"},
		{"no quiz", func(in *training.ModuleInput) { in.Questions = nil }, "input.questions"},
		{"pass mark 0", func(in *training.ModuleInput) { in.PassPercent = ptr(0) }, "input.passPercent"},
		{"pass mark 101", func(in *training.ModuleInput) { in.PassPercent = ptr(101) }, "input.passPercent"},
		{"one choice", func(in *training.ModuleInput) { q := quiz(); q[0].Choices = q[0].Choices[:1]; in.Questions = &q }, "input.questions.0.choices"},
		{"no correct choice", func(in *training.ModuleInput) { q := quiz(); q[1].Correct = nil; in.Questions = &q }, "input.questions.1.correctChoices"},
		{"correct choice out of range", func(in *training.ModuleInput) { q := quiz(); q[0].Correct = []int{3}; in.Questions = &q }, "input.questions.0.correctChoices"},
		{"single choice with two", func(in *training.ModuleInput) {
			q := quiz()
			q[1].Kind = training.SingleChoice
			in.Questions = &q
		}, "input.questions.1.correctChoices"},
		{"validity", func(in *training.ModuleInput) { in.ValidityMonths = ptr(-1) }, "input.validityMonths"},
		{"title", func(in *training.ModuleInput) { in.Title = ptr(" ") }, "input.title"},
		{"media link", func(in *training.ModuleInput) {
			in.Lessons = &[]training.LessonInput{{Title: "a", Body: "b", MediaURLs: []string{"http://x.org"}}}
		}, "input.lessons.0.mediaUrls.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := moduleInput(e.orgID)
			tt.edit(&in)
			_, err := e.svc.Create(t.Context(), e.coord, in)
			wantKind(t, err, errs.Invalid, tt.field)
		})
	}
	list, err := e.st.Training().Modules(t.Context())
	if err != nil || len(list) != 0 {
		t.Fatalf("stored modules = %d (%v), want none", len(list), err)
	}
	// A volunteer is not staff.
	_, err = e.svc.Create(t.Context(), e.user(t, "vol"), moduleInput(e.orgID))
	wantKind(t, err, errs.Forbidden, "")
}

func TestSubmitQuizRefusesBadAnswersWithoutUsingAnAttempt(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	m := e.published(t, moduleInput(e.orgID))
	vol := e.user(t, "vol")
	q0, q1 := m.Questions[0].ID, m.Questions[1].ID
	tests := []struct {
		name    string
		version int
		answers []training.Answer
		field   string
	}{
		{"no answers", 0, nil, "answers"},
		{"unknown question", 0, []training.Answer{{"nope", []int{0}}}, "answers.0.questionId"},
		{"duplicate answer", 0, []training.Answer{{q0, []int{1}}, {q0, []int{1}}}, "answers.1.questionId"},
		{"choice out of range", 0, []training.Answer{{q1, []int{7}}}, "answers.0.choices"},
		{"choice twice", 0, []training.Answer{{q1, []int{0, 0}}}, "answers.0.choices"},
		{"two for single choice", 0, []training.Answer{{q0, []int{0, 1}}}, "answers.0.choices"},
		{"old version", 2, right(m), "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, tt.version, tt.answers)
			wantKind(t, err, errs.Invalid, tt.field)
		})
	}
	n, err := e.st.Training().Attempts(t.Context(), vol.UserID, m.ID, training.DateOf(start).String())
	if err != nil || n != 0 {
		t.Fatalf("attempts stored = %d (%v), want 0", n, err)
	}
}

func TestPassingRecordsACompletionAndAnEvent(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	m := e.published(t, moduleInput(e.orgID))
	vol := e.user(t, "vol")
	res, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 1, []training.Answer{{m.Questions[0].ID, []int{1}}, {m.Questions[1].ID, []int{0}}})
	if err != nil || res.Passed || res.ScorePercent != 50 || !slices.Equal(res.Wrong, []string{m.Questions[1].ID}) || res.AttemptsLeft != 4 {
		t.Fatalf("failing attempt = %+v, %v", res, err)
	}
	res, err = e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m))
	if err != nil || !res.Passed || res.ScorePercent != 100 || res.Completion == nil {
		t.Fatalf("passing attempt = %+v, %v", res, err)
	}
	if want := start.AddDate(0, 12, 0); !res.Completion.ValidUntil.Equal(want) || res.Completion.Version != 1 {
		t.Fatalf("completion = %+v, want version 1 valid until %v", res.Completion, want)
	}
	e.events.Flush()
	events, err := e.st.Events().EventsOf(t.Context(), "moduleId", m.ID)
	if err != nil || len(events) != 1 || events[0].Kind != engagement.ModuleCompleted || events[0].UserID != vol.UserID {
		t.Fatalf("events = %+v (%v), want one MODULE_COMPLETED", events, err)
	}
	p, err := e.svc.Progress(t.Context(), vol, m)
	if err != nil || !p.Valid || p.AttemptsLeft != 3 {
		t.Fatalf("progress = %+v (%v)", p, err)
	}
}

// TestAttemptLimitHoldsUnderConcurrency submits many quizzes at once: exactly the day's limit
// is graded, the rest is refused, and the next day opens again.
func TestAttemptLimitHoldsUnderConcurrency(t *testing.T) {
	for _, exclusive := range []bool{true, false} {
		t.Run(map[bool]string{true: "one writer", false: "replicas"}[exclusive], func(t *testing.T) {
			e := newEnv(t, training.Config{Exclusive: exclusive})
			m := e.published(t, moduleInput(e.orgID))
			vol := e.user(t, "vol")
			wrong := []training.Answer{{m.Questions[0].ID, []int{0}}}
			// Two services on one store, as two server replicas.
			other := training.NewService(e.st.Training(), e.st.Credentials(), e.orgs, nil, e.events, nil, nil, training.Config{})
			other.SetClock(e.clock.now)
			var wg sync.WaitGroup
			var mu sync.Mutex
			graded, limited := 0, 0
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					svc := e.svc
					if i%2 == 1 {
						svc = other
					}
					_, err := svc.SubmitQuiz(t.Context(), vol, m.ID, 0, wrong)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						graded++
					case errs.Is(err, errs.RateLimited):
						limited++
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if graded != training.DefaultMaxAttemptsPerDay || limited != 16-graded {
				t.Fatalf("graded %d, limited %d; want %d graded", graded, limited, training.DefaultMaxAttemptsPerDay)
			}
			n, err := e.st.Training().Attempts(t.Context(), vol.UserID, m.ID, training.DateOf(start).String())
			if err != nil || n != training.DefaultMaxAttemptsPerDay {
				t.Fatalf("stored attempts = %d (%v)", n, err)
			}
			var re *errs.Error
			_, err = e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, wrong)
			if !errors.As(err, &re) || re.RetryAfter <= 0 || re.RetryAfter > 24*time.Hour {
				t.Fatalf("refusal = %v, want a retry within a day", err)
			}
			e.clock.set(start.Add(24 * time.Hour))
			if _, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m)); err != nil {
				t.Fatalf("next day: %v", err)
			}
		})
	}
}

func TestEditingAPublishedModuleMakesANewVersion(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	m := e.published(t, moduleInput(e.orgID))
	vol := e.user(t, "vol")
	res, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 1, right(m))
	if err != nil || !res.Passed {
		t.Fatal(res, err)
	}
	// A draft edit changes in place; editing the published module makes version 2.
	q := quiz()
	q[0].Prompt = "Darf ich Fotos von Klienten posten?"
	m2, err := e.svc.Update(t.Context(), e.coord, m.ID, training.ModuleInput{Questions: &q})
	if err != nil || m2.Version != 2 || m2.Status != training.StatusPublished {
		t.Fatalf("edit = v%d %s (%v), want v2 published", m2.Version, m2.Status, err)
	}
	v1, err := e.st.Training().ModuleVersion(t.Context(), m.ID, 1)
	if err != nil || v1.Questions[0].Prompt != m.Questions[0].Prompt {
		t.Fatalf("version 1 kept = %+v (%v)", v1.Questions, err)
	}
	// Bad input in an edit writes nothing, not even a version.
	if _, err := e.svc.Update(t.Context(), e.coord, m.ID, training.ModuleInput{PassPercent: ptr(0)}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("bad edit = %v", err)
	}
	if _, err := e.st.Training().ModuleVersion(t.Context(), m.ID, 3); err == nil {
		t.Fatal("a refused edit stored version 3")
	}
	// The completion keeps version 1 and still counts.
	comps, err := e.svc.MyCompletions(t.Context(), vol)
	if err != nil || len(comps) != 1 || comps[0].Version != 1 {
		t.Fatalf("completions = %+v (%v)", comps, err)
	}
	// Answers to version 1 are refused: stale version, and its questions are gone.
	_, err = e.svc.SubmitQuiz(t.Context(), vol, m.ID, 1, right(m2))
	wantKind(t, err, errs.Invalid, "version")
	_, err = e.svc.SubmitQuiz(t.Context(), vol, m.ID, 0, right(m))
	wantKind(t, err, errs.Invalid, "answers.0.questionId")
	if res, err := e.svc.SubmitQuiz(t.Context(), vol, m.ID, 2, right(m2)); err != nil || res.Completion.Version != 2 {
		t.Fatalf("version 2 pass = %+v (%v)", res, err)
	}
	// Another organisation's coordinator cannot edit.
	other := e.user(t, "other")
	if _, err := e.orgs.Create(t.Context(), other, organisationInput()); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Update(t.Context(), other, m.ID, training.ModuleInput{Title: ptr("Übernommen")})
	wantKind(t, err, errs.Forbidden, "")
}

func TestDraftsAreHiddenAndLessonsTracked(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: true})
	draft, err := e.svc.Create(t.Context(), e.coord, moduleInput(e.orgID))
	if err != nil {
		t.Fatal(err)
	}
	vol := e.user(t, "vol")
	if _, err := e.svc.Get(t.Context(), vol, draft.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("volunteer sees a draft: %v", err)
	}
	if p, _ := e.svc.List(t.Context(), vol, 10, ""); p.Total != 0 {
		t.Fatalf("volunteer lists %d modules, want 0", p.Total)
	}
	if p, _ := e.svc.List(t.Context(), e.coord, 10, ""); p.Total != 1 {
		t.Fatalf("coordinator lists %d modules, want 1", p.Total)
	}
	if _, err := e.svc.SubmitQuiz(t.Context(), vol, draft.ID, 0, right(draft)); !errs.Is(err, errs.Invalid) {
		t.Fatalf("quiz of a draft = %v", err)
	}
	m, err := e.svc.Publish(t.Context(), e.coord, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // marking a lesson twice changes nothing
		if _, p, err := e.svc.CompleteLesson(t.Context(), vol, m.ID, m.Lessons[1].ID); err != nil || !slices.Equal(p.LessonsDone, []string{m.Lessons[1].ID}) {
			t.Fatalf("lesson progress = %+v (%v)", p, err)
		}
	}
	_, _, err = e.svc.CompleteLesson(t.Context(), vol, m.ID, "nope")
	wantKind(t, err, errs.Invalid, "lessonId")
}

// TestConcurrentEditsPublishEachVersionOnce edits one published module from two processes at
// once: every edit that succeeds publishes the next version number, and the copy kept of
// each version is the one that was published under it.
func TestConcurrentEditsPublishEachVersionOnce(t *testing.T) {
	e := newEnv(t, training.Config{Exclusive: false})
	m := e.published(t, moduleInput(e.orgID))
	other := training.NewService(e.st.Training(), e.st.Credentials(), e.orgs, nil, e.events, nil, nil, training.Config{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	titles := map[int]string{}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := e.svc
			if i%2 == 1 {
				svc = other
			}
			title := "Datenschutz, Fassung " + string(rune('A'+i))
			got, err := svc.Update(t.Context(), e.coord, m.ID, training.ModuleInput{Title: &title})
			if errs.Is(err, errs.Conflict) {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, ok := titles[got.Version]; ok {
				t.Errorf("version %d published twice: %q and %q", got.Version, prev, title)
			}
			titles[got.Version] = title
		}()
	}
	wg.Wait()
	final, err := e.st.Training().Module(t.Context(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of 8 edits published a version", len(titles))
	if final.Version != 1+len(titles) {
		t.Fatalf("version %d after %d successful edits", final.Version, len(titles))
	}
	for v, title := range titles {
		kept, err := e.st.Training().ModuleVersion(t.Context(), m.ID, v)
		if err != nil || kept.Title != title {
			t.Errorf("version %d kept as %q (%v), published as %q", v, kept.Title, err, title)
		}
	}
}
