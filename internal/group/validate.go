package group

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/tz"
)

// Limits on group input.
const (
	MaxNameRunes        = 120
	MaxDescriptionRunes = 5000
	MaxSummaryRunes     = 1000
	MaxPlaceRunes       = 300
	MinPseudonymRunes   = 2
	MaxPseudonymRunes   = 40
	MinCapacity         = 1
	MaxCapacity         = 500
	MinDurationMinutes  = 15
	MaxDurationMinutes  = 12 * 60
	DefaultHorizonDays  = 90
	MaxHorizonDays      = 366
	MaxRuleBytes        = 500
	MaxAttendance       = 10000
)

// healthCategories are the categories whose membership is health data (GDPR Art. 9): groups
// in them are sensitive unless their creator says otherwise.
var healthCategories = []string{"health", "addiction", "mental-health", "disability", "illness", "chronic-illness",
	"grief", "depression", "anxiety", "eating-disorder", "trauma", "cancer", "dementia", "suicide-bereavement"}

// SensitiveByDefault reports whether a category is health-related.
func SensitiveByDefault(category string) bool { return slices.Contains(healthCategories, category) }

var (
	postalPattern = regexp.MustCompile(`^[0-9A-Za-z -]{3,10}$`)
	emailPattern  = regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)
)

// coordinateStep rounds an area's centre to about a kilometre.
const coordinateStep = 0.01

func cleanArea(field string, a *AreaInput) (Area, error) {
	if a == nil {
		return Area{}, nil
	}
	var out Area
	pc := strings.TrimSpace(a.PostalCode)
	if pc != "" && !postalPattern.MatchString(pc) {
		return Area{}, errs.InvalidField(field+".postalCode", "not a postal code")
	}
	out.PostalCode = pc
	if a.Latitude != nil || a.Longitude != nil {
		if a.Latitude == nil || a.Longitude == nil {
			return Area{}, errs.InvalidField(field, "give both latitude and longitude, or neither")
		}
		lat, lng := *a.Latitude, *a.Longitude
		if math.IsNaN(lat) || lat < -90 || lat > 90 {
			return Area{}, errs.InvalidField(field+".latitude", "latitude must be between -90 and 90")
		}
		if math.IsNaN(lng) || lng < -180 || lng > 180 {
			return Area{}, errs.InvalidField(field+".longitude", "longitude must be between -180 and 180")
		}
		out.HasLocation = true
		out.Latitude = math.Round(lat/coordinateStep) * coordinateStep
		out.Longitude = math.Round(lng/coordinateStep) * coordinateStep
	}
	return out, nil
}

// Pseudonym checks a pseudonym: a name that must not identify its bearer, so e-mail
// addresses and phone numbers are refused.
func Pseudonym(field, raw string) (string, error) {
	s, err := input.Text(field, strings.Join(strings.Fields(raw), " "), MinPseudonymRunes, MaxPseudonymRunes)
	if err != nil {
		return "", err
	}
	if strings.Contains(s, "@") || emailPattern.MatchString(s) {
		return "", errs.InvalidField(field, "a pseudonym must not contain an e-mail address")
	}
	digits := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	if digits >= 6 {
		return "", errs.InvalidField(field, "a pseudonym must not contain a phone number")
	}
	return s, nil
}

// Fold is the form in which pseudonyms are compared: "Anna K" and "anna k" are the same name.
func Fold(pseudonym string) string {
	return strings.ToLower(strings.Join(strings.Fields(pseudonym), " "))
}

func cleanJoinPolicy(field string, p JoinPolicy) (JoinPolicy, error) {
	switch p {
	case "":
		return Open, nil
	case Open, OnRequest:
		return p, nil
	}
	return "", errs.InvalidField(field, "joinPolicy must be OPEN or ON_REQUEST")
}

// zone returns the location of a stored zone name; UTC if unknown.
func zone(name string) *time.Location {
	if loc, ok := tz.Load(name); ok {
		return loc
	}
	return time.UTC
}

// checkMode enforces what each mode needs: a place on site, a link online, both for hybrid.
func checkMode(mode opportunity.Mode, place, link, prefix string) error {
	if (mode == opportunity.ModeOnsite || mode == opportunity.ModeHybrid) && place == "" {
		return errs.InvalidField(prefix+"place", "an on-site or hybrid group needs a meeting place")
	}
	if (mode == opportunity.ModeOnline || mode == opportunity.ModeHybrid) && link == "" {
		return errs.InvalidField(prefix+"onlineUrl", "an online or hybrid group needs an https:// link")
	}
	return nil
}
