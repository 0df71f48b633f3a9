package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/mitwirken/mitwirken/graph"
	services "github.com/mitwirken/mitwirken/internal/app" // the server's tests call the mobile app "app"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/mail"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/store"
	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

// allowlist returns the documents of the app's manifest when only those may run.
func allowlist(only bool) (map[string]string, error) {
	if !only {
		return nil, nil
	}
	m, err := mobilecontract.Embedded()
	if err != nil {
		return nil, err
	}
	docs := make(map[string]string, len(m.Operations))
	for _, op := range m.Operations {
		docs[op.ID] = op.Body
	}
	return docs, nil
}

// run serves until ctx ends, then lets in-flight requests finish and closes the store. ready,
// if not nil, receives the listening address once requests are accepted.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- string) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	storeCfg := store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir,
		EmbeddedAddr: cfg.EmbeddedAddr, Logger: log, Metrics: store.NewMetrics(reg)}
	st, err := store.Open(ctx, storeCfg)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := st.Close(closeCtx); err != nil {
			log.Error("close store", "err", err)
		}
	}()

	tokens, err := auth.TokensFromConfig(cfg.JWTSecret, filepath.Join(cfg.DataDir, "jwt.key"))
	if err != nil {
		return err
	}
	svc, closeServices, err := wire(ctx, st, tokens, log, cfg)
	if err != nil {
		return err
	}
	// Deferred after the store's Close, so it runs before it.
	defer closeServices()
	svc.Privacy.SetRetention(retentionOf(cfg), st.PrivacyRecords(), svc.Notify, privacy.Pruners{Audit: st.Audit(), Notifications: st.Outbox()})
	allow, err := allowlist(cfg.PersistedOnly)
	if err != nil {
		return err
	}
	gql := graph.NewHandler(&graph.Resolver{Svc: svc}, graph.Options{Allowlist: allow,
		DevMode: cfg.DevMode, MaxBodyBytes: cfg.MaxBodyBytes, RequestTimeout: cfg.RequestTimeout,
		MaxDepth: cfg.MaxDepth, MaxComplexity: cfg.MaxComplexity, RatePerSecond: float64(cfg.RatePerSecond),
		Logger: log, Metrics: graph.NewMetrics(reg), Tokens: tokens,
	})

	var draining atomic.Bool
	// Requests, including hijacked WebSocket connections, live in baseCtx; it ends after the
	// graceful shutdown so subscriptions close too.
	baseCtx, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	statsCSV := graph.StatsCSVHandler(&graph.Resolver{Svc: svc}, tokens, log)
	srv := &http.Server{
		Handler:           routes(gql, calendarFeed(svc.Calendar, log), graph.ExportHandler(&graph.Resolver{Svc: svc}, tokens, log), statsCSV, st, reg, cfg.DevMode, &draining),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	if cfg.Worker {
		// The same jobs as `go run ./worker`, coordinated with any worker through leases.
		sender, err := mail.SenderFromEnv(getenv)
		if err != nil {
			return err
		}
		svc.Training.SetCredentialRetention(time.Duration(cfg.CredentialRetentionDays) * 24 * time.Hour)
		runner, err := services.Runner(baseCtx, st, services.JobParts{Accounts: svc.Accounts, Expirations: svc.Training,
			Training: svc.Training, GroupMeetings: svc.Groups, Retention: svc.Privacy}, sender, cfg.ShiftReminderLeads, log)
		if err != nil {
			return err
		}
		runner.Start()
		defer runner.Stop(context.WithoutCancel(ctx))
	}

	log.Info("listening", "addr", ln.Addr().String(), "embeddedStore", cfg.Embedded(), "devMode", cfg.DevMode, "worker", cfg.Worker)
	if ready != nil {
		ready <- ln.Addr().String()
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("server: serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	draining.Store(true)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	cancelBase()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
