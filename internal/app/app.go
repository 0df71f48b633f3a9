// Package app assembles the domain services on a store. It is the one composition root that
// the server and the transport's tests share, so that what the tests run is what the server
// runs. Like the mains, and unlike the domain packages, it may reach the store.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/discovery"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/quota"
	"github.com/mitwirken/mitwirken/internal/replay"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/training"
)

// Config tunes the assembly.
type Config struct {
	// Exclusive says this process is the only writer (the embedded store), which lets the
	// services keep what they read in memory.
	Exclusive bool
	// StatsK is the suppression threshold of the engagement statistics.
	StatsK int
	// PlatformAdmins are the e-mail addresses of the platform's operators.
	PlatformAdmins []string
	// NoAccountLimits turns off the per-account limits on signups, invitations and searches
	// (package quota), for load tests that send as a few accounts.
	NoAccountLimits bool
	// Poll, when set, is how often changes written by other processes are read (the
	// catalog's change log, new notifications, new groups); tests shorten it. Zero keeps each
	// service's default.
	Poll time.Duration
}

// Services are the domain services the transport calls. The field list is graph.Services'
// (the server converts one into the other), kept apart because graph must not reach the store.
type Services struct {
	Accounts      *account.Service
	Organisations *organisation.Service
	Opportunities *opportunity.Service
	Signups       *signup.Service
	Calendar      *calendar.Service
	Profiles      *profile.Service
	Discovery     *discovery.Service
	Inbox         *notify.Inbox
	Replays       *replay.Service
	Privacy       *privacy.Service
	Consents      *consent.Service
	Audit         *audit.Service
	Notify        *notify.Service
	JobRuns       *schedule.RunView
	Training      *training.Service
	Stats         *stats.Service
	Groups        *group.Service
}

// App is the assembled services and what runs beside them.
type App struct {
	Services Services
	// Events records engagement facts in the background; Close flushes it.
	Events *engagement.Recorder
	stop   func()
}

// Close stops the background work and writes what is still buffered; call it after the last
// request.
func (a *App) Close() { a.stop() }

// Wire builds the services on the store and starts their background work.
func Wire(ctx context.Context, st *store.Store, tokens *auth.Tokens, log *slog.Logger, cfg Config) (_ *App, err error) {
	catalogPoll, groupsPoll := time.Second, 5*time.Second
	if cfg.Poll > 0 {
		catalogPoll, groupsPoll = cfg.Poll, cfg.Poll
	}
	events := engagement.NewRecorder(st.Events(), log)
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var background []chan struct{}
	stop := func() {
		stopBackground()
		for _, done := range background {
			<-done
		}
		events.Close()
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	goBackground := func(run func()) {
		done := make(chan struct{})
		background = append(background, done)
		go func() {
			defer close(done)
			run()
		}()
	}
	exclusive := cfg.Exclusive

	accounts := account.NewService(st.Accounts(), st.Throttle(), tokens, log)
	accounts.SetPlatformAdmins(cfg.PlatformAdmins)
	orgs := organisation.NewService(st.Organisations(), accounts)
	opps := opportunity.NewService(st.Opportunities(), orgs, events, log)
	signups := signup.NewService(st.Signups(), opps, accounts, events, log, signup.Config{Exclusive: exclusive})
	var limits *quota.Limits
	if !cfg.NoAccountLimits {
		limits = quota.New(quota.Defaults)
	}
	signups.SetQuota(limits)
	opps.SetOccupancy(signups)
	if exclusive {
		if err := opps.KeepInMemory(ctx); err != nil {
			return nil, err
		}
		if err := accounts.KeepUsersInMemory(ctx); err != nil {
			return nil, err
		}
		if err := orgs.KeepInMemory(ctx); err != nil {
			return nil, err
		}
	}
	if err := signups.Preload(ctx); err != nil {
		return nil, err
	}
	cal := calendar.NewService(st.CalendarFeeds(), signups, opps, log)
	profiles := profile.NewService(st.Profiles())
	if err := profiles.Load(ctx); err != nil {
		return nil, err
	}

	feed := catalog.NewFeed(st.Changes(), log)
	cat := catalog.New(opps, signups, feed, log)
	disc := discovery.New(cat, profiles, signups, opps)
	notifications := notify.NewService(st.Outbox(), st.Outbox(), st.Accounts(), st.Outbox(), log)
	disc.SetNotifier(notifications)
	disc.SetQuota(limits)

	train := training.NewService(st.Training(), st.Credentials(), orgs, accounts, events, st.Signups(), log,
		training.Config{Exclusive: exclusive})
	if err := train.Load(ctx); err != nil {
		return nil, err
	}
	train.SetFeed(disc)
	disc.SetHoldings(train)
	if err := disc.SetModules(ctx, train); err != nil {
		return nil, err
	}
	signups.SetQualifications(train)

	opps.Watch(cat)
	signups.Watch(cat)
	built := time.Now()
	if err := cat.Rebuild(ctx); err != nil {
		return nil, err
	}
	log.Info("catalog built", "opportunities", cat.Len(), "durationMs", time.Since(built).Milliseconds())
	inbox := notify.NewInbox(st.Outbox(), st.Outbox(), notify.InboxConfig{Memory: exclusive, Poll: cfg.Poll}, log)
	if err := inbox.Start(bg); err != nil {
		return nil, err
	}
	goBackground(func() { feed.Run(bg, cat, catalogPoll) })

	priv, consents, auditLog := privacy.Wire(privacy.Domains{Accounts: accounts, Organisations: orgs, Opportunities: opps,
		Signups: signups, Profiles: profiles, Inbox: inbox, Notify: notifications, Records: st.PrivacyRecords(),
		FlushEvents: events.Flush, Proxies: st.Proxies()}, st.Consents(), st.Audit(), log)
	priv.Register(privacy.Func{Section: "training", ExportFn: train.ExportOf,
		EraseFn: func(ctx context.Context, e privacy.Erasure) error { return train.Erase(ctx, e.UserID, e.Pseudonym) }})

	groups := group.NewService(st.Groups(), orgs, accounts, events, auditLog, log)
	if exclusive {
		if err := groups.KeepInMemory(ctx); err != nil {
			return nil, err
		}
	}
	if err := disc.SetGroups(ctx, groups); err != nil {
		return nil, err
	}
	cal.SetGroups(st.GroupCalendarFeeds(), groups)
	groups.SetNotifier(notifications)
	if !exclusive {
		// Other replicas' groups into search.
		goBackground(func() { groups.Follow(bg, groupsPoll) })
	}
	priv.Register(privacy.Func{Section: "groups",
		ExportFn: func(ctx context.Context, userID string) (any, error) { return groups.ExportOf(ctx, userID) },
		EraseFn: func(ctx context.Context, e privacy.Erasure) error {
			if _, err := cal.RevokeGroupFeed(ctx, auth.Actor{UserID: e.UserID}); err != nil {
				return err
			}
			return groups.Erase(ctx, e.UserID, e.Pseudonym)
		}})

	return &App{Events: events, stop: stop, Services: Services{Accounts: accounts, Organisations: orgs, Opportunities: opps,
		Signups: signups, Calendar: cal, Profiles: profiles, Discovery: disc, Inbox: inbox, Replays: replay.NewService(st.Replays()),
		Privacy: priv, Consents: consents, Audit: auditLog, Notify: notifications, JobRuns: schedule.NewRunView(st.JobRuns(), accounts),
		Training: train, Stats: stats.NewService(st.Stats(), orgs, cfg.StatsK), Groups: groups}}, nil
}
