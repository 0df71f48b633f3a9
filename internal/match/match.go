// Package match ranks the catalog for one volunteer: which tasks fit their skills, languages,
// place, time and qualifications, with reasons they can read. It is pure: the caller hands in
// the catalog, the profile and the volunteer's commitments.
package match

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// Volunteer is what ranking knows about the person asking.
type Volunteer struct {
	Profile profile.Profile
	// Busy are the volunteer's confirmed shifts; overlapping shifts are left out.
	Busy []Span
	// SignedUp are the shifts with an active signup of the volunteer; they are left out.
	SignedUp map[string]bool
	// Modules and Credentials the volunteer holds now, with when each stops counting (zero:
	// never); what a task requires and the volunteer will not hold when its shift ends is
	// named as missing, as signing up would refuse it. Credentials are verified by an
	// organisation and count for its own tasks only: organisation ID → kind.
	Modules     map[string]time.Time
	Credentials map[string]map[string]time.Time
	German      bool
}

// Lacks returns the modules and credentials the opportunity requires that the volunteer will
// not hold at time at (the end of the shift).
func (v Volunteer) Lacks(o *opportunity.Opportunity, at time.Time) (modules, credentials []string) {
	for _, m := range o.RequiredModuleIDs {
		if !holds(v.Modules, m, at) {
			modules = append(modules, m)
		}
	}
	for _, c := range o.RequiredCredentials {
		if !holds(v.Credentials[o.OrganisationID], c, at) {
			credentials = append(credentials, c)
		}
	}
	return modules, credentials
}

func holds(held map[string]time.Time, key string, at time.Time) bool {
	until, ok := held[key]
	return ok && (until.IsZero() || at.Before(until))
}

// Span is a busy time.
type Span struct{ Start, End time.Time }

// Result is one ranked opportunity, with the shift that fits best.
type Result struct {
	// Entry is the catalog's own entry: read it, never change it.
	Entry       *catalog.Entry
	Slot        catalog.Slot
	Score       float64
	DistanceKm  float64 // rounded to 100 m; valid when HasDistance
	HasDistance bool
	Reasons     []string

	f factors // what the reasons are made of, kept for Explain
}

// factors are the findings behind a score, turned into text only for the results shown.
type factors struct {
	online, fits, interest, easyLanguage, stepFree bool
	skills                                         int // how many of the task's skills the volunteer has
	language                                       string
	soon                                           time.Duration // zero: not soon
	placesLeft                                     int           // zero: not few
	missing                                        int           // requirements the volunteer lacks
}

// Weights of the factors; they add up to 1 before the penalty for missing requirements.
const (
	wSkills       = 0.25
	wInterests    = 0.10
	wLanguage     = 0.10
	wDistance     = 0.20
	wAvailability = 0.20
	wUrgency      = 0.10
	wAccess       = 0.05
	// penaltyMissing is taken off per missing requirement, up to three.
	penaltyMissing = 0.15
	// soon is how close a start counts as urgent.
	soon = 72 * time.Hour
)

// Rank scores every entry the volunteer can join and returns them best first; ties go to the
// earlier shift, then to the opportunity ID, so the order is deterministic. The results carry
// no reasons yet: Explain writes them for the few that are shown.
func Rank(v Volunteer, entries []*catalog.Entry, now time.Time) []Result {
	scored := make([]Result, 0, 64)
	zone := v.Profile.Zone()
	for _, e := range entries {
		if r, ok := score(v, e, now, zone); ok {
			scored = append(scored, r)
		}
	}
	// Results are large; sort their positions and copy once.
	order := make([]int32, len(scored))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &scored[i], &scored[j]
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		if c := a.Slot.Start().Compare(b.Slot.Start()); c != 0 {
			return c
		}
		return strings.Compare(a.Entry.Opportunity.ID, b.Entry.Opportunity.ID)
	})
	out := make([]Result, len(order))
	for k, i := range order {
		out[k] = scored[i]
	}
	return out
}

