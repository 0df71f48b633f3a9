// Command worker runs the scheduled jobs against the store: `worker` runs the schedule until
// SIGINT or SIGTERM, `worker run JOB` runs one job once. Without MONGODB_URI it connects to the
// embedded store of a running server (EMBEDDED_MONGO_ADDR). Any number of workers (and
// servers running the jobs in-process) may share a store: each run takes the job's lease.
//
// E-mail goes out over SMTP_URL (smtp://user:password@host:port, or smtps://…) from MAIL_FROM;
// links point to PUBLIC_URL. Without SMTP_URL, e-mails wait in the outbox.
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
	"github.com/mitwirken/mitwirken/internal/app"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/mail"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/training"
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
	sender, err := mail.SenderFromEnv(getenv)
	if err != nil {
		return err
	}
	accounts := account.NewService(st.Accounts(), st.Throttle(), tokens, log)
	orgs := organisation.NewService(st.Organisations(), accounts)
	// The worker only reads and prunes training records, so the training service records no events.
	train := training.NewService(st.Training(), st.Credentials(), orgs, accounts,
		nil, st.Signups(), log, training.Config{CredentialRetention: time.Duration(cfg.CredentialRetentionDays) * 24 * time.Hour})
	// The worker only expands meeting schedules, which records no events and checks no roles.
	groups := group.NewService(st.Groups(), orgs, accounts, nil, nil, log)
	runner, err := app.Runner(ctx, st, app.JobParts{Accounts: accounts, Expirations: train, Training: train, GroupMeetings: groups},
		sender, cfg.ShiftReminderLeads, log)
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
		// Waits while another process runs the job, up to two lease slots.
		n, err := runner.RunOnce(ctx, args[1], 2*lease.DefaultSlot)
		if err == nil {
			log.Info("job ran", "job", args[1], "items", n)
		}
		return err
	default:
		return errors.New(usage)
	}
}
