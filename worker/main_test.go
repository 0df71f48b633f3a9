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