// Explain writes the reasons of a result in the volunteer's language.
func Explain(v Volunteer, r *Result) {
	t := texts(v.German)
	f := r.f
	var out []string
	if r.HasDistance {
		out = append(out, t.away(r.DistanceKm))
	}
	if f.online {
		out = append(out, t.online)
	}
	if f.fits {
		out = append(out, t.fits(r.Slot.Shift.StartsAt.In(v.Profile.Zone())))
	}
	o := &r.Entry.Opportunity
	if f.skills > 0 {
		out = append(out, t.skills(common(o.Skills, v.Profile.Skills)))
	}
	if f.interest {
		out = append(out, t.interest(r.Entry.Opportunity.Category))
	}
	if f.language != "" {
		out = append(out, t.language(f.language))
	}
	if f.soon > 0 {
		out = append(out, t.soon(f.soon))
	}
	if f.placesLeft > 0 {
		out = append(out, t.placesLeft(f.placesLeft))
	}
	if f.easyLanguage {
		out = append(out, t.easyLanguage)
	}
	if f.stepFree {
		out = append(out, t.stepFree)
	}
	if f.missing > 0 {
		modules, credentials := v.Lacks(o, r.Slot.Shift.Ends())
		out = append(out, t.missing(len(modules), credentials))
	}
	r.Reasons = out
}

func score(v Volunteer, e *catalog.Entry, now time.Time, zone *time.Location) (Result, bool) {
	o := &e.Opportunity
	p := &v.Profile
	r := Result{Entry: e}

	// Place first: it rules out most of the catalog cheaply.
	var pl place
	if o.Location != nil {
		pl = placeFit(p, o.Mode, true, o.Location.Latitude, o.Location.Longitude)
	} else {
		pl = placeFit(p, o.Mode, false, 0, 0)
	}
	if !pl.ok {
		return Result{}, false
	}
	distance := pl.score
	r.HasDistance, r.DistanceKm, r.f.online = pl.hasKm, pl.km, pl.online

	// The best shift: free, not already signed up for, not clashing, and fitting the
	// volunteer's week if possible.
	best, fit, found := -1, 0.0, false
	for i, s := range e.Slots {
		if s.Free() == 0 || v.SignedUp[s.Shift.ID] || clashes(v.Busy, s.Shift) {
			continue
		}
		f := availabilityFit(p.Availability, s, zone)
		if !found || f > fit {
			best, fit, found = i, f, true
		}
	}
	if !found {
		return Result{}, false
	}
	r.Slot = e.Slots[best]
	r.f.fits = fit == 1

	skills := 0.5
	if len(o.Skills) > 0 {
		r.f.skills = countCommon(o.Skills, p.Skills)
		skills = float64(r.f.skills) / float64(len(o.Skills))
	}
	interests := 0.0
	if slices.Contains(p.Interests, o.Category) || countCommon(o.Skills, p.Interests) > 0 {
		interests = 1
		r.f.interest = true
	}
	language, common := languageFit(o.Languages, p.Languages)
	r.f.language = common
	urgency := 0.0
	if until := r.Slot.Start().Sub(now); r.Slot.Shift.Timed() && until < soon {
		urgency += 0.5
		r.f.soon = max(until, time.Nanosecond)
	}
	if free := r.Slot.Free(); free <= 2 {
		urgency += 0.5
		r.f.placesLeft = free
	}
	access := 0.0
	if p.EasyLanguage && o.EasyLanguageSummary != "" {
		access += 0.5
		r.f.easyLanguage = true
	}
	if slices.Contains(p.AccessibilityNeeds, "step-free") && stepFree(o.AccessibilityNotes) {
		access += 0.5
		r.f.stepFree = true
	}

	modules, credentials := v.Lacks(o, r.Slot.Shift.Ends())
	missing := len(modules) + len(credentials)
	r.f.missing = missing

	s := wSkills*skills + wInterests*interests + wLanguage*language + wDistance*distance +
		wAvailability*fit + wUrgency*urgency + wAccess*access - penaltyMissing*float64(min(missing, 3))
	r.Score = math.Round(max(s, 0)*1000) / 1000
	return r, true
}

