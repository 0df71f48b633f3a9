// Package profile holds volunteers' profiles: what they can and like to do, in which
// languages, when, and roughly where. A profile stores a coarse location only: coordinates
// rounded to about a kilometre and an optional postal code, never an address.
package profile

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/tz"
)

// Window is a weekly time of availability in the volunteer's time zone; From and To are
// minutes after midnight, From < To.
type Window struct {
	Weekday  time.Weekday
	From, To int
}

// Covers reports whether the window contains the whole local span [start, end) of one day.
func (w Window) Covers(start, end time.Time) bool {
	if start.Weekday() != w.Weekday || end.Sub(start) > 24*time.Hour {
		return false
	}
	s := start.Hour()*60 + start.Minute()
	e := s + int(end.Sub(start).Minutes())
	return s >= w.From && e <= w.To
}

// Profile is what matching knows about a volunteer.
type Profile struct {
	UserID       string
	Skills       []string
	Interests    []string
	Languages    []string
	Availability []Window
	TimeZone     string
	// HasLocation says whether Latitude and Longitude (rounded) are set.
	HasLocation bool
	Latitude    float64
	Longitude   float64
	PostalCode  string
	RadiusKm    float64
	OnlineOnly  bool
	// AccessibilityNeeds are tags such as step-free or quiet-room.
	AccessibilityNeeds []string
	EasyLanguage       bool
	// Contactable is the volunteer's consent to be suggested to and invited by coordinators.
	Contactable bool
	// BirthYear is given where an organisation needs to know a volunteer's age (minors,
	// minimum ages); a year, never a date. 0 when not given.
	BirthYear int
	UpdatedAt time.Time
}

// Zone is the profile's time zone, Europe/Berlin when unset or unknown.
func (p Profile) Zone() *time.Location {
	if loc, ok := tz.Load(p.TimeZone); ok && p.TimeZone != "" {
		return loc
	}
	loc, _ := tz.Load(DefaultTimeZone)
	return loc
}

// Repo stores profiles by user.
type Repo interface {
	// Get returns errs.ErrNotFound when the user has no profile yet.
	Get(ctx context.Context, userID string) (Profile, error)
	Put(ctx context.Context, p Profile) error
	All(ctx context.Context) ([]Profile, error)
}
