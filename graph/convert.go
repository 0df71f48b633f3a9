package graph

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Small conversions shared by resolvers, so that each resolver stays one call.

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func pointers[T any](items []T, err error) ([]*T, error) {
	if err != nil || items == nil {
		return nil, err
	}
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out, nil
}

// nullIfNotFound lets a single-object query answer null for an ID that does not exist.
func nullIfNotFound[T any](v T, err error) (*T, error) {
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// load follows an object edge through the request's batch loader.
func load[T any](ctx context.Context, l *dataloadgen.Loader[string, T], id string) (*T, error) {
	v, err := l.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, errs.E(errs.NotFound, "object not found")
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// authPayload returns the conversion of a sign-in result, which also makes the signed-in user
// the viewer of the rest of the request.
func authPayload(ctx context.Context) func(account.Auth, error) (*model.AuthPayload, error) {
	return func(a account.Auth, err error) (*model.AuthPayload, error) {
		if err != nil {
			return nil, err
		}
		signIn(ctx, a.User.ID)
		return &model.AuthPayload{AccessToken: a.AccessToken, AccessTokenExpiresAt: a.AccessExpiresAt, RefreshToken: a.RefreshToken, User: a.User}, nil
	}
}

func organisationPayload(o organisation.Organisation, err error) (*model.OrganisationPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.OrganisationPayload{Organisation: &o}, nil
}
