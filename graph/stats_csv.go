package graph

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/stats"
)

// StatsCSVHandler serves GET /stats/{file}, file being "<organisationId>.csv", with the query
// parameters from, to (YYYY-MM-DD) and granularity (DAY, WEEK or MONTH): the table of
// engagementStats as CSV, for the same callers and with the same suppression (a suppressed
// figure is an empty field). The header row is German or English after Accept-Language, else
// after the caller's language. Errors come in the GraphQL error shape.
func StatsCSVHandler(r *Resolver, tokens *auth.Tokens, log *slog.Logger) http.Handler {
	return authenticate(tokens, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		actor := auth.ActorFrom(req.Context())
		if !actor.Authenticated() {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "send Authorization: Bearer <accessToken>")
			return
		}
		orgID, ok := strings.CutSuffix(req.PathValue("file"), ".csv")
		if !ok || orgID == "" {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "statistics are at /stats/<organisationId>.csv")
			return
		}
		q := req.URL.Query()
		from, err := dateParam(q.Get("from"), "from")
		var to stats.Date
		if err == nil {
			to, err = dateParam(q.Get("to"), "to")
		}
		var t stats.Table
		if err == nil {
			t, err = r.Svc.Stats.Table(req.Context(), actor, orgID, from, to, stats.Granularity(strings.ToUpper(q.Get("granularity"))))
		}
		var body bytes.Buffer
		if err == nil {
			err = stats.WriteCSV(&body, t, germanFor(req.Header.Get("Accept-Language"), actor))
		}
		if err != nil {
			writeDomainError(w, req, err, log)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		h.Set("Content-Disposition", `attachment; filename="engagement-`+safeName(orgID)+"-"+t.From.String()+"-"+t.To.String()+"-"+strings.ToLower(string(t.Granularity))+`.csv"`)
		h.Set("Cache-Control", "private, no-store")
		h.Set("Vary", "Authorization, Accept-Language")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body.Bytes())
	}))
}

func dateParam(v, field string) (stats.Date, error) {
	if v == "" {
		return stats.Date{}, errs.InvalidField(field, "is required (YYYY-MM-DD)")
	}
	d, err := stats.ParseDate(v)
	if err != nil {
		return stats.Date{}, errs.InvalidField(field, "%q is not a date YYYY-MM-DD", v)
	}
	return d, nil
}

// writeDomainError answers a domain error with the status of its kind; internal causes are
// logged, never shown.
func writeDomainError(w http.ResponseWriter, req *http.Request, err error, log *slog.Logger) {
	var e *errs.Error
	kind := errs.KindOf(err)
	status := map[errs.Kind]int{errs.Invalid: http.StatusBadRequest, errs.NotFound: http.StatusNotFound,
		errs.Forbidden: http.StatusForbidden, errs.Unauthenticated: http.StatusUnauthorized}[kind]
	if status == 0 || !errors.As(err, &e) {
		log.ErrorContext(req.Context(), "stats: csv", "err", err)
		writeError(w, http.StatusInternalServerError, "INTERNAL", "internal error")
		return
	}
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	writeError(w, status, kind.String(), msg)
}

var csvLanguages = language.NewMatcher([]language.Tag{language.German, language.English})

// germanFor picks the language of the header row: the client's Accept-Language if it names
// German or English, else the caller's own language.
func germanFor(acceptLanguage string, actor auth.Actor) bool {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil && len(tags) > 0 {
		if _, i, conf := csvLanguages.Match(tags...); conf != language.No {
			return i == 0
		}
	}
	return actor.German()
}

// safeName keeps a file name to letters, digits and dashes.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
