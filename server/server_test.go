package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/gqltest"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

// started is a server process running in the test, reached over real HTTP.
type started struct {
	url  string
	done chan error
}

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// start runs the server as main does, with env on top of test defaults, until ctx ends.
func start(t *testing.T, ctx context.Context, env map[string]string) *started {
	t.Helper()
	full := map[string]string{
		"LISTEN_ADDR": "127.0.0.1:0",
		"WORKER":      "off",
		"LOG_LEVEL":   "warn",
	}
	for k, v := range env {
		full[k] = v
	}
	ready := make(chan string, 1)
	s := &started{done: make(chan error, 1)}
	go func() { s.done <- run(ctx, envFrom(full), io.Discard, ready) }()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case err := <-s.done:
		t.Fatalf("server did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within a minute")
	}
	return s
}

func (s *started) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop")
	}
}

func sharedStoreEnv(t *testing.T) map[string]string {
	return map[string]string{
		"MONGODB_URI":      storetest.URI(t),
		"MONGODB_DATABASE": storetest.DatabaseName(),
		"JWT_SECRET":       strings.Repeat("s", 40),
		"DEV_MODE":         "on",
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

const register = `mutation Register($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`

func TestServerEndpointsAndGracefulSigterm(t *testing.T) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	s := start(t, ctx, sharedStoreEnv(t))

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/": "graphiql"} {
		if code, body := get(t, s.url+path); code != 200 || !strings.Contains(strings.ToLower(body), want) {
			t.Errorf("GET %s = %d %.60q, want 200 with %q", path, code, body, want)
		}
	}
	c := gqltest.Client{URL: s.url + "/graphql"}
	c.Do(t, register, map[string]any{"input": map[string]any{"email": "ole@example.org", "password": "a long enough passphrase", "displayName": "Ole"}}).OK(t, nil)
	_, metrics := get(t, s.url+"/metrics")
	for _, want := range []string{
		`mitwirken_graphql_requests_total{operation="Register",outcome="ok"} 1`,
		`mitwirken_graphql_request_duration_seconds_count{operation="Register"} 1`,
		`mitwirken_store_command_duration_seconds_count{command="insert",outcome="ok"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// An in-flight request: headers and half the body are sent before SIGTERM arrives.
	body := `{"query":"{ __typename }"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:10])
	time.Sleep(100 * time.Millisecond) // let the server start reading the request

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	time.Sleep(200 * time.Millisecond) // shutdown has begun: new connections are refused
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), time.Second); err == nil {
		t.Error("the server still accepts connections after SIGTERM")
	}
	fmt.Fprint(conn, body[10:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request was cut off: %v", err)
	}
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(answer), `"__typename":"Query"`) {
		t.Fatalf("in-flight answer = %d %s", res.StatusCode, answer)
	}
	s.wait(t)
}

func TestDataAndSigningKeySurviveRestartOnEmbeddedStore(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "EMBEDDED_MONGO_ADDR": "off"}
	ctx, cancel := context.WithCancel(context.Background())
	s := start(t, ctx, env)
	if code, _ := get(t, s.url+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	var reg struct {
		Register struct {
			AccessToken string
			User        struct{ ID string }
		}
	}
	c := gqltest.Client{URL: s.url + "/graphql"}
	c.Do(t, register, map[string]any{"input": map[string]any{"email": "pia@example.org", "password": "a long enough passphrase", "displayName": "Pia"}}).OK(t, &reg)
	cancel()
	s.wait(t)

	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	s2 := start(t, ctx2, env)
	c.URL = s2.url + "/graphql"
	var me struct{ Me struct{ ID string } }
	c.As(reg.Register.AccessToken).Do(t, `{ me { id } }`, nil).OK(t, &me)
	if me.Me.ID != reg.Register.User.ID {
		t.Fatalf("after restart me = %+v, want %s", me.Me, reg.Register.User.ID)
	}
	c.Do(t, `mutation { login(input: {email: "pia@example.org", password: "a long enough passphrase"}) { accessToken } }`, nil).OK(t, nil)
	cancel2()
	s2.wait(t)
}

