package training_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
	"github.com/mitwirken/mitwirken/internal/training"
)

// env is a training service on a fresh database, with an organisation whose admin is coord.
type env struct {
	svc    *training.Service
	st     *store.Store
	events *engagement.Recorder
	orgs   *organisation.Service
	coord  auth.Actor
	orgID  string
	clock  *clock
}

// clock is a settable time for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

var berlin, _ = time.LoadLocation("Europe/Berlin")

// start is a Tuesday morning in German time.
var start = time.Date(2030, 3, 5, 10, 0, 0, 0, berlin)

func newEnv(t *testing.T, cfg training.Config) *env {
	t.Helper()
	st := storetest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	events := engagement.NewRecorder(st.Events(), log)
	t.Cleanup(events.Close)
	accounts := account.NewService(st.Accounts(), st.Throttle(), nil, log)
	orgs := organisation.NewService(st.Organisations(), accounts)
	svc := training.NewService(st.Training(), st.Credentials(), orgs, accounts, events, st.Signups(), log, cfg)
	c := &clock{t: start}
	svc.SetClock(c.now)
	if err := svc.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := &env{svc: svc, st: st, events: events, orgs: orgs, clock: c}
	e.coord = e.user(t, "coord")
	o, err := orgs.Create(t.Context(), e.coord, organisation.CreateInput{Name: "Kinderhaus Nord"})
	if err != nil {
		t.Fatal(err)
	}
	e.orgID = o.ID
	return e
}

var userSeq sync.Mutex
var userN int

// user creates an account in the store and returns its actor.
func (e *env) user(t *testing.T, name string) auth.Actor {
	t.Helper()
	userSeq.Lock()
	userN++
	n := userN
	userSeq.Unlock()
	u := account.User{Email: fmt.Sprintf("%s-%d@example.org", name, n), DisplayName: name, PasswordHash: "x",
		Locale: account.LocaleDE, CreatedAt: time.Now()}
	if err := e.st.Accounts().InsertUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Locale: "de"}
}

func ptr[T any](v T) *T { return &v }

// quiz is two questions: one single choice (answer 1), one multiple choice (answers 0 and 2).
func quiz() []training.QuestionInput {
	return []training.QuestionInput{
		{Prompt: "Darf ich Namen von Klienten weitergeben?", Choices: []string{"Ja", "Nein", "Nur an Freunde"}, Correct: []int{1}},
		{Prompt: "Was ist geschützt?", Choices: []string{"Gesundheitsdaten", "Das Wetter", "Adressen"}, Correct: []int{0, 2}},
	}
}

func moduleInput(orgID string) training.ModuleInput {
	return training.ModuleInput{OrganisationID: orgID, Title: ptr("Datenschutz im Ehrenamt"), Summary: ptr("Was du wissen musst"),
		Lessons: &[]training.LessonInput{{Title: "Grundlagen", Body: "# DSGVO\nPersonenbezogene Daten sind …"},
			{Title: "Praxis", Body: "Im Alltag …"}},
		Questions: ptr(quiz()), PassPercent: ptr(100), ValidityMonths: ptr(12)}
}

// published creates and publishes a module.
func (e *env) published(t *testing.T, in training.ModuleInput) training.Module {
	t.Helper()
	m, err := e.svc.Create(t.Context(), e.coord, in)
	if err != nil {
		t.Fatal(err)
	}
	if m, err = e.svc.Publish(t.Context(), e.coord, m.ID); err != nil {
		t.Fatal(err)
	}
	return m
}

func right(m training.Module) []training.Answer {
	out := make([]training.Answer, len(m.Questions))
	for i, q := range m.Questions {
		out[i] = training.Answer{QuestionID: q.ID, Choices: q.Correct}
	}
	return out
}

func wantKind(t *testing.T, err error, kind errs.Kind, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != kind || (field != "" && e.Field != field) {
		t.Fatalf("err = %v, want %v at %q", err, kind, field)
	}
}

func organisationInput() organisation.CreateInput {
	return organisation.CreateInput{Name: "Andere Organisation"}
}

func asError(err error, target **errs.Error) bool { return errors.As(err, target) }
