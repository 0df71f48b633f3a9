package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// loaders batch the object edges of one request: n members' users cost one store query.
type loaders struct {
	users         *dataloadgen.Loader[string, account.User]
	organisations *dataloadgen.Loader[string, organisation.Organisation]
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
		users:         dataloadgen.NewMappedLoader(r.Accounts.UsersByIDs, wait),
		organisations: dataloadgen.NewMappedLoader(r.Organisations.ByIDs, wait),
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

func signIn(ctx context.Context, userID string) {
	s := scopeFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signedIn = auth.Actor{UserID: userID}
}
