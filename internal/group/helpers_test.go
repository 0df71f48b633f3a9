package group_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// clock is a settable time for the services under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// world is a store with the real account, organisation, event and audit services.
type world struct {
	st       *store.Store
	accounts *account.Service
	orgs     *organisation.Service
	events   *engagement.Recorder
	audit    *audit.Service
	clock    *clock
	log      *slog.Logger
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := storetest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tokens, err := auth.NewTokens([]byte(strings.Repeat("k", 48)), nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.NewService(st.Accounts(), st.Throttle(), tokens, log)
	orgs := organisation.NewService(st.Organisations(), accounts)
	events := engagement.NewRecorder(st.Events(), log)
	t.Cleanup(events.Close)
	return &world{st: st, accounts: accounts, orgs: orgs, events: events, audit: audit.NewService(st.Audit(), orgs),
		clock: &clock{t: time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)}, log: log}
}

// service returns a group service on the world's store; exclusive keeps it in memory.
func (w *world) service(t *testing.T, exclusive bool) *group.Service {
	t.Helper()
	s := group.NewService(w.st.Groups(), w.orgs, w.accounts, w.events, w.audit, w.log)
	s.SetClock(w.clock.now)
	if exclusive {
		if err := s.KeepInMemory(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

var userSeq int

// user creates an account and returns its actor.
func (w *world) user(t *testing.T, name string) auth.Actor {
	t.Helper()
	userSeq++
	u := account.User{Email: fmt.Sprintf("%s-%d-%d@example.org", strings.ToLower(name), userSeq, time.Now().UnixNano()),
		DisplayName: name, PasswordHash: "x", Locale: account.LocaleDE, CreatedAt: time.Now()}
	if err := w.st.Accounts().InsertUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	return auth.Actor{UserID: u.ID, Locale: "de"}
}

// org creates an organisation with a coordinator.
func (w *world) org(t *testing.T) (auth.Actor, string) {
	t.Helper()
	coord := w.user(t, "Koordination")
	o, err := w.orgs.Create(t.Context(), coord, organisation.CreateInput{Name: "Selbsthilfe-Kontaktstelle"})
	if err != nil {
		t.Fatal(err)
	}
	return coord, o.ID
}

func groupInput(orgID string) group.CreateInput {
	return group.CreateInput{OrganisationID: orgID, Name: "Angehörige von Suchtkranken", Description: "Austausch unter Angehörigen",
		Category: "addiction", Languages: []string{"de"}, Mode: opportunity.ModeOnsite, Place: "Gemeindehaus, Raum 2",
		Area: &group.AreaInput{PostalCode: "10115"}}
}

func mustGroup(t *testing.T, s *group.Service, actor auth.Actor, in group.CreateInput) group.View {
	t.Helper()
	v, err := s.Create(t.Context(), actor, in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustJoin(t *testing.T, s *group.Service, actor auth.Actor, groupID, pseudonym string) group.Membership {
	t.Helper()
	m, err := s.Join(t.Context(), actor, groupID, pseudonym)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// wantField asserts err is bad input naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.Invalid || e.Field != field {
		t.Fatalf("err = %v; want BAD_USER_INPUT on %s", err, field)
	}
}

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustEmail(t *testing.T, w *world, userID string) string {
	t.Helper()
	users, err := w.accounts.UsersByIDs(t.Context(), []string{userID})
	if err != nil {
		t.Fatal(err)
	}
	return users[userID].Email
}

func actorOf(a any) auth.Actor { return a.(auth.Actor) }

// staff answers audit's question with the organisation service.
type staff struct{ orgs *organisation.Service }

func (s staff) IsStaff(ctx context.Context, actor auth.Actor, orgID string) bool {
	_, err := s.orgs.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator)
	return err == nil
}
