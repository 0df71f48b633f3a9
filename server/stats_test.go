package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
)

// TestStatsCSVEndToEnd fetches the statistics as CSV from a running server: bearer token,
// organisation roles, language of the header row, and suppression as in GraphQL.
func TestStatsCSVEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := sharedStoreEnv(t)
	s := start(t, ctx, env)
	c := gqltest.Client{URL: s.url + "/graphql"}
	signUp := func(email, locale string) string {
		var reg struct {
			Register struct{ AccessToken string }
		}
		c.Do(t, register, map[string]any{"input": map[string]any{"email": email, "password": "a long enough passphrase",
			"displayName": "X", "locale": locale}}).OK(t, &reg)
		return reg.Register.AccessToken
	}
	coordinator := signUp("koordination@example.org", "EN")
	stranger := signUp("fremd@example.org", "DE")
	var org struct {
		CreateOrganisation struct{ Organisation struct{ ID string } }
	}
	c.As(coordinator).Do(t, `mutation { createOrganisation(input: {name: "Tafel"}) { organisation { id } } }`, nil).OK(t, &org)
	orgID := org.CreateOrganisation.Organisation.ID

	// Eight volunteers sign up on 9 November, three of them attend on the 10th.
	st, err := store.Open(ctx, store.Config{URI: env["MONGODB_URI"], Database: env["MONGODB_DATABASE"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	var events []engagement.Event
	day := time.Date(2026, 11, 9, 10, 0, 0, 0, time.UTC)
	for i := range 8 {
		events = append(events, engagement.Event{Kind: engagement.SignedUp, At: day, UserID: fmt.Sprint("v", i), OrganisationID: orgID})
		if i < 3 {
			events = append(events, engagement.Event{Kind: engagement.Attended, At: day.AddDate(0, 0, 1), UserID: fmt.Sprint("v", i), OrganisationID: orgID})
		}
	}
	if err := st.Events().AppendEvents(ctx, events...); err != nil {
		t.Fatal(err)
	}
	job := stats.NewJob(st.Stats(), st.Outbox(), st.Stats(), stats.WithClock(func() time.Time { return time.Now().Add(time.Second) }, 0))
	if _, err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}

	fetch := func(token, path, lang string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	path := "/stats/" + orgID + ".csv?from=2026-11-09&to=2026-11-15&granularity=day"

	res, body := fetch(coordinator, path, "de-DE,de;q=0.9,en;q=0.5")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET = %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv; charset=utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="engagement-`+orgID+`-2026-11-09-2026-11-15-day.csv"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[0][0] != "Zeitraum" || rows[0][6] != "Anmeldungen" {
		t.Fatalf("German table with 7 days expected:\n%s", body)
	}
	if rows[1][0] != "2026-11-09" || rows[1][6] != "8" {
		t.Errorf("signups on 9 November = %q, want 8:\n%s", rows[1][6], body)
	}
	// Three attendances on the 10th are below k: empty, like every other small figure.
	if rows[2][7] != "" {
		t.Errorf("attendances on 10 November shown: %q", rows[2][7])
	}
	for _, r := range rows[1:] {
		for _, f := range r[3:13] {
			if n, err := strconv.Atoi(f); err == nil && n < 5 {
				t.Errorf("count %d below k in row %v", n, r)
			}
		}
	}
	// 8 active = 8 new + 0 returning: with the 0 suppressed, new or active must be too.
	if rows[1][3] != "" && rows[1][4] != "" {
		t.Errorf("active and new both shown, returning derivable: %v", rows[1])
	}

	// Without Accept-Language the coordinator's own language (English) decides.
	if res, body := fetch(coordinator, path, ""); res.StatusCode != 200 || !strings.HasPrefix(body, "period,start,end,active volunteers") {
		t.Errorf("English header expected: %d\n%s", res.StatusCode, body)
	}
	for _, tt := range []struct {
		name, token, path string
		want              int
	}{
		{"no token", "", path, http.StatusUnauthorized},
		{"bad token", "nonsense", path, http.StatusUnauthorized},
		{"not a member", stranger, path, http.StatusForbidden},
		{"unknown organisation", coordinator, "/stats/000000000000000000000000.csv?from=2026-11-09&to=2026-11-15&granularity=DAY", http.StatusNotFound},
		{"to before from", coordinator, "/stats/" + orgID + ".csv?from=2026-11-09&to=2026-11-01&granularity=DAY", http.StatusBadRequest},
		{"bad date", coordinator, "/stats/" + orgID + ".csv?from=9.11.2026&to=2026-11-15&granularity=DAY", http.StatusBadRequest},
		{"bad granularity", coordinator, "/stats/" + orgID + ".csv?from=2026-11-09&to=2026-11-15&granularity=YEAR", http.StatusBadRequest},
	} {
		if res, body := fetch(tt.token, tt.path, ""); res.StatusCode != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, res.StatusCode, body, tt.want)
		}
	}
}
