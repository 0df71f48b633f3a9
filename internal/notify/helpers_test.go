package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/mail"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// processes opens one fresh database n times, as n processes would: each has its own
// connections and in-process locks.
func processes(t testing.TB, n int) []*store.Store {
	t.Helper()
	cfg := storetest.Config(t)
	out := make([]*store.Store, n)
	for i := range out {
		st, err := store.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = st
	}
	t.Cleanup(func() {
		_ = out[0].Drop(context.Background())
		for _, st := range out {
			_ = st.Close(context.Background())
		}
	})
	return out
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sender returns a sender to the test SMTP server.
func sender(t testing.TB, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	cfg, err := mail.FromEnv(func(k string) string {
		return map[string]string{"SMTP_URL": srv.URL(), "MAIL_FROM": "noreply@mitwirken.example.org"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 10 * time.Second
	return mail.New(*cfg)
}

// jobs wires the notification jobs of one process with a clock.
func jobs(st *store.Store, s notify.Sender, owner string, c *clock) notify.Jobs {
	j := notify.NewJobs(st.NotifyStores(), s, owner, quiet)
	j.Service.SetClock(c.Now)
	j.Delivery.SetClock(c.Now)
	return j
}

// fixture creates users, an opportunity and shifts.
type fixture struct {
	t   testing.TB
	st  *store.Store
	opp opportunity.Opportunity
}

func newFixture(t testing.TB, st *store.Store, title string) *fixture {
	t.Helper()
	o := opportunity.Opportunity{OrganisationID: "org-1", Title: title, Mode: opportunity.ModeOnsite, Status: opportunity.StatusPublished,
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.Opportunities().Insert(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, opp: o}
}

func (f *fixture) user(email string, loc account.Locale) string {
	f.t.Helper()
	u := account.User{Email: email, DisplayName: "Vol " + email[:3], PasswordHash: "x", Locale: loc, CreatedAt: time.Now()}
	if err := f.st.Accounts().InsertUser(context.Background(), &u); err != nil {
		f.t.Fatal(err)
	}
	return u.ID
}

func (f *fixture) shift(start time.Time) opportunity.Shift {
	f.t.Helper()
	sh := opportunity.Shift{OpportunityID: f.opp.ID, OrganisationID: f.opp.OrganisationID, StartsAt: start.UTC(),
		EndsAt: start.Add(3 * time.Hour).UTC(), TimeZone: "Europe/Berlin", Capacity: 1000, Status: opportunity.ShiftActive, CreatedAt: time.Now()}
	if err := f.st.Opportunities().InsertShift(context.Background(), &sh); err != nil {
		f.t.Fatal(err)
	}
	return sh
}

// signup stores a signup of the user for the shift with the status, made at createdAt.
func (f *fixture) signup(sh opportunity.Shift, userID string, seat int, st signup.Status, createdAt time.Time) string {
	f.t.Helper()
	repo := f.st.Signups()
	su := signup.Signup{ID: repo.NewID(), ShiftID: sh.ID, OpportunityID: sh.OpportunityID, OrganisationID: sh.OrganisationID,
		UserID: userID, Status: st, ShiftStart: sh.StartsAt, ShiftEnd: sh.EndsAt, CreatedBy: userID, CreatedAt: createdAt, UpdatedAt: createdAt}
	if st.HoldsPlace() {
		su.Seat = seat
	}
	if err := repo.Insert(context.Background(), su); err != nil {
		f.t.Fatal(err)
	}
	return su.ID
}

// volunteers creates n users, each confirmed for the shift.
func (f *fixture) volunteers(sh opportunity.Shift, prefix string, n int, createdAt time.Time) (users, signups []string) {
	for i := range n {
		u := f.user(fmt.Sprintf("%s%03d@example.org", prefix, i), account.LocaleDE)
		users = append(users, u)
		signups = append(signups, f.signup(sh, u, i+1, signup.Confirmed, createdAt))
	}
	return users, signups
}
