package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
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
	return loaded(l.Load(ctx, id))
}

// loaded maps a loader's answer: an unknown ID is NOT_FOUND.
func loaded[T any](v T, err error) (*T, error) {
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
		signIn(ctx, auth.Actor{UserID: a.User.ID, Locale: string(a.User.Locale)})
		return &model.AuthPayload{AccessToken: a.AccessToken, AccessTokenExpiresAt: a.AccessExpiresAt, RefreshToken: a.RefreshToken, User: a.User}, nil
	}
}

func organisationPayload(o organisation.Organisation, err error) (*model.OrganisationPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.OrganisationPayload{Organisation: &o}, nil
}

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// pageSize checks the first argument of a connection.
func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 0 || *first > maxPageSize {
		return 0, errs.InvalidField("first", "first must be from 0 to %d", maxPageSize)
	}
	return *first, nil
}

// Cursors are opaque to clients: a prefix for the kind of list and the position's ID.
func encodeCursor(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

func decodeCursor(kind string, after *string) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	id, ok := strings.CutPrefix(string(raw), kind+":")
	if err != nil || !ok || id == "" {
		return "", errs.InvalidField("after", "not a cursor of this list")
	}
	return id, nil
}

func pageInfo(hasNext bool, lastCursor string) model.PageInfo {
	p := model.PageInfo{HasNextPage: hasNext}
	if lastCursor != "" {
		p.EndCursor = &lastCursor
	}
	return p
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalTime(t time.Time, loc *time.Location) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return &t
}
