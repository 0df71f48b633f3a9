package calendar

import (
	"cmp"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// Fixed properties of every feed.
const (
	ProductID    = "-//Mitwirken//Calendar//DE"
	CalendarName = "Mitwirken"
	uidSuffix    = "@mitwirken"
	// publishedTTL suggests how often apps that honour X-PUBLISHED-TTL (Outlook) refetch.
	publishedTTL = "PT1H"
)

const (
	localFormat = "20060102T150405" // DATE-TIME as local time, read in the TZID's zone
	utcFormat   = "20060102T150405Z"
)

// build renders the feed. An event is skipped if its shift or opportunity is missing (deleted
// since the signup was read): there is nothing to show for it.
//
// Times carry TZID with the shift's IANA zone name and no VTIMEZONE component. RFC 5545 asks
// for a VTIMEZONE per TZID, but the library cannot build one from a *time.Location (it only
// serialises components filled in by hand; Go exposes transitions through time.ZoneBounds, not
// the zone's rules), and Google, Apple and Microsoft calendars resolve IANA names themselves,
// which is what most published feeds rely on. Times in UTC are written in UTC form, without
// TZID.
//
// A deadline-only micro-task becomes an all-day event on the deadline's date in the shift's
// zone (a deadline at exactly midnight counts for the day before), marked TRANSP:TRANSPARENT:
// the work can be done at any time before the deadline, so the volunteer must not appear
// busy, and a zero-length event at the deadline would be easy to overlook. The exact deadline
// is written into the description.
func build(now time.Time, locale string, list []signup.Signup, shifts map[string]opportunity.Shift, opps map[string]opportunity.Opportunity) []byte {
	cal := newCalendar()

	type item struct {
		su    signup.Signup
		sh    opportunity.Shift
		o     opportunity.Opportunity
		start time.Time
	}
	items := make([]item, 0, len(list))
	for _, su := range list {
		sh, ok := shifts[su.ShiftID]
		if !ok {
			continue
		}
		o, ok := opps[su.OpportunityID]
		if !ok {
			continue
		}
		start := sh.StartsAt
		if !sh.Timed() {
			start = sh.Deadline
		}
		items = append(items, item{su: su, sh: sh, o: o, start: start})
	}
	// A stable order keeps the document the same between fetches when nothing changed.
	slices.SortFunc(items, func(a, b item) int {
		return cmp.Or(a.start.Compare(b.start), strings.Compare(a.su.ID, b.su.ID))
	})

	texts := textsFor(locale)
	stamp := now.UTC()
	for _, it := range items {
		ev := cal.AddEvent(it.su.ID + uidSuffix)
		ev.SetDtStampTime(stamp)
		ev.SetSummary(it.o.Title)
		loc := it.sh.Zone()
		var notes []string
		if it.sh.Timed() {
			setTime(ev, ics.ComponentPropertyDtStart, it.sh.StartsAt, loc)
			setTime(ev, ics.ComponentPropertyDtEnd, it.sh.EndsAt, loc)
		} else {
			day := deadlineDay(it.sh.Deadline.In(loc))
			ev.SetAllDayStartAt(day)
			ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
			ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
			notes = append(notes, texts.due(it.sh.Deadline.In(loc)))
		}
		onsite := it.o.Mode == opportunity.ModeOnsite || it.o.Mode == opportunity.ModeHybrid
		if onsite && it.o.Location != nil && it.o.Location.Address != "" {
			ev.SetLocation(it.o.Location.Address)
		}
		// The volunteer holds a confirmed place, which entitles them to the link.
		if link := it.o.OnlineURLFor(false, true); link != "" && it.o.Mode != opportunity.ModeOnsite {
			ev.SetURL(link)
			// Many apps (Google Calendar among them) ignore URL; the description shows everywhere.
			notes = append(notes, texts.link+link)
		}
		if cancelled(it.sh, it.o) {
			ev.SetStatus(ics.ObjectStatusCancelled)
			notes = append(notes, texts.cancelled(cancelReason(it.sh, it.o)))
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		if len(notes) > 0 {
			ev.SetDescription(strings.Join(notes, "\n"))
		}
	}
	// RFC 5545 lines end in CRLF; the library's default is the operating system's newline.
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// newCalendar starts a feed with the properties every feed has.
func newCalendar() *ics.Calendar {
	cal := ics.NewCalendarFor("Mitwirken")
	cal.SetProductId(ProductID)
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(CalendarName)
	cal.SetXPublishedTTL(publishedTTL)
	return cal
}

// setTime writes t as local time in loc with a TZID, so that the calendar app keeps the
// wall-clock time right across daylight-saving changes. A wall-clock time that occurs twice
// (in the hour repeated when clocks go back) is written in UTC instead: RFC 5545 reads it as
// the first occurrence, but not every reader does (Go's time.ParseInLocation picks the second).
func setTime(ev *ics.VEvent, prop ics.ComponentProperty, t time.Time, loc *time.Location) {
	local := t.In(loc)
	if loc == time.UTC || ambiguousWallTime(local) {
		ev.SetProperty(prop, t.UTC().Format(utcFormat))
		return
	}
	ev.SetProperty(prop, local.Format(localFormat), ics.WithTZID(loc.String()))
}

// ambiguousWallTime reports whether t's wall-clock time in its location occurs twice: 02:30
// happens once in summer time and once more in winter time in Berlin on the last Sunday of
// October.
func ambiguousWallTime(t time.Time) bool {
	start, end := t.ZoneBounds()
	_, offset := t.Zone()
	if !start.IsZero() {
		// Just after clocks went back: the same wall time passed under the previous offset.
		if _, before := start.Add(-time.Second).Zone(); before > offset && t.Sub(start) < seconds(before-offset) {
			return true
		}
	}
	if !end.IsZero() {
		// Just before clocks go back: the same wall time comes again under the next offset.
		if _, after := end.Zone(); after < offset && end.Sub(t) <= seconds(offset-after) {
			return true
		}
	}
	return false
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// deadlineDay is the date a deadline falls on; a deadline at midnight ends the previous day.
func deadlineDay(t time.Time) time.Time {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	if t.Equal(day) {
		day = day.AddDate(0, 0, -1)
	}
	return day
}

func cancelled(sh opportunity.Shift, o opportunity.Opportunity) bool {
	return sh.Status == opportunity.ShiftCancelled || o.Status == opportunity.StatusCancelled
}

func cancelReason(sh opportunity.Shift, o opportunity.Opportunity) string {
	if sh.Status == opportunity.ShiftCancelled && sh.StatusReason != "" {
		return sh.StatusReason
	}
	if o.Status == opportunity.StatusCancelled {
		return o.StatusReason
	}
	return ""
}

// texts are the few words the feed writes, in the language of the feed's owner.
type texts struct {
	link          string
	cancelledWord string
	dueFormat     string
	duePrefix     string
	dueSuffix     string
}

func textsFor(locale string) texts {
	if locale == "en" {
		return texts{link: "Online link: ", cancelledWord: "Cancelled", duePrefix: "Due by ", dueFormat: "2 Jan 2006, 15:04"}
	}
	return texts{link: "Online-Link: ", cancelledWord: "Abgesagt", duePrefix: "Zu erledigen bis ", dueFormat: "02.01.2006, 15:04", dueSuffix: " Uhr"}
}

func (t texts) cancelled(reason string) string {
	if reason == "" {
		return t.cancelledWord
	}
	return t.cancelledWord + ": " + reason
}

func (t texts) due(at time.Time) string {
	return t.duePrefix + at.Format(t.dueFormat) + t.dueSuffix + " (" + at.Location().String() + ")"
}
