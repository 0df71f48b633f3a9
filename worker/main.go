// Command worker runs the scheduled jobs against the store: `worker` runs the schedule until
// SIGINT or SIGTERM, `worker run JOB` runs one job once. Without MONGODB_URI it connects to the
// embedded store of a running server (EMBEDDED_MONGO_ADDR).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

const usage = "usage: worker [run JOB]"

func run(ctx context.Context, getenv func(string) string, args []string, logOut io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	uri := cfg.MongoURI
	if uri == "" {
		if cfg.EmbeddedAddr == "" {
			return errors.New("worker: set MONGODB_URI, or EMBEDDED_MONGO_ADDR to the address of a running server's embedded store")
		}
		uri = "mongodb://" + cfg.EmbeddedAddr + "/"
	}
	st, err := store.Open(ctx, store.Config{URI: uri, Database: cfg.Database, Logger: log})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close(context.WithoutCancel(ctx)) }()

	tokens, err := auth.TokensFromConfig(cfg.JWTSecret, filepath.Join(cfg.DataDir, "jwt.key"))
	if err != nil {
		return err
	}
	accounts := account.NewService(st.Accounts(), st.Throttle(), tokens, log)
	runner, err := schedule.NewRunner(ctx, schedule.Jobs(accounts), log)
	if err != nil {
		return err
	}

	switch {
	case len(args) == 0:
		runner.Start()
		log.Info("worker started")
		<-ctx.Done()
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		runner.Stop(stopCtx)
		return nil
	case len(args) == 2 && args[0] == "run":
		_, err := runner.RunOnce(ctx, args[1])
		return err
	default:
		return errors.New(usage)
	}
}
