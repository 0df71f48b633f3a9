package main

import (
	"context"
	"log/slog"

	"github.com/mitwirken/mitwirken/graph"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/store"
)

// wire builds the domain services on the store. exclusive says this process is the only
// writer (the embedded store), which lets the services keep what they read in memory. close
// writes what is still buffered; call it after the last request.
func wire(ctx context.Context, st *store.Store, tokens *auth.Tokens, log *slog.Logger, exclusive bool) (svc graph.Services, close func(), err error) {
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
	}
	if err := signups.Preload(ctx); err != nil {
		return graph.Services{}, nil, err
	}
	cal := calendar.NewService(st.CalendarFeeds(), signups, opps, log)
	return graph.Services{Accounts: accounts, Organisations: orgs, Opportunities: opps, Signups: signups, Calendar: cal}, events.Close, nil
}
