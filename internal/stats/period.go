package stats

import (
	"fmt"
	"time"
)

// Granularity is the length of a bucket.
type Granularity string

const (
	Day   Granularity = "DAY"
	Week  Granularity = "WEEK"
	Month Granularity = "MONTH"
)

// Granularities lists every granularity, finest first.
var Granularities = []Granularity{Day, Week, Month}

// Valid reports whether g is one of the granularities.
func (g Granularity) Valid() bool { return g == Day || g == Week || g == Month }

// berlin is the time zone of the buckets: organisations on the platform work in Germany, and
// a day that ended at midnight UTC would split their evening shifts.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic("stats: time zone Europe/Berlin missing: " + err.Error())
	}
	return loc
}()

// Date is a calendar day, without time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day of t in Europe/Berlin.
func DateOf(t time.Time) Date {
	y, m, d := t.In(berlin).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("stats: %q is not a date YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// t is the date at noon UTC, for calendar arithmetic free of daylight-saving changes.
func (d Date) t() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	t := d.t().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t().Before(e.t()) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// daysSince counts the days from e to d.
func (d Date) daysSince(e Date) int { return int(d.t().Sub(e.t()).Hours() / 24) }

// Period is one bucket's span of days: [Start, End].
type Period struct {
	Granularity Granularity
	Start, End  Date
}

// PeriodOf returns the period of granularity g that contains d. Weeks are ISO weeks (Monday
// to Sunday).
func PeriodOf(g Granularity, d Date) Period {
	switch g {
	case Week:
		wd := (int(d.t().Weekday()) + 6) % 7 // Monday = 0
		start := d.AddDays(-wd)
		return Period{Week, start, start.AddDays(6)}
	case Month:
		start := Date{d.Year, d.Month, 1}
		next := time.Date(d.Year, d.Month+1, 1, 12, 0, 0, 0, time.UTC)
		return Period{Month, start, Date{next.Year(), next.Month(), next.Day()}.AddDays(-1)}
	default:
		return Period{Day, d, d}
	}
}

// Key names the period: 2026-11-22, 2026-W47 or 2026-11.
func (p Period) Key() string {
	switch p.Granularity {
	case Week:
		y, w := p.Start.t().ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Start.Year, p.Start.Month)
	default:
		return p.Start.String()
	}
}

// Next returns the following period.
func (p Period) Next() Period { return PeriodOf(p.Granularity, p.End.AddDays(1)) }

// Contains reports whether d lies in the period.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && !p.End.Before(d) }

// Periods lists the periods of granularity g that overlap [from, to].
func Periods(g Granularity, from, to Date) []Period {
	var out []Period
	for p := PeriodOf(g, from); !to.Before(p.Start); p = p.Next() {
		out = append(out, p)
	}
	return out
}
