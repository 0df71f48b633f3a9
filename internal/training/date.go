package training

import (
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// berlin is the calendar of days: attempt limits, credential dates and validity.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Date is a calendar day, kept as midnight UTC of that day.
type Date struct{ t time.Time }

// DateOf is the day of t in German time.
func DateOf(t time.Time) Date {
	y, m, d := t.In(berlin).Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateFrom reads a stored day (midnight UTC); the zero time is the zero Date.
func DateFrom(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads YYYY-MM-DD; empty is the zero Date.
func ParseDate(field, s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, errs.InvalidField(field, "a date is written YYYY-MM-DD")
	}
	return Date{t}, nil
}

// IsZero reports whether no day is set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time is midnight UTC of the day, for storage.
func (d Date) Time() time.Time { return d.t }

// String is YYYY-MM-DD, or empty.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddYears moves the day by years.
func (d Date) AddYears(n int) Date { return Date{d.t.AddDate(n, 0, 0)} }

// End is the first instant after the day, in German time.
func (d Date) End() time.Time {
	y, m, day := d.t.Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, berlin)
}