func TestProductionModeHidesDevelopmentAids(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := sharedStoreEnv(t)
	env["DEV_MODE"] = "off"
	s := start(t, ctx, env)
	if code, _ := get(t, s.url+"/"); code != http.StatusNotFound {
		t.Errorf("GET / = %d, want 404 without dev mode", code)
	}
	gqltest.Client{URL: s.url + "/graphql"}.Do(t, `{ __schema { types { name } } }`, nil).Fails(t, "BAD_USER_INPUT", "")
	cancel()
	s.wait(t)
}

func TestBadConfigurationIsNamed(t *testing.T) {
	err := run(context.Background(), envFrom(map[string]string{"LISTEN_ADDR": "nowhere", "MAX_BODY_BYTES": "-5"}), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "LISTEN_ADDR") || !strings.Contains(err.Error(), "MAX_BODY_BYTES") {
		t.Fatalf("run = %v, want both bad variables named", err)
	}
}

func TestCalendarFeedEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := start(t, ctx, sharedStoreEnv(t))
	c := gqltest.Client{URL: s.url + "/graphql"}
	var reg struct {
		Register struct{ AccessToken string }
	}
	c.Do(t, register, map[string]any{"input": map[string]any{"email": "rosa@example.org", "password": "a long enough passphrase", "displayName": "Rosa"}}).OK(t, &reg)
	as := c.As(reg.Register.AccessToken)
	var org struct {
		CreateOrganisation struct{ Organisation struct{ ID string } }
	}
	as.Do(t, `mutation { createOrganisation(input: {name: "Nachbarschaftshilfe"}) { organisation { id } } }`, nil).OK(t, &org)
	var opp struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	as.Do(t, `mutation($o: ID!) { createOpportunity(input: {organisationId: $o, title: "Einkaufshilfe", mode: ONSITE,
	  location: {address: "Marktplatz 1, Leipzig", latitude: 51.34, longitude: 12.37}}) { opportunity { id } } }`,
		map[string]any{"o": org.CreateOrganisation.Organisation.ID}).OK(t, &opp)
	var shift struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	as.Do(t, `mutation($o: ID!) { addShift(input: {opportunityId: $o, startsAt: "2030-06-03T10:00:00+02:00", endsAt: "2030-06-03T12:00:00+02:00", capacity: 2}) { shift { id } } }`,
		map[string]any{"o": opp.CreateOpportunity.Opportunity.ID}).OK(t, &shift)
	as.Do(t, `mutation($o: ID!) { publishOpportunity(id: $o) { opportunity { id } } }`, map[string]any{"o": opp.CreateOpportunity.Opportunity.ID}).OK(t, nil)
	as.Do(t, `mutation($s: ID!) { signUp(shiftId: $s) { signup { status } } }`, map[string]any{"s": shift.AddShift.Shift.ID}).OK(t, nil)

	var feed struct {
		CreateCalendarFeed struct{ Path string }
	}
	as.Do(t, `mutation { createCalendarFeed { path } }`, nil).OK(t, &feed)
	res, err := http.Get(s.url + feed.CreateCalendarFeed.Path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"SUMMARY:Einkaufshilfe", "DTSTART;TZID=Europe/Berlin:20300603T100000", "LOCATION:Marktplatz 1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("feed lacks %q:\n%s", want, body)
		}
	}
	var revoked struct{ RevokeCalendarFeed bool }
	as.Do(t, `mutation { revokeCalendarFeed }`, nil).OK(t, &revoked)
	if code, _ := get(t, s.url+feed.CreateCalendarFeed.Path); !revoked.RevokeCalendarFeed || code != http.StatusNotFound {
		t.Fatalf("after revoking: revoked = %v, GET = %d; want true and 404", revoked.RevokeCalendarFeed, code)
	}
	if code, _ := get(t, s.url+"/calendar/mwc_guessed.ics"); code != http.StatusNotFound {
		t.Fatalf("guessed token: %d, want 404", code)
	}
}

func TestAllowlistModeServesTheAppsOperationsOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := sharedStoreEnv(t)
	env["PERSISTED_QUERIES"] = "only"
	s := start(t, ctx, env)
	c := gqltest.Client{URL: s.url + "/graphql"}
	m, err := mobilecontract.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range m.Operations {
		if op.Name == "Vocabulary" {
			c.Do(t, op.Body, nil).OK(t, nil)
		}
	}
	c.Do(t, `{ vocabulary { skills { key } } }`, nil).Fails(t, "FORBIDDEN", "")
	cancel()
	s.wait(t)
}