// place is how well a task's or group's place suits the volunteer.
type place struct {
	ok     bool    // false: out of reach
	score  float64 // 1 on the doorstep, falling to 0 at the radius; 0.8 online (1 for online-only people)
	online bool    // taken part in online
	hasKm  bool
	km     float64 // rounded to 100 m
}

// placeFit rates a place (with coordinates if hasLoc) of the mode for the volunteer: on-site
// beyond the radius is out of reach unless it can be joined online.
func placeFit(p *profile.Profile, mode opportunity.Mode, hasLoc bool, lat, lng float64) place {
	pl := place{ok: true, score: 0.5, online: mode == opportunity.ModeOnline} // unknown distance: neither near nor far
	switch {
	case mode == opportunity.ModeOnsite && p.OnlineOnly:
		return place{}
	case !pl.online && hasLoc && p.HasLocation:
		d := haversineKm(p.Latitude, p.Longitude, lat, lng)
		radius := p.RadiusKm
		if radius <= 0 {
			radius = profile.DefaultRadiusKm
		}
		if d > radius || p.OnlineOnly {
			if mode != opportunity.ModeHybrid {
				return place{}
			}
			pl.online = true
		} else {
			pl.hasKm, pl.km = true, math.Round(d*10)/10
			pl.score = 1 - d/radius
		}
	}
	if pl.online {
		pl.score = 0.8
		if p.OnlineOnly {
			pl.score = 1
		}
	}
	return pl
}

// languageFit is 1 with the first language both know, 0 when there is none, 0.5 when either
// side named none.
func languageFit(want, have []string) (float64, string) {
	if len(want) == 0 || len(have) == 0 {
		return 0.5, ""
	}
	for _, l := range want {
		if slices.Contains(have, l) {
			return 1, l
		}
	}
	return 0, ""
}

// availabilityFit is 1 when a window of the volunteer's week holds the whole shift, 0.5 when
// the volunteer has not said when they can (or for a deadline task), else 0.
func availabilityFit(windows []profile.Window, s catalog.Slot, zone *time.Location) float64 {
	if len(windows) == 0 || !s.Shift.Timed() {
		return 0.5
	}
	if s.Local.Zone == zone.String() {
		// The usual case: volunteer and shift share a time zone, whose clock the catalog
		// has already read.
		if !s.Local.OneDay {
			return 0
		}
		for _, w := range windows {
			if w.Weekday == s.Local.Weekday && w.From <= s.Local.From && s.Local.To <= w.To {
				return 1
			}
		}
		return 0
	}
	start, end := s.Shift.StartsAt.In(zone), s.Shift.EndsAt.In(zone)
	for _, w := range windows {
		if w.Covers(start, end) {
			return 1
		}
	}
	return 0
}

func clashes(busy []Span, sh opportunity.Shift) bool {
	if !sh.Timed() {
		return false
	}
	for _, b := range busy {
		if b.Start.Before(sh.EndsAt) && sh.StartsAt.Before(b.End) {
			return true
		}
	}
	return false
}

// countCommon counts the entries of a that b also has.
func countCommon(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

// common returns the entries of a that b also has, in a's order.
func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func stepFree(notes string) bool {
	n := strings.ToLower(notes)
	for _, w := range []string{"stufenlos", "barrierefrei", "rollstuhl", "step-free", "wheelchair", "aufzug", "lift"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// haversineKm is the great-circle distance between two points.
func haversineKm(lat1, lng1, lat2, lng2 float64) float64 {
	const earthKm = 6371.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthKm * math.Asin(math.Sqrt(a))
}
