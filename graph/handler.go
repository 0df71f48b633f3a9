package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mitwirken/mitwirken/internal/auth"
)

// Options are the transport's limits and switches.
type Options struct {
	// Introspection and other development aids.
	DevMode bool
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds a query or mutation (not a subscription).
	RequestTimeout time.Duration
	MaxDepth       int
	MaxComplexity  int
	Logger         *slog.Logger
	Metrics        *Metrics
	Tokens         *auth.Tokens
	// RatePerSecond limits requests per client address (with bursts of twice as many);
	// zero means no limit.
	RatePerSecond float64
	// Allowlist, when not nil, maps SHA-256 hashes to the only documents the server runs.
	Allowlist map[string]string
}

// NewHandler returns the /graphql endpoint: POST and GET for queries and mutations, WebSocket
// (graphql-transport-ws) for subscriptions, with authentication, batch loaders and limits.
func NewHandler(r *Resolver, o Options) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r}))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return authenticateSocket(ctx, o.Tokens, p)
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Allowlist != nil {
		srv.Use(allowlist{documents: o.Allowlist})
	}
	// Automatic persisted queries: the app sends a document's SHA-256 instead of its text once
	// the server has seen it.
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if o.DevMode {
		srv.Use(extension.Introspection{})
	}
	srv.Use(depthLimit{max: o.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(o.MaxComplexity))
	srv.SetErrorPresenter(presentErrors(o.Logger))
	srv.SetRecoverFunc(recoverPanic(o.Logger))
	srv.AroundResponses(observe(o.Logger, o.Metrics))

	var h http.Handler = srv
	h = withScope(r, h)
	h = refuseErased(r, h)
	h = authenticate(o.Tokens, h)
	h = limitRate(o.RatePerSecond, h)
	h = withClientAddr(h)
	h = limitRequest(o.MaxBodyBytes, o.RequestTimeout, h)
	return h
}

type clientAddrKey struct{}

var clientAddrCtxKey = &clientAddrKey{}

// withClientAddr records the caller's address for per-address limits. Behind a proxy every
// caller would share the proxy's address; forwarded headers are not trusted because clients
// can forge them.
func withClientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		host, _, err := net.SplitHostPort(req.RemoteAddr)
		if err != nil {
			host = req.RemoteAddr
		}
		next.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), clientAddrCtxKey, host)))
	})
}

func clientAddr(ctx context.Context) string {
	s, _ := ctx.Value(clientAddrCtxKey).(string)
	return s
}

// authenticate puts the actor of a valid bearer token into the context. A request with an
// invalid token is refused outright rather than served anonymously, so that a client with an
// expired token learns to refresh instead of seeing an empty "me".
func authenticate(tokens *auth.Tokens, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		header := req.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, req)
			return
		}
		raw, ok := strings.CutPrefix(header, "Bearer ")
		if !ok {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "the Authorization header must be 'Bearer <accessToken>'")
			return
		}
		actor, err := tokens.Verify(strings.TrimSpace(raw))
		if err != nil {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "access token is invalid or expired; refresh the session")
			return
		}
		next.ServeHTTP(w, req.WithContext(auth.WithActor(req.Context(), actor)))
	})
}

func authenticateSocket(ctx context.Context, tokens *auth.Tokens, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	header := p.Authorization()
	if header == "" {
		return ctx, nil, nil
	}
	raw, _ := strings.CutPrefix(header, "Bearer ")
	actor, err := tokens.Verify(strings.TrimSpace(raw))
	if err != nil {
		return ctx, nil, errUnauthenticatedSocket
	}
	return auth.WithActor(ctx, actor), nil, nil
}

type socketError string

func (e socketError) Error() string { return string(e) }

const errUnauthenticatedSocket = socketError("UNAUTHENTICATED: access token is invalid or expired")

// limitRequest caps the body and, for everything but a WebSocket upgrade, the time.
func limitRequest(maxBody int64, timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.ContentLength > maxBody {
			writeError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request body is too large")
			return
		}
		req.Body = http.MaxBytesReader(w, req.Body, maxBody)
		if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") && timeout > 0 {
			ctx, cancel := context.WithTimeout(req.Context(), timeout)
			defer cancel()
			req = req.WithContext(ctx)
		}
		next.ServeHTTP(w, req)
	})
}

// writeError answers before GraphQL runs, in the GraphQL response shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"data":   nil,
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
