package main

import (
	"context"
	"log/slog"

	"github.com/mitwirken/mitwirken/graph"
	// Aliased: the server's tests call the mobile app "app".
	services "github.com/mitwirken/mitwirken/internal/app"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/config"
	"github.com/mitwirken/mitwirken/internal/store"
)

// wire builds the domain services on the store (see package app). shutdown writes what is
// still buffered; call it after the last request.
func wire(ctx context.Context, st *store.Store, tokens *auth.Tokens, log *slog.Logger, cfg config.Config) (graph.Services, func(), error) {
	a, err := services.Wire(ctx, st, tokens, log, services.Config{Exclusive: cfg.Embedded(), StatsK: cfg.StatsK, PlatformAdmins: cfg.PlatformAdmins,
		NoAccountLimits: !cfg.AccountLimits})
	if err != nil {
		return graph.Services{}, nil, err
	}
	return graph.Services(a.Services), a.Close, nil
}
