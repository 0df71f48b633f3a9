package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/mitwirken/mitwirken/graph"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/discovery"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/replay"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/training"
)

// wire builds the domain services on the store. exclusive says this process is the only
// writer (the embedded store), which lets the services keep what they read in memory. shutdown
// writes what is still buffered; call it after the last request. statsK is the suppression
// threshold of the engagement statistics.
func wire(ctx context.Context, st *store.Store, tokens *auth.Tokens, log *slog.Logger, exclusive bool, statsK int) (svc graph.Services, shutdown func(), err error) {
	events := engagement.NewRecorder(st.Events(), log)
	defer func() {
		if err != nil {
			events.Close()
		}
	}()
	accounts := account.NewService(st.Accounts(), st.Throttle(), tokens, log)
	orgs := organisation.NewService(st.Organisations(), accounts)
	opps := opportunity.NewService(st.Opportunities(), orgs, events, log)
	signups := signup.NewService(st.Signups(), opps, accounts, events, log, signup.Config{Exclusive: exclusive})
	opps.SetOccupancy(signups)
	if exclusive {
		if err := opps.KeepInMemory(ctx); err != nil {
			return graph.Services{}, nil, err
		}
		if err := accounts.KeepUsersInMemory(ctx); err != nil {
			return graph.Services{}, nil, err
		}
	}
	if err := signups.Preload(ctx); err != nil {
		return graph.Services{}, nil, err
	}
	cal := calendar.NewService(st.CalendarFeeds(), signups, opps, log)

	profiles := profile.NewService(st.Profiles())
	if err := profiles.Load(ctx); err != nil {
		return graph.Services{}, nil, err
	}
	feed := catalog.NewFeed(st.Changes(), log)
	cat := catalog.New(opps, signups, feed, log)
	disc := discovery.New(cat, profiles, signups, opps)
	notifications := notify.NewService(st.Outbox(), st.Outbox(), st.Accounts(), st.Outbox(), log)
	disc.SetNotifier(notifications)
	train := training.NewService(st.Training(), st.Credentials(), orgs, accounts, events, st.Signups(), log,
		training.Config{Exclusive: exclusive})
	if err := train.Load(ctx); err != nil {
		return graph.Services{}, nil, err
	}
	train.SetFeed(disc)
	disc.SetHoldings(train)
	if err := disc.SetModules(ctx, train); err != nil {
		return graph.Services{}, nil, err
	}
	signups.SetQualifications(train)
	opps.Watch(cat)
	signups.Watch(cat)
	built := time.Now()
	if err := cat.Rebuild(ctx); err != nil {
		return graph.Services{}, nil, err
	}
	log.Info("catalog built", "opportunities", cat.Len(), "durationMs", time.Since(built).Milliseconds())
	feedCtx, stopFeed := context.WithCancel(context.WithoutCancel(ctx))
	inbox := notify.NewInbox(st.Outbox(), st.Outbox(), notify.InboxConfig{Memory: exclusive}, log)
	if err := inbox.Start(feedCtx); err != nil {
		stopFeed()
		return graph.Services{}, nil, err
	}
	feedDone := make(chan struct{})
	go func() {
		defer close(feedDone)
		feed.Run(feedCtx, cat, time.Second)
	}()
	priv, consents, auditLog := privacy.Wire(privacy.Domains{Accounts: accounts, Organisations: orgs, Opportunities: opps,
		Signups: signups, Profiles: profiles, Inbox: inbox, Notify: notifications, Records: st.PrivacyRecords(),
		FlushEvents: events.Flush, Proxies: st.Proxies()}, st.Consents(), st.Audit(), log)
	priv.Register(privacy.Func{Section: "training", ExportFn: train.ExportOf,
		EraseFn: func(ctx context.Context, e privacy.Erasure) error { return train.Erase(ctx, e.UserID, e.Pseudonym) }})
	groups := group.NewService(st.Groups(), orgs, accounts, events, auditLog, log)
	if exclusive {
		if err := groups.KeepInMemory(ctx); err != nil {
			stopFeed()
			return graph.Services{}, nil, err
		}
	}
	if err := disc.SetGroups(ctx, groups); err != nil {
		stopFeed()
		return graph.Services{}, nil, err
	}
	cal.SetGroups(st.GroupCalendarFeeds(), groups)
	groups.SetNotifier(notifications)
	if !exclusive {
		go groups.Follow(feedCtx, 5*time.Second) // other replicas' groups into search
	}
	priv.Register(privacy.Func{Section: "groups",
		ExportFn: func(ctx context.Context, userID string) (any, error) { return groups.ExportOf(ctx, userID) },
		EraseFn: func(ctx context.Context, e privacy.Erasure) error {
			if _, err := cal.RevokeGroupFeed(ctx, auth.Actor{UserID: e.UserID}); err != nil {
				return err
			}
			return groups.Erase(ctx, e.UserID, e.Pseudonym)
		}})
	closeAll := func() {
		stopFeed()
		<-feedDone
		events.Close()
	}
	return graph.Services{Accounts: accounts, Organisations: orgs, Opportunities: opps, Signups: signups, Calendar: cal,
		Profiles: profiles, Discovery: disc, Inbox: inbox, Replays: replay.NewService(st.Replays()),
		Notify: notifications, JobRuns: schedule.NewRunView(st.JobRuns(), accounts), Stats: stats.NewService(st.Stats(), orgs, statsK),
		Privacy: priv, Consents: consents, Audit: auditLog, Training: train, Groups: groups}, closeAll, nil
}
