package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// The load benchmarks post GraphQL requests over HTTP to the real server (run, as main starts
// it) on a fresh database of the test binary's embedded store. Client and server share the
// machine, so the figures are a lower bound of what a server alone handles.

const (
	// benchClients is the number of concurrent clients per GOMAXPROCS in parallel benchmarks.
	benchClients = 8
	// benchManyUsers is the size of the users collection of the "many users" variants: lookups
	// by _id on the embedded store get slower as a collection grows.
	benchManyUsers = 20_000
	benchPassword  = "a long enough passphrase"
)

// benchSecret signs access tokens, so that benchmarks can mint tokens for seeded users.
var benchSecret = strings.Repeat("s", 40)

// benchServer is a running server for benchmarks and the store of its database, for seeding.
type benchServer struct {
	url   string
	store *store.Store
	http  *http.Client
	// user signed up through the API; token is its access token.
	user  benchUser
	token string
	// hash is user's password hash; seeded users get the same, so that they can sign in too.
	hash string
	// seeded are the users inserted straight into the store, in insertion order.
	seeded []benchUser
}

type benchUser struct{ id, email string }

// startBench runs the server on a fresh database until the benchmark ends, then drops the
// database. (start in server_test.go takes a *testing.T.)
func startBench(b *testing.B) *benchServer {
	b.Helper()
	cfg := storetest.Config(b)
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		b.Fatalf("open store: %v", err)
	}
	b.Cleanup(func() {
		ctx := context.Background()
		_ = st.Drop(ctx)
		_ = st.Close(ctx)
	})
	s := &benchServer{store: st}
	s.url, s.http = serveBench(b, map[string]string{
		"MONGODB_URI":      cfg.URI,
		"MONGODB_DATABASE": cfg.Database,
	})

	var reg struct {
		Register struct {
			AccessToken string
			User        struct{ ID string }
		}
	}
	gqltest.Client{URL: s.url, HTTP: s.http}.Do(b, `mutation Register($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
		map[string]any{"input": map[string]any{"email": "bench@example.org", "password": benchPassword, "displayName": "Bench"}}).OK(b, &reg)
	s.user = benchUser{id: reg.Register.User.ID, email: "bench@example.org"}
	s.token = reg.Register.AccessToken
	u, err := st.Accounts().UserByID(b.Context(), s.user.id)
	if err != nil {
		b.Fatalf("read registered user: %v", err)
	}
	s.hash = u.PasswordHash
	return s
}

// serveBench runs the server with env on top of benchmark defaults until the benchmark ends
// and returns the GraphQL endpoint and an HTTP client for it.
func serveBench(b *testing.B, env map[string]string) (string, *http.Client) {
	b.Helper()
	full := map[string]string{
		"LISTEN_ADDR":    "127.0.0.1:0",
		"WORKER":         "off",
		"RATE_LIMIT":     "0",
		"ACCOUNT_LIMITS": "off",
		"LOG_LEVEL":      "error",
		"JWT_SECRET":     benchSecret,
	}
	for k, v := range env {
		full[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, envFrom(full), io.Discard, ready) }()
	b.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("run returned %v", err)
			}
		case <-time.After(30 * time.Second):
			b.Error("server did not stop")
		}
	})
	var url string
	select {
	case addr := <-ready:
		url = "http://" + addr + "/graphql"
	case err := <-done:
		b.Fatalf("server did not start: %v", err)
	case <-time.After(2 * time.Minute):
		b.Fatal("server did not start within two minutes")
	}
	// The default client keeps two idle connections per host; parallel clients would open
	// and close connections all the time and measure TCP set-up instead of the server.
	transport := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	b.Cleanup(transport.CloseIdleConnections)
	return url, &http.Client{Transport: transport, Timeout: time.Minute}
}

// seed inserts users straight into the store (registration through the API is rate limited)
// until it holds n besides the registered one. It stops the benchmark timer meanwhile.
func (s *benchServer) seed(b *testing.B, n int) {
	b.Helper()
	if len(s.seeded) >= n {
		return
	}
	b.StopTimer()
	defer b.StartTimer()
	s.seeded = append(s.seeded, insertUsers(b, s.store, len(s.seeded), n, s.hash)...)
}

// insertUsers inserts the users numbered from to n-1 with the password hash, 8 at a time.
func insertUsers(b *testing.B, st *store.Store, from, n int, hash string) []benchUser {
	b.Helper()
	began := time.Now()
	repo := st.Accounts()
	users := make([]benchUser, n-from)
	g, ctx := errgroup.WithContext(b.Context())
	g.SetLimit(8)
	for i := from; i < n; i++ {
		g.Go(func() error {
			u := account.User{Email: fmt.Sprintf("seed%05d@example.org", i), DisplayName: fmt.Sprintf("User %d", i),
				PasswordHash: hash, Locale: account.LocaleDE, CreatedAt: time.Now()}
			err := repo.InsertUser(ctx, &u)
			users[i-from] = benchUser{id: u.ID, email: u.Email}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatalf("seed users: %v", err)
	}
	b.Logf("seeded %d users in %s", n-from, time.Since(began).Round(time.Millisecond))
	return users
}

// sample returns k of the users picked at random, the same ones on every run. Where a user's
// document lies in the collection matters on the embedded store (a lookup by _id scans until
// it finds the document), so benchmarks spread their requests over many users.
func sample(users []benchUser, k int) []benchUser {
	r := rand.New(rand.NewPCG(3, 4))
	out := make([]benchUser, k)
	for i, j := range r.Perm(len(users))[:k] {
		out[i] = users[j]
	}
	return out
}

// signIn returns an access token for each user, signing them in through the API.
func (s *benchServer) signIn(b *testing.B, users []benchUser) []string {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	tokens := make([]string, len(users))
	c := gqltest.Client{URL: s.url, HTTP: s.http}
	for i, u := range users {
		var login struct{ Login struct{ AccessToken string } }
		c.Do(b, `mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }`,
			map[string]any{"input": map[string]any{"email": u.email, "password": benchPassword}}).OK(b, &login)
		tokens[i] = login.Login.AccessToken
	}
	return tokens
}

// post sends one request and checks that the answer is 200 without errors and contains want.
// It returns an error instead of failing, because it runs on RunParallel's goroutines.
func (s *benchServer) post(ctx context.Context, token string, body []byte, want string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(answer, []byte(`"errors"`)) || !bytes.Contains(answer, []byte(want)) {
		return fmt.Errorf("answer %d %.300s, want 200 with %s", res.StatusCode, answer, want)
	}
	return nil
}

// parallel runs request on benchClients goroutines per GOMAXPROCS and reports requests/s.
func parallel(b *testing.B, request func(context.Context) error) {
	b.Helper()
	var failed atomic.Pointer[error]
	b.SetParallelism(benchClients)
	b.RunParallel(func(pb *testing.PB) {
		ctx := b.Context()
		for pb.Next() {
			if err := request(ctx); err != nil {
				failed.CompareAndSwap(nil, &err)
				return
			}
		}
	})
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	reportRate(b)
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func mustJSON(b *testing.B, v any) []byte {
	b.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchSample is how many different users the "many users" variants spread requests over.
const benchSample = 64

// BenchmarkMeQuery measures the authenticated `me` query: a token check and one lookup of the
// user by _id. With many users the lookup dominates, because the embedded store scans the
// collection for it (see BenchmarkUserLookup in internal/store); the requests then come from
// benchSample users at random places in the collection.
func BenchmarkMeQuery(b *testing.B) {
	s := startBench(b)
	body := mustJSON(b, map[string]any{"query": `query Me { me { id displayName email } }`})
	me := func(users []benchUser, tokens []string) func(context.Context) error {
		var next atomic.Uint64
		return func(ctx context.Context) error {
			i := next.Add(1) % uint64(len(users))
			return s.post(ctx, tokens[i], body, `"id":"`+users[i].id+`"`)
		}
	}

	b.Run("users=1", func(b *testing.B) {
		parallel(b, me([]benchUser{s.user}, []string{s.token}))
	})
	var users []benchUser
	var tokens []string
	b.Run(fmt.Sprintf("users=%d", benchManyUsers), func(b *testing.B) {
		if users == nil {
			s.seed(b, benchManyUsers-1)
			users = sample(s.seeded, benchSample)
			tokens = s.signIn(b, users)
		}
		parallel(b, me(users, tokens))
	})
}

// BenchmarkMeQueryOwnStore measures `me` as `go run ./server` serves it: the server starts its
// own embedded store, is its only writer and therefore keeps users in memory. The users are
// written before the server starts, since it reads them at start; their tokens are minted with
// the server's key.
func BenchmarkMeQueryOwnStore(b *testing.B) {
	dir := b.TempDir()
	st, err := store.Open(b.Context(), store.Config{DataDir: dir})
	if err != nil {
		b.Fatalf("open store: %v", err)
	}
	all := insertUsers(b, st, 0, benchManyUsers, "not a hash: these users never sign in")
	if err := st.Close(context.Background()); err != nil {
		b.Fatalf("close store: %v", err)
	}
	began := time.Now()
	url, hc := serveBench(b, map[string]string{"DATA_DIR": dir, "EMBEDDED_MONGO_ADDR": "off"})
	b.Logf("server started on %d users in %s", benchManyUsers, time.Since(began).Round(time.Millisecond))
	s := &benchServer{url: url, http: hc}

	keys, err := auth.NewTokens([]byte(benchSecret), nil)
	if err != nil {
		b.Fatal(err)
	}
	users := sample(all, benchSample)
	tokens := make([]string, len(users))
	for i, u := range users {
		if tokens[i], _, err = keys.Issue(auth.Actor{UserID: u.id, Locale: "de"}); err != nil {
			b.Fatal(err)
		}
	}
	body := mustJSON(b, map[string]any{"query": `query Me { me { id displayName email } }`})
	var next atomic.Uint64
	b.Run(fmt.Sprintf("users=%d", benchManyUsers), func(b *testing.B) {
		parallel(b, func(ctx context.Context) error {
			i := next.Add(1) % uint64(len(users))
			return s.post(ctx, tokens[i], body, `"id":"`+users[i].id+`"`)
		})
	})
}

// BenchmarkLogin measures successful sign-ins. Their cost is mostly argon2id by design (19 MiB,
// 2 passes); failures would be rate limited, successes are not. Every sign-in starts a session,
// so the sessions and refresh tokens grow by one per operation.
func BenchmarkLogin(b *testing.B) {
	s := startBench(b)
	login := func(users []benchUser) func(context.Context) error {
		bodies := make([][]byte, len(users))
		for i, u := range users {
			bodies[i] = mustJSON(b, map[string]any{
				"query":     `mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id } } }`,
				"variables": map[string]any{"input": map[string]any{"email": u.email, "password": benchPassword}},
			})
		}
		var next atomic.Uint64
		return func(ctx context.Context) error {
			i := next.Add(1) % uint64(len(users))
			return s.post(ctx, "", bodies[i], `"id":"`+users[i].id+`"`)
		}
	}
	one := login([]benchUser{s.user})

	b.Run("serial", func(b *testing.B) {
		ctx := b.Context()
		for b.Loop() {
			if err := one(ctx); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	b.Run("parallel", func(b *testing.B) { parallel(b, one) })
	var many func(context.Context) error
	b.Run(fmt.Sprintf("parallel_users=%d", benchManyUsers), func(b *testing.B) {
		if many == nil {
			s.seed(b, benchManyUsers-1)
			many = login(sample(s.seeded, benchSample))
		}
		parallel(b, many)
	})
}
