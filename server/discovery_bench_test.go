package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/store"
)

// BenchmarkDiscoveryLarge measures discovery on the large demonstration data set (5,000
// opportunities, 50,000 shifts, 20,000 volunteers) with the server on its own embedded store,
// as `go run ./server` runs it. Figures go to docs/BENCHMARKS.md:
//
//	go test -run '^$' -bench DiscoveryLarge -benchtime 2000x ./server/
func BenchmarkDiscoveryLarge(b *testing.B) {
	env := largeServer(b)
	var turn atomic.Int64
	post := func(body []byte) error {
		req, _ := http.NewRequest(http.MethodPost, env.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		// Requests take turns among many volunteers, each with their own place and profile.
		req.Header.Set("Authorization", "Bearer "+env.tokens[int(turn.Add(1))%len(env.tokens)])
		res, err := env.client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		return res.Body.Close()
	}
	body := func(query string, vars map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return b
	}
	feed := body(`{ recommendedOpportunities(first: 20) { edges { node { opportunity { id title } shift { id startsAt } score reasons distanceKm } } } }`, nil)
	typename := body(`{ __typename }`, nil)
	searches := []string{"Tafel", "Hausaufgaben", "Ich suche Hilfe bei der Erziehung meines Kindes", "Senioren", "Garten", "Sprachcafe", "Einkauf", "Kleiderkammer"}

	sequential := func(b *testing.B, next func(i int) []byte) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := post(next(i)); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		slices.Sort(lat)
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	}
	b.Run("recommended", func(b *testing.B) { sequential(b, func(int) []byte { return feed }) })
	b.Run("search", func(b *testing.B) {
		sequential(b, func(i int) []byte {
			return body(`query($t: String!) { search(text: $t, first: 20) { totalCount edges { node { ... on Opportunity { id title } } } } }`,
				map[string]any{"t": searches[i%len(searches)]})
		})
	})
	// Throughput of the feed against the cheapest request, with the same clients in one run.
	b.Run("throughput", func(b *testing.B) {
		rate := func(payload []byte) float64 {
			var n atomic.Int64
			deadline := time.Now().Add(3 * time.Second)
			var wg sync.WaitGroup
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for time.Now().Before(deadline) {
						if post(payload) == nil {
							n.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			return float64(n.Load()) / 3
		}
		// One measurement whatever b.N: each rate runs for a fixed three seconds.
		plain, ranked := rate(typename), rate(feed)
		b.ReportMetric(plain, "typename-req/s")
		b.ReportMetric(ranked, "feed-req/s")
		b.ReportMetric(100*ranked/plain, "feed-%-of-typename")
		b.ReportMetric(env.startup.Seconds(), "startup-s")
		b.ReportMetric(float64(rssKiB())/1024, "rss-MiB")
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// rssKiB is this process's resident set (server and benchmark client together).
func rssKiB() int {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return n
		}
	}
	return 0
}

type largeEnv struct {
	url     string
	tokens  []string
	client  *http.Client
	startup time.Duration
}

// benchVolunteers is how many seeded volunteers the requests rotate through.
const benchVolunteers = 200

var (
	largeOnce sync.Once
	large     largeEnv
	largeErr  error
)

// largeServer seeds the large data set into a fresh data directory once per test binary and
// runs the server on it with its own embedded store.
func largeServer(b *testing.B) largeEnv {
	largeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mitwirken-large-")
		if err != nil {
			largeErr = err
			return
		}
		ctx := context.Background()
		st, err := store.Open(ctx, store.Config{DataDir: dir})
		if err != nil {
			largeErr = err
			return
		}
		if _, err := seedData(ctx, st, seedSizes["large"], 1, time.Now()); err != nil {
			largeErr = err
			return
		}
		var ids []string
		for i := range benchVolunteers {
			u, err := st.Accounts().UserByEmail(ctx, fmt.Sprintf("volunteer-%d@demo.mitwirken.org", i*(seedSizes["large"].volunteers/benchVolunteers)))
			if err != nil {
				largeErr = err
				return
			}
			ids = append(ids, u.ID)
		}
		if err := st.Close(ctx); err != nil {
			largeErr = err
			return
		}
		env := envFrom(map[string]string{"DATA_DIR": dir, "EMBEDDED_MONGO_ADDR": "off", "LISTEN_ADDR": "127.0.0.1:0",
			"WORKER": "off", "LOG_LEVEL": "error", "RATE_LIMIT": "0", "ACCOUNT_LIMITS": "off"})
		ready := make(chan string, 1)
		t0 := time.Now()
		go func() { largeErr = run(context.Background(), env, io.Discard, ready) }()
		addr := <-ready
		large.startup = time.Since(t0)
		large.url = "http://" + addr + "/graphql"
		large.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		// Signing in 200 people would spend seconds on argon2; their tokens are minted with
		// the server's own key instead.
		tokens, err := auth.TokensFromConfig(nil, filepath.Join(dir, "jwt.key"))
		if err != nil {
			largeErr = err
			return
		}
		for _, id := range ids {
			tok, _, err := tokens.Issue(auth.Actor{UserID: id, Locale: "de"})
			if err != nil {
				largeErr = err
				return
			}
			large.tokens = append(large.tokens, tok)
		}
	})
	if largeErr != nil || len(large.tokens) == 0 {
		b.Fatalf("large server: %v", largeErr)
	}
	return large
}
