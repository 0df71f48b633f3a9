package graph

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// loaders batch the object edges of one request: n members' users cost one store query.
type loaders struct {
	users         *dataloadgen.Loader[string, account.User]
	organisations *dataloadgen.Loader[string, organisation.Organisation]
	opportunities *dataloadgen.Loader[string, opportunity.Opportunity]
	shifts        *dataloadgen.Loader[string, opportunity.Shift]
	shiftsOf      *dataloadgen.Loader[string, []opportunity.Shift]
}

// requestScope is the state of one request: its batch loaders and, once a mutation in it has
// signed someone in, the new viewer.
type requestScope struct {
	loaders
	mu       sync.Mutex
	signedIn auth.Actor
}

type scopeKey struct{}

var scopeCtxKey = &scopeKey{}

func newScope(r *Resolver) *requestScope {
	wait := dataloadgen.WithWait(time.Millisecond)
	return &requestScope{loaders: loaders{
		users:         dataloadgen.NewMappedLoader(r.Svc.Accounts.UsersByIDs, wait),
		organisations: dataloadgen.NewMappedLoader(r.Svc.Organisations.ByIDs, wait),
		opportunities: dataloadgen.NewMappedLoader(r.Svc.Opportunities.ByIDs, wait),
		shifts:        dataloadgen.NewMappedLoader(r.Svc.Opportunities.ShiftsByIDs, wait),
		shiftsOf:      dataloadgen.NewMappedLoader(withEmptyLists(r.Svc.Opportunities.ShiftsOf), wait),
	}}
}

// withScope gives every request its own loaders, so nothing cached outlives the request or
// crosses between callers.
func withScope(r *Resolver, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), scopeCtxKey, newScope(r))
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

func scopeFrom(ctx context.Context) *requestScope {
	return ctx.Value(scopeCtxKey).(*requestScope)
}

// withEmptyLists answers keys without results with an empty list rather than "not found".
func withEmptyLists[V any](fetch func(context.Context, []string) (map[string][]V, error)) func(context.Context, []string) (map[string][]V, error) {
	return func(ctx context.Context, keys []string) (map[string][]V, error) {
		m, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				m[k] = []V{}
			}
		}
		return m, nil
	}
}

// viewerIsStaff reports whether the viewer works for the organisation, through the request's
// organisation loader, so that a list of objects costs one lookup.
func viewerIsStaff(ctx context.Context, orgID string) (bool, error) {
	a := viewer(ctx)
	if !a.Authenticated() {
		return false, nil
	}
	o, err := loadersFrom(ctx).organisations.Load(ctx, orgID)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, ok := o.RoleOf(a.UserID)
	return ok, nil
}

func loadersFrom(ctx context.Context) *loaders {
	return &scopeFrom(ctx).loaders
}

// viewer is the actor a request acts and reads as: the bearer of its access token or, after
// register, login or refreshSession in the same request, the user just signed in (so that the
// payload shows them their own e-mail).
func viewer(ctx context.Context) auth.Actor {
	s := scopeFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signedIn.Authenticated() {
		return s.signedIn
	}
	return auth.ActorFrom(ctx)
}

func signIn(ctx context.Context, a auth.Actor) {
	s := scopeFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signedIn = a
}
