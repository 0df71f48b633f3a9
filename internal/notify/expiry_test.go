package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/training"
)

// trainingService is the real training service of one process.
func trainingService(t *testing.T, st *store.Store, c *clock) *training.Service {
	accounts := account.NewService(st.Accounts(), st.Throttle(), nil, quiet)
	events := engagement.NewRecorder(st.Events(), quiet)
	t.Cleanup(events.Close)
	svc := training.NewService(st.Training(), st.Credentials(), organisation.NewService(st.Organisations(), accounts),
		accounts, events, st.Signups(), quiet, training.Config{})
	svc.SetClock(c.Now)
	return svc
}

func TestExpiryRemindersGoOnceToVolunteerAndCoordinators(t *testing.T) {
	procs := processes(t, 2)
	start := time.Date(2030, 3, 5, 12, 0, 0, 0, berlin)
	c := newClock(start)
	f := newFixture(t, procs[0], "unused")
	vol := f.user("vera@example.org", account.LocaleDE)
	coord := f.user("cora@example.org", account.LocaleEN)
	org := organisation.Organisation{Name: "Kinderhaus", Members: []organisation.Member{{UserID: coord, Role: organisation.RoleCoordinator}}}
	if err := procs[0].Organisations().Insert(t.Context(), &org); err != nil {
		t.Fatal(err)
	}
	tr := trainingService(t, procs[0], c)
	coordActor, volActor := auth.Actor{UserID: coord, Locale: "en"}, auth.Actor{UserID: vol, Locale: "de"}
	title, one := "Kinderschutz", 1
	m, err := tr.Create(t.Context(), coordActor, training.ModuleInput{OrganisationID: org.ID, Title: &title,
		Questions:      &[]training.QuestionInput{{Prompt: "Wer hilft?", Choices: []string{"a", "b"}, Correct: []int{0}}},
		ValidityMonths: &one})
	if err != nil {
		t.Fatal(err)
	}
	if m, err = tr.Publish(t.Context(), coordActor, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.SubmitQuiz(t.Context(), volActor, m.ID, 0, []training.Answer{{QuestionID: m.Questions[0].ID, Choices: []int{0}}}); err != nil {
		t.Fatal(err)
	}
	// A certificate of conduct issued on 20 March 2025 counts until 20 March 2030.
	cr, err := tr.RecordCredential(t.Context(), coordActor, training.CredentialInput{OrganisationID: org.ID, VolunteerID: vol,
		Kind: training.CertificateOfConduct, DocumentDate: "2025-03-20"})
	if err != nil {
		t.Fatal(err)
	}

	// 06:30, inside the default quiet hours: the messages wait for their end.
	c.Set(time.Date(2030, 3, 10, 6, 30, 0, 0, berlin))
	j := jobs(procs[0], nil, "w1", c)
	j.ExpiryReminders = notify.NewExpiryReminders(j.Service, tr)
	if n, err := j.ExpiryReminders.Run(t.Context()); err != nil || n != 4 {
		t.Fatalf("first run created %d (%v), want 4: two expiries, to the volunteer and the coordinator", n, err)
	}
	j2 := jobs(procs[1], nil, "w2", c)
	for i, r := range []*notify.ExpiryReminders{j.ExpiryReminders, notify.NewExpiryReminders(j2.Service, trainingService(t, procs[1], c))} {
		if n, err := r.Run(t.Context()); err != nil || n != 0 {
			t.Fatalf("re-run %d created %d (%v), want 0", i, n, err)
		}
	}
	comps, err := tr.MyCompletions(t.Context(), volActor)
	if err != nil || len(comps) != 1 {
		t.Fatal(comps, err)
	}
	for _, tt := range []struct {
		key, title, body string
	}{
		{"reminder:training:" + comps[0].ID + ":30d", "Schulung läuft bald ab: Kinderschutz", "gilt bis 5. April 2030"},
		{"reminder:training:" + comps[0].ID + ":30d:" + coord, "Training ends soon: Kinderschutz (Vol ver)", "valid until 5 April 2030"},
		{"reminder:credential:" + cr.ID + ":2030-03-20:30d", "Nachweis läuft bald ab: erweitertes Führungszeugnis", "gilt bis 20. März 2030"},
		{"reminder:credential:" + cr.ID + ":2030-03-20:30d:" + coord, "Credential ends soon: extended certificate of conduct (Vol ver)", "valid until 20 March 2030"},
	} {
		m, err := j.Service.Message(t.Context(), notify.MessageID(tt.key, notify.Email))
		if err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		if m.Title != tt.title || !strings.Contains(m.Body, tt.body) {
			t.Errorf("message = %q\n%s\nwant %q containing %q", m.Title, m.Body, tt.title, tt.body)
		}
		if want := time.Date(2030, 3, 10, 8, 0, 0, 0, berlin); !m.NextAttemptAt.Equal(want) {
			t.Errorf("e-mail due %v, want %v (after the quiet hours)", m.NextAttemptAt, want)
		}
	}
}
