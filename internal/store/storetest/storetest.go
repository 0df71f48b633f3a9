// Package storetest gives each test its own fresh database on one embedded store per test
// binary: a real database over the real wire protocol, started once because starting it costs
// more than most tests.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/mitwirken/mitwirken/internal/store"
)

var (
	once     sync.Once
	shared   *store.Embedded
	startErr error
)

// URI returns the connection string of the binary's embedded store, starting it on first use.
// The store lives until the test binary exits; its files are in a temporary directory.
func URI(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "mitwirken-storetest-")
		if err != nil {
			startErr = err
			return
		}
		quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		shared, startErr = store.StartEmbedded(context.Background(), dir, "127.0.0.1:0", quiet)
	})
	if startErr != nil {
		t.Fatalf("storetest: start embedded store: %v", startErr)
	}
	return shared.URI()
}

// DatabaseName returns a name no other test uses.
func DatabaseName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// New opens a fresh database with all indexes and drops it when the test ends. tune, if
// given, adjusts the configuration first (for example to observe commands).
func New(t testing.TB, tune ...func(*store.Config)) *store.Store {
	t.Helper()
	cfg := Config(t)
	for _, f := range tune {
		f(&cfg)
	}
	s, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = s.Drop(ctx)
		_ = s.Close(ctx)
	})
	return s
}

// Config returns a store configuration for a fresh database on the shared embedded store,
// for tests that open the store themselves (for example through the server's own start-up).
func Config(t testing.TB) store.Config {
	t.Helper()
	return store.Config{
		URI:      URI(t),
		Database: DatabaseName(),
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}
