package graph_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/graph"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/app"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var testKey = []byte(strings.Repeat("test-signing-key-", 3))

// api is the GraphQL endpoint over the real HTTP stack on a fresh database.
type api struct {
	gqltest.Client
	store  *store.Store
	logs   *lockedBuffer
	url    string
	tokens *auth.Tokens
	// commands counts the store's round trips.
	commands  *atomic.Int64
	events    *engagement.Recorder
	accounts  *account.Service
	exclusive bool
	services  graph.Services
	log       *slog.Logger
}

// eventsOf returns the recorded events whose field has the value, once all are written.
func (a *api) eventsOf(t testing.TB, field, value string) []engagement.Event {
	t.Helper()
	a.events.Flush()
	events, err := a.store.Events().EventsOf(t.Context(), field, value)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

func newAPI(t testing.TB, tune ...func(*graph.Options)) *api {
	t.Helper()
	commands := &atomic.Int64{}
	st := storetest.New(t, func(c *store.Config) {
		c.OnCommand = func(_, collection string) {
			// The server polls these for other processes' writes, whatever the requests do.
			if collection != store.ChangesCollection && collection != store.NotificationFeedCollection {
				commands.Add(1)
			}
		}
	})
	return serveAPI(t, st, true, commands, tune...)
}

// newReplicas starts n servers on one database, each with its own store connection and
// services, as several server replicas share one MongoDB: none of them is the only writer.
func newReplicas(t testing.TB, n int) []*api {
	t.Helper()
	cfg := storetest.Config(t)
	replicas := make([]*api, n)
	for i := range replicas {
		st, err := store.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close(context.Background()) })
		replicas[i] = serveAPI(t, st, false, &atomic.Int64{}, func(o *graph.Options) { o.RequestTimeout = time.Minute })
	}
	t.Cleanup(func() { _ = replicas[0].store.Drop(context.Background()) })
	return replicas
}

func serveAPI(t testing.TB, st *store.Store, exclusive bool, commands *atomic.Int64, tune ...func(*graph.Options)) *api {
	t.Helper()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tokens, err := auth.NewTokens(testKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	assembled, err := app.Wire(t.Context(), st, tokens, log, app.Config{Exclusive: exclusive, StatsK: stats.DefaultK,
		PlatformAdmins: []string{platformAdminEmail}, Poll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(assembled.Close)
	r := &graph.Resolver{Svc: graph.Services(assembled.Services)}
	o := graph.Options{DevMode: true, MaxBodyBytes: 1 << 20, RequestTimeout: 10 * time.Second,
		MaxDepth: 12, MaxComplexity: 1000, Logger: log, Tokens: tokens}
	for _, f := range tune {
		f(&o)
	}
	srv := httptest.NewServer(graph.NewHandler(r, o))
	t.Cleanup(srv.Close)
	return &api{Client: gqltest.Client{URL: srv.URL}, store: st, logs: logs, url: srv.URL, tokens: tokens, commands: commands, events: assembled.Events, accounts: r.Svc.Accounts, exclusive: exclusive,
		services: r.Svc, log: log}
}

type session struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	User         struct {
		ID          string  `json:"id"`
		DisplayName string  `json:"displayName"`
		Email       *string `json:"email"`
	} `json:"user"`
}

const registerMutation = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken user { id displayName email } }
}`

const loginMutation = `mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken user { id displayName email } }
}`

const refreshMutation = `mutation Refresh($t: String!) {
  refreshSession(refreshToken: $t) { accessToken refreshToken user { id } }
}`

const testPassword = "a long enough passphrase"

// platformAdminEmail is the operator configured in every test server.
const platformAdminEmail = "ops@example.org"

// register signs up a user and returns their session.
func (a *api) register(t testing.TB, email, name string) session {
	t.Helper()
	var out struct{ Register session }
	a.Do(t, registerMutation, map[string]any{"input": map[string]any{
		"email": email, "password": testPassword, "displayName": name,
	}}).OK(t, &out)
	return out.Register
}

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
