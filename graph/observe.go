package graph

import (
	"context"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts GraphQL operations and their latency by operation name.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

// maxOperationNames caps the label values clients can create: operation names come from the
// client, and every new name would otherwise be a new time series.
const maxOperationNames = 200

var operationNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// NewMetrics registers the GraphQL metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mitwirken_graphql_requests_total",
			Help: "GraphQL operations by operation name and outcome (ok, or the first error code).",
		}, []string{"operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mitwirken_graphql_request_duration_seconds",
			Help:    "GraphQL operation latency by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"operation"}),
		names: make(map[string]bool),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) label(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !operationNamePattern.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[name] {
		if len(m.names) >= maxOperationNames {
			return "other"
		}
		m.names[name] = true
	}
	return name
}

// observe logs and measures every response: operation name, duration and error codes, never
// variables (they carry passwords and tokens).
func observe(log *slog.Logger, m *Metrics) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil || !graphql.HasOperationContext(ctx) {
			return resp
		}
		opCtx := graphql.GetOperationContext(ctx)
		start := opCtx.Stats.OperationStart
		if start.IsZero() {
			start = time.Now()
		}
		elapsed := time.Since(start)
		outcome := "ok"
		var codes []string
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			codes = append(codes, code)
		}
		if len(codes) > 0 {
			outcome = codes[0]
		}
		level := slog.LevelInfo
		if outcome == "INTERNAL" {
			level = slog.LevelError
		}
		log.Log(ctx, level, "graphql",
			"operation", nameOf(opCtx),
			"durationMs", float64(elapsed.Microseconds())/1000,
			"errors", codes,
		)
		if m != nil {
			name := m.label(nameOf(opCtx))
			m.requests.WithLabelValues(name, outcome).Inc()
			m.duration.WithLabelValues(name).Observe(elapsed.Seconds())
		}
		return resp
	}
}
