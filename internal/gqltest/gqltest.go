// Package gqltest is a small GraphQL-over-HTTP client for tests: it posts a document to a
// running server and decodes the standard response shape.
package gqltest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Client talks to one endpoint, optionally as a signed-in user.
type Client struct {
	URL   string
	Token string
	HTTP  *http.Client
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Field is extensions.field.
func (e Error) Field() string { s, _ := e.Extensions["field"].(string); return s }

// Response is a decoded GraphQL response plus the HTTP status.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// As returns a copy of the client that authenticates with token.
func (c Client) As(token string) Client {
	c.Token = token
	return c
}

// Do posts the query and decodes the answer; transport failures fail the test.
func (c Client) Do(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return c.Post(t, body)
}

// Post sends a raw request body.
func (c Client) Post(t testing.TB, body []byte) Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := Response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", resp.StatusCode, err, raw)
	}
	return out
}

// OK fails the test if the response has errors and decodes data into v (if not nil).
func (r Response) OK(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode data: %v\n%s", err, r.Data)
		}
	}
}

// Fails asserts exactly one error with the code (and the field, when not empty) and returns it.
func (r Response) Fails(t testing.TB, code, field string) Error {
	t.Helper()
	if len(r.Errors) != 1 {
		t.Fatalf("errors = %+v, want one %s", r.Errors, code)
	}
	e := r.Errors[0]
	if e.Code() != code || (field != "" && e.Field() != field) {
		t.Fatalf("error = %s (field %q) %q, want %s (field %q)", e.Code(), e.Field(), e.Message, code, field)
	}
	return e
}
