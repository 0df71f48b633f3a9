package calendar

// The feed's HTTP handler lives here rather than in server/, although domain packages are
// otherwise free of HTTP: a calendar feed is not part of the GraphQL API but a plain file that
// calendar apps fetch, and its status codes and caching follow directly from the domain's
// errors. It is small, and the server only mounts it.

import (
	"net/http"
	"path"
	"strings"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Handler serves feeds to calendar apps at /calendar/{token}.ics. The server registers it as
//
//	mux.Handle("GET /calendar/{file}", calendar.Handler(svc))
//
// (a GET pattern also answers HEAD). The token is the path's last element without ".ics"; if
// the pattern has no {file} wildcard, the last element of the URL path is used.
//
// A known token gets 200 with the document, Content-Type text/calendar and a private cache of
// five minutes; an unknown or revoked token gets 404 and a failure 500, each with a short
// plain-text body. Tokens are never logged; the server's access log, if any, must not log
// these paths either.
func Handler(svc *Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		if file == "" {
			file = path.Base(r.URL.Path)
		}
		token, ok := strings.CutSuffix(file, ".ics")
		if !ok {
			plain(w, http.StatusNotFound, "calendar feed not found")
			return
		}
		doc, err := svc.Render(r.Context(), token)
		switch {
		case errs.Is(err, errs.NotFound):
			plain(w, http.StatusNotFound, "calendar feed not found")
			return
		case err != nil:
			svc.log.ErrorContext(r.Context(), "calendar: render feed", "err", err)
			plain(w, http.StatusInternalServerError, "internal error")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		// private: the feed is personal and must not sit in shared caches; five minutes
		// spares the store from apps that poll eagerly, while changes still arrive soon.
		h.Set("Cache-Control", "private, max-age=300")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(doc)
	})
}

func plain(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	// A revoked feed must not be served from a cache; neither should an error.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
