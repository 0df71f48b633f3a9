package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
	"github.com/mitwirken/mitwirken/internal/training"
)

// TestWorkerPrunesCredentialsAndRemindsOfExpiry runs the training jobs as `worker run JOB`: a
// credential of a volunteer inactive beyond CREDENTIAL_RETENTION_DAYS is deleted, and one that
// ends within 30 days is reminded of to the volunteer and the coordinator.
func TestWorkerPrunesCredentialsAndRemindsOfExpiry(t *testing.T) {
	cfg := storetest.Config(t)
	st, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	defer st.Drop(context.Background())
	ctx := t.Context()
	user := func(email string) string {
		u := account.User{Email: email, DisplayName: email[:4], PasswordHash: "x", Locale: account.LocaleDE, CreatedAt: time.Now()}
		if err := st.Accounts().InsertUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	coord, idle, active := user("cora@example.org"), user("ida@example.org"), user("anna@example.org")
	org := organisation.Organisation{Name: "Kinderhaus", Members: []organisation.Member{{UserID: coord, Role: organisation.RoleCoordinator}}}
	if err := st.Organisations().Insert(ctx, &org); err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) training.Date { return training.DateOf(t) }
	now := time.Now()
	for _, c := range []training.Credential{
		{ID: org.ID + ":" + idle + ":FIRST_AID", OrganisationID: org.ID, UserID: idle, Kind: "FIRST_AID",
			DocumentDate: day(now.AddDate(0, 0, -100)), SeenDate: day(now.AddDate(0, 0, -100)), VerifiedBy: coord, RecordedAt: now.AddDate(0, 0, -100)},
		{ID: org.ID + ":" + active + ":CERTIFICATE_OF_CONDUCT", OrganisationID: org.ID, UserID: active, Kind: training.CertificateOfConduct,
			DocumentDate: day(now.AddDate(-5, 0, 10)), SeenDate: day(now.AddDate(0, 0, -1)), ValidUntil: day(now.AddDate(0, 0, 10)),
			VerifiedBy: coord, RecordedAt: now.AddDate(0, 0, -1)},
	} {
		if err := st.Credentials().PutCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"MONGODB_URI": cfg.URI, "MONGODB_DATABASE": cfg.Database, "JWT_SECRET": strings.Repeat("w", 32),
		"LOG_LEVEL": "warn", "CREDENTIAL_RETENTION_DAYS": "90"}
	getenv := func(k string) string { return env[k] }
	if err := run(ctx, getenv, []string{"run", "prune-credentials"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	left, err := st.Credentials().AllCredentials(ctx)
	if err != nil || len(left) != 1 || left[0].UserID != active {
		t.Fatalf("credentials after pruning = %+v (%v), want only the active volunteer's", left, err)
	}
	if err := run(ctx, getenv, []string{"run", "expiry-reminders"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := "reminder:credential:" + left[0].ID + ":" + left[0].ValidUntil.String() + ":30d"
	for _, k := range []string{key, key + ":" + coord} {
		if _, err := st.Outbox().Message(ctx, notify.MessageID(k, notify.InApp)); err != nil {
			t.Errorf("reminder %s: %v", k, err)
		}
	}
}
