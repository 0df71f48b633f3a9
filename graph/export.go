package graph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// ExportHandler serves GET /me/export.json: the caller's data export (the same document as
// the exportMyData query) as a file to download, for the bearer of an access token.
func ExportHandler(r *Resolver, tokens *auth.Tokens, log *slog.Logger) http.Handler {
	return authenticate(tokens, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		actor := auth.ActorFrom(req.Context())
		if !actor.Authenticated() {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "sign in first")
			return
		}
		doc, err := r.Svc.Privacy.Export(req.Context(), actor)
		switch {
		case errs.Is(err, errs.Unauthenticated):
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "sign in first")
			return
		case err != nil:
			log.ErrorContext(req.Context(), "privacy: export file", "err", err)
			writeError(w, http.StatusInternalServerError, "INTERNAL", "internal error")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="mitwirken-export-`+time.Now().UTC().Format("2006-01-02")+`.json"`)
		// Personal data: never in a shared cache, not even in the browser's.
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write([]byte(doc))
	}))
}

// refuseErased turns away the bearer of an access token whose account was erased meanwhile:
// the token stays valid for minutes, and requests with it must not create new records about
// a person who is gone.
func refuseErased(r *Resolver, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if a := auth.ActorFrom(req.Context()); a.Authenticated() && r.Svc.Privacy != nil && r.Svc.Privacy.Erased(a.UserID) {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "this account no longer exists")
			return
		}
		next.ServeHTTP(w, req)
	})
}
