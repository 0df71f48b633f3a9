package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/mitwirken/mitwirken/graph"
	"github.com/mitwirken/mitwirken/internal/gqltest"
)

func TestDeepQueriesAreRefused(t *testing.T) {
	a := newAPI(t)
	admin := a.register(t, "lea@example.org", "Lea")
	org := a.createOrg(t, admin.AccessToken, "Hospizverein")
	// organisation → members → user → memberships → organisation → … loops through the schema.
	deep := `query Deep($id: ID!) { organisation(id: $id) { members { user { memberships { organisation { members { user {
	  memberships { organisation { members { user { memberships { organisation { members { user { id } } } } } } } } } } } } } } } }`
	e := a.As(admin.AccessToken).Do(t, deep, map[string]any{"id": org.ID}).Fails(t, "BAD_USER_INPUT", "")
	if !strings.Contains(e.Message, "limit of 12") {
		t.Fatalf("message = %q", e.Message)
	}
	// Fragments count too.
	viaFragment := `query Deep($id: ID!) { organisation(id: $id) { ...O } }
	fragment O on Organisation { members { user { memberships { organisation { members { user { memberships { organisation {
	  members { user { memberships { organisation { id } } } } } } } } } } } } }`
	a.As(admin.AccessToken).Do(t, viaFragment, map[string]any{"id": org.ID}).Fails(t, "BAD_USER_INPUT", "")
}

func TestComplexQueriesAreRefused(t *testing.T) {
	a := newAPI(t, func(o *graph.Options) { o.MaxComplexity = 5 })
	e := a.Do(t, `{ a: me { id displayName } b: me { id displayName } c: me { id } }`, nil).Fails(t, "BAD_USER_INPUT", "")
	if !strings.Contains(e.Message, "complexity") {
		t.Fatalf("message = %q", e.Message)
	}
}

func TestOversizedBodiesAreRefused(t *testing.T) {
	a := newAPI(t)
	body, _ := json.Marshal(map[string]any{"query": "{ me { id } }", "variables": map[string]any{"pad": strings.Repeat("x", 1<<20)}})
	resp := a.Post(t, body)
	if resp.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", resp.Status)
	}
	resp.Fails(t, "BAD_USER_INPUT", "")

	// Without a Content-Length (chunked), the limit still holds while reading.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, a.url, struct{ *bytes.Reader }{bytes.NewReader(body)})
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var chunked struct {
		Errors []struct{ Extensions map[string]any }
	}
	if err := json.NewDecoder(res.Body).Decode(&chunked); err != nil {
		t.Fatal(err)
	}
	if len(chunked.Errors) != 1 || chunked.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("chunked oversized body: %+v, want BAD_USER_INPUT", chunked)
	}
}

func TestMalformedBodyIsNeitherEchoedNorLogged(t *testing.T) {
	a := newAPI(t)
	resp := a.Post(t, []byte(`{"query": "mutation { login(input: {email: \"x@example.org\", password: \"secret-passphrase\"}) { accessToken } }", `))
	e := resp.Fails(t, "BAD_USER_INPUT", "")
	if strings.Contains(e.Message, "secret-passphrase") || strings.Contains(a.logs.String(), "secret-passphrase") {
		t.Fatalf("the body was echoed or logged: %q", e.Message)
	}
}

func TestIntrospectionOnlyInDevMode(t *testing.T) {
	const q = `{ __schema { queryType { name } } }`
	newAPI(t).Do(t, q, nil).OK(t, nil)
	prod := newAPI(t, func(o *graph.Options) { o.DevMode = false })
	prod.Do(t, q, nil).Fails(t, "BAD_USER_INPUT", "")
}

func TestUnknownFieldsAndSyntaxErrorsAreBadInput(t *testing.T) {
	a := newAPI(t)
	a.Do(t, `{ me { id password } }`, nil).Fails(t, "BAD_USER_INPUT", "")
	a.Do(t, `{ me { id `, nil).Fails(t, "BAD_USER_INPUT", "")
	a.Do(t, `mutation { register(input: {email: "x@example.org", password: "long enough pass", displayName: "X", admin: true}) { accessToken } }`, nil).
		Fails(t, "BAD_USER_INPUT", "")
}

