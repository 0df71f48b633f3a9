// Package tz loads IANA time zones once: time.LoadLocation reads the zone database on every
// call, and the feed, reminders and calendars ask for the same few zones all the time.
package tz

import (
	"sync"
	"time"
)

var zones sync.Map // name → *time.Location

// Load returns the named location, from a cache after the first call; ok is false for a name
// the database does not know.
func Load(name string) (loc *time.Location, ok bool) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, l)
	return l, true
}
