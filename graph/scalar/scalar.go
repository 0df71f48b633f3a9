// Package scalar holds the custom GraphQL scalars.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/stats"
)

// MarshalDateTime writes RFC 3339 with the offset of the time's location.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads RFC 3339; a time without offset is refused rather than guessed.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errs.E(errs.Invalid, "a DateTime is a string in RFC 3339 format")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errs.E(errs.Invalid, "%s", fmt.Sprintf("%q is not an RFC 3339 time with offset, e.g. 2026-05-04T18:00:00+02:00", s))
	}
	return t, nil
}

// Union is the Go type of GraphQL unions whose members are domain types: those cannot carry
// gqlgen's marker methods, so the union accepts any value and the executor switches on the
// concrete type.
type Union interface{}

// MarshalDate writes a calendar day as YYYY-MM-DD.
func MarshalDate(d stats.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads YYYY-MM-DD.
func UnmarshalDate(v any) (stats.Date, error) {
	s, ok := v.(string)
	if !ok {
		return stats.Date{}, errs.E(errs.Invalid, "a Date is a string YYYY-MM-DD")
	}
	d, err := stats.ParseDate(s)
	if err != nil {
		return stats.Date{}, errs.E(errs.Invalid, "%q is not a date YYYY-MM-DD, e.g. 2026-11-22", s)
	}
	return d, nil
}
