package opportunity

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve the same on every machine

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/tz"
)

// Limits on opportunity and shift input.
const (
	MaxTitleRunes       = 200
	MaxDescriptionRunes = 10000
	MaxSummaryRunes     = 1000
	MaxNotesRunes       = 2000
	MaxAddressRunes     = 300
	MaxURLBytes         = 2000
	MaxListEntries      = 30
	MaxTagRunes         = 60
	MinCapacity         = 1
	MaxCapacity         = 10000
	MaxShiftLength      = 14 * 24 * time.Hour
	DefaultTimeZone     = "Europe/Berlin"
)

var (
	categoryPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)
	languagePattern   = regexp.MustCompile(`^[a-z]{2}$`)
	credentialPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,59}$`)
)

func validMode(field string, m Mode) error {
	switch m {
	case ModeOnsite, ModeOnline, ModeHybrid:
		return nil
	}
	return errs.InvalidField(field, "mode must be ONSITE, ONLINE or HYBRID")
}

func cleanCategory(field, raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if !categoryPattern.MatchString(s) {
		return "", errs.InvalidField(field, "category must be a short lower-case name such as %q", "food-bank")
	}
	return s, nil
}

// cleanTags trims, lower-cases and de-duplicates free tags such as skills.
func cleanTags(field string, raw []string) ([]string, error) {
	if len(raw) > MaxListEntries {
		return nil, errs.InvalidField(field, "at most %d entries", MaxListEntries)
	}
	out := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for i, r := range raw {
		s, err := input.Text(fmt.Sprintf("%s.%d", field, i), strings.ToLower(r), 1, MaxTagRunes)
		if err != nil {
			return nil, err
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

func cleanLanguages(field string, raw []string) ([]string, error) {
	if len(raw) > MaxListEntries {
		return nil, errs.InvalidField(field, "at most %d entries", MaxListEntries)
	}
	out := make([]string, 0, len(raw))
	for i, r := range raw {
		s := strings.ToLower(strings.TrimSpace(r))
		if !languagePattern.MatchString(s) {
			return nil, errs.InvalidField(fmt.Sprintf("%s.%d", field, i), "use a two-letter ISO 639-1 code such as de or en")
		}
		out = append(out, s)
	}
	return out, nil
}

func cleanCredentials(field string, raw []string) ([]string, error) {
	if len(raw) > MaxListEntries {
		return nil, errs.InvalidField(field, "at most %d entries", MaxListEntries)
	}
	out := make([]string, 0, len(raw))
	for i, r := range raw {
		s, err := CredentialKind(fmt.Sprintf("%s.%d", field, i), r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func cleanIDs(field string, raw []string) ([]string, error) {
	if len(raw) > MaxListEntries {
		return nil, errs.InvalidField(field, "at most %d entries", MaxListEntries)
	}
	for i, id := range raw {
		if id == "" || len(id) > 64 {
			return nil, errs.InvalidField(fmt.Sprintf("%s.%d", field, i), "not a valid ID")
		}
	}
	return raw, nil
}

func cleanLocation(field string, l *Location) (*Location, error) {
	if l == nil {
		return nil, nil
	}
	addr, err := input.Text(field+".address", l.Address, 1, MaxAddressRunes)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(l.Latitude) || l.Latitude < -90 || l.Latitude > 90 {
		return nil, errs.InvalidField(field+".latitude", "latitude must be between -90 and 90")
	}
	if math.IsNaN(l.Longitude) || l.Longitude < -180 || l.Longitude > 180 {
		return nil, errs.InvalidField(field+".longitude", "longitude must be between -180 and 180")
	}
	return &Location{Address: addr, Latitude: l.Latitude, Longitude: l.Longitude}, nil
}

func cleanOnlineURL(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(s) > MaxURLBytes || u.User != nil {
		return "", errs.InvalidField(field, "must be an https:// address")
	}
	return s, nil
}

// checkModeFields enforces what each mode needs: a place on site, a link online, both for hybrid.
func checkModeFields(o Opportunity, prefix string) error {
	needPlace := o.Mode == ModeOnsite || o.Mode == ModeHybrid
	needLink := o.Mode == ModeOnline || o.Mode == ModeHybrid
	if needPlace && o.Location == nil {
		return errs.InvalidField(prefix+"location", "an on-site or hybrid task needs an address with coordinates")
	}
	if needLink && o.OnlineURL == "" {
		return errs.InvalidField(prefix+"onlineUrl", "an online or hybrid task needs an https:// link")
	}
	return nil
}

// loadZone resolves an IANA time-zone name; empty means the default.
func loadZone(field, name string) (string, *time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	if name == "Local" || !strings.Contains(name, "/") && name != "UTC" {
		return "", nil, errs.InvalidField(field, "use an IANA time zone such as Europe/Berlin")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "", nil, errs.InvalidField(field, "unknown time zone %q; use an IANA name such as Europe/Berlin", name)
	}
	return name, loc, nil
}

// Zone returns the shift's location for showing its times; UTC if the name is unknown.
func (s Shift) Zone() *time.Location {
	if loc, ok := tz.Load(s.TimeZone); ok {
		return loc
	}
	return time.UTC
}
