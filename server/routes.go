package main

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type pinger interface {
	Ping(ctx context.Context) error
}

func routes(gql, calendarFeed, export, statsCSV http.Handler, store pinger, reg *prometheus.Registry, devMode bool, draining *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("GET /calendar/{file}", calendarFeed)
	mux.Handle("GET /me/export.json", export)
	mux.Handle("GET /stats/{file}", statsCSV)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if devMode {
		mux.Handle("GET /{$}", playground.Handler("Mitwirken", "/graphql"))
	}
	return mux
}
