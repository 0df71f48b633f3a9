package main

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// calendarFeed serves a volunteer's shifts to calendar apps at GET /calendar/{token}.ics.
// The token in the path is the only credential, so requests for these paths are never
// logged with their path.
//
// A known token gets 200 with Content-Type text/calendar and a private cache of five minutes;
// an unknown or revoked one 404, and a failure 500, each with a short plain-text body.
func calendarFeed(svc *calendar.Service, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
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
			log.ErrorContext(r.Context(), "calendar: render feed", "err", err)
			plain(w, http.StatusInternalServerError, "internal error")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		// private: the feed is personal and must not sit in shared caches; five minutes spare
		// the store from apps that poll eagerly, while changes still arrive soon.
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