func TestStoreFailureIsInternalAndLeaksNothing(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "max@example.org", "Max")
	if err := a.store.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := a.As(reg.AccessToken).Do(t, `query Mine { mySignups { totalCount } }`, nil).Fails(t, "INTERNAL", "")
	if strings.Contains(strings.ToLower(e.Message), "store") || strings.Contains(e.Message, "client") {
		t.Fatalf("internal error leaks details: %q", e.Message)
	}
	if !strings.Contains(a.logs.String(), `"msg":"internal error"`) {
		t.Fatalf("the cause was not logged:\n%s", a.logs.String())
	}
}

func TestGetAndWebSocketTransports(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "nia@example.org", "Nia")

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.url+"?query="+url.QueryEscape(`{ me { displayName } }`), nil)
	req.Header.Set("Authorization", "Bearer "+reg.AccessToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct{ Me struct{ DisplayName string } }
	}
	_ = json.NewDecoder(res.Body).Decode(&got)
	res.Body.Close()
	if got.Data.Me.DisplayName != "Nia" {
		t.Fatalf("GET me = %+v", got)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(v any) {
		if err := wsjson.Write(ctx, conn, v); err != nil {
			t.Fatal(err)
		}
	}
	type message struct {
		Type    string          `json:"type"`
		ID      string          `json:"id"`
		Payload json.RawMessage `json:"payload"`
	}
	read := func() message {
		var m message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + reg.AccessToken}})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("first message = %+v, want connection_ack", m)
	}
	send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": `{ me { displayName } }`}})
	m := read()
	if m.Type != "next" || !strings.Contains(string(m.Payload), `"displayName":"Nia"`) {
		t.Fatalf("answer = %s %s", m.Type, m.Payload)
	}
}

func TestRequestsBeyondTheRateAreRefused(t *testing.T) {
	a := newAPI(t, func(o *graph.Options) { o.RatePerSecond = 5 })
	limited := 0
	for range 30 {
		resp := a.Do(t, `{ __typename }`, nil)
		if resp.Status == http.StatusTooManyRequests {
			resp.Fails(t, "RATE_LIMITED", "")
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("30 requests at once with a limit of 5 per second: none refused")
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	a := newAPI(t)
	const query = `{ __typename }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(body map[string]any) gqltest.Response {
		raw, _ := json.Marshal(body)
		return a.Post(t, raw)
	}
	e := post(map[string]any{"extensions": ext}).Fails(t, "PERSISTED_QUERY_NOT_FOUND", "")
	if e.Message != "PersistedQueryNotFound" {
		t.Fatalf("message = %q, want PersistedQueryNotFound", e.Message)
	}
	post(map[string]any{"query": query, "extensions": ext}).OK(t, nil)
	var out struct {
		Typename string `json:"__typename"`
	}
	post(map[string]any{"extensions": ext}).OK(t, &out)
	if out.Typename != "Query" {
		t.Fatalf("hash only = %+v", out)
	}
	// A hash that does not match the document is refused.
	bad := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}
	if resp := post(map[string]any{"query": query, "extensions": bad}); len(resp.Errors) == 0 {
		t.Fatal("a wrong hash was accepted")
	}
}

func TestAllowlistModeRunsOnlyTheManifest(t *testing.T) {
	const allowed = `query Me { me { id } }`
	sum := sha256.Sum256([]byte(allowed))
	hash := hex.EncodeToString(sum[:])
	a := newAPI(t, func(o *graph.Options) { o.Allowlist = map[string]string{hash: allowed} })
	a.Do(t, allowed, nil).OK(t, nil)
	raw, _ := json.Marshal(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}})
	a.Post(t, raw).OK(t, nil)
	a.Do(t, `query Other { me { id displayName } }`, nil).Fails(t, "FORBIDDEN", "")
	raw, _ = json.Marshal(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("a", 64)}}})
	a.Post(t, raw).Fails(t, "FORBIDDEN", "")
}
