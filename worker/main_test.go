package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func TestRunOneJobOnce(t *testing.T) {
	cfg := storetest.Config(t)
	st, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	repo := st.Accounts()
	past := time.Now().Add(-time.Hour)
	if err := repo.InsertRefreshToken(t.Context(), account.RefreshToken{Hash: "old", SessionID: "s", UserID: "u", CreatedAt: past, ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MONGODB_URI": cfg.URI, "MONGODB_DATABASE": cfg.Database, "JWT_SECRET": strings.Repeat("w", 32), "LOG_LEVEL": "warn"}
	getenv := func(k string) string { return env[k] }

	if err := run(t.Context(), getenv, []string{"run", "prune-sessions"}, io.Discard); err != nil {
		t.Fatalf("run prune-sessions: %v", err)
	}
	if _, err := repo.RefreshToken(t.Context(), "old"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("expired refresh token after the prune job: err = %v, want not found", err)
	}
	if err := run(t.Context(), getenv, []string{"run", "no-such-job"}, io.Discard); err == nil || !strings.Contains(err.Error(), "no-such-job") {
		t.Fatalf("unknown job: err = %v", err)
	}
	if err := run(t.Context(), getenv, []string{"dance"}, io.Discard); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("bad arguments: err = %v", err)
	}
}

func TestWorkerSendsDueRemindersOverSMTP(t *testing.T) {
	cfg := storetest.Config(t)
	st, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	defer st.Drop(context.Background())
	ctx := t.Context()
	srv := mailtest.Start(t)

	u := account.User{Email: "ada@example.org", DisplayName: "Ada", PasswordHash: "x", Locale: account.LocaleEN, CreatedAt: time.Now()}
	if err := st.Accounts().InsertUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	// No quiet hours, so that the test does not depend on the time of day.
	if err := st.Outbox().SetPreferences(ctx, notify.Preferences{UserID: u.ID, InApp: true, Email: true, TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	o := opportunity.Opportunity{OrganisationID: "org", Title: "Food bank", Status: opportunity.StatusPublished, Mode: opportunity.ModeOnsite}
	if err := st.Opportunities().Insert(ctx, &o); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(90 * time.Minute)
	sh := opportunity.Shift{OpportunityID: o.ID, OrganisationID: "org", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "Europe/Berlin",
		Capacity: 5, Status: opportunity.ShiftActive}
	if err := st.Opportunities().InsertShift(ctx, &sh); err != nil {
		t.Fatal(err)
	}
	su := signup.Signup{ID: st.Signups().NewID(), ShiftID: sh.ID, OpportunityID: o.ID, OrganisationID: "org", UserID: u.ID,
		Status: signup.Confirmed, Seat: 1, ShiftStart: sh.StartsAt, ShiftEnd: sh.EndsAt, CreatedAt: time.Now().AddDate(0, 0, -1)}
	if err := st.Signups().Insert(ctx, su); err != nil {
		t.Fatal(err)
	}

	env := map[string]string{"MONGODB_URI": cfg.URI, "MONGODB_DATABASE": cfg.Database, "JWT_SECRET": strings.Repeat("w", 32),
		"LOG_LEVEL": "warn", "SMTP_URL": srv.URL(), "MAIL_FROM": "Mitwirken <noreply@example.org>"}
	getenv := func(k string) string { return env[k] }
	for _, job := range []string{"shift-reminders", "deliver-notifications", "shift-reminders", "deliver-notifications"} {
		if err := run(ctx, getenv, []string{"run", job}, io.Discard); err != nil {
			t.Fatalf("run %s: %v", job, err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	if h := msgs[0].Header(); msgs[0].To[0] != "ada@example.org" || h.Get("Subject") != "Reminder: Food bank" {
		t.Fatalf("received %q to %v", h.Get("Subject"), msgs[0].To)
	}

	env["SMTP_URL"] = "http://mail.example.org"
	if err := run(ctx, getenv, []string{"run", "deliver-notifications"}, io.Discard); err == nil || !strings.Contains(err.Error(), "SMTP_URL") {
		t.Fatalf("bad SMTP_URL: err = %v, want one naming SMTP_URL", err)
	}
}
