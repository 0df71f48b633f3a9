package profile

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/keylock"
)

// Limits and defaults.
const (
	DefaultTimeZone = "Europe/Berlin"
	DefaultRadiusKm = 10
	MaxRadiusKm     = 500
	MaxTags         = 30
	MaxTagRunes     = 60
	MaxWindows      = 28
	// coordinateStep rounds coordinates to about a kilometre (0.01° of latitude is 1.1 km).
	coordinateStep = 0.01
)

var (
	languagePattern = regexp.MustCompile(`^[a-z]{2}$`)
	postalPattern   = regexp.MustCompile(`^[0-9A-Za-z -]{3,10}$`)
	clockPattern    = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$`)
)

// Input is an update of a profile; nil fields stay as they are.
type Input struct {
	Skills             *[]string
	Interests          *[]string
	Languages          *[]string
	Availability       *[]WindowInput
	Location           *LocationInput // a nil *LocationInput inside clears the location
	ClearLocation      bool
	PostalCode         *string
	RadiusKm           *float64
	OnlineOnly         *bool
	AccessibilityNeeds *[]string
	EasyLanguage       *bool
	TimeZone           *string
	Contactable        *bool
	// BirthYear 0 removes it.
	BirthYear *int
}

// WindowInput is a window as the app sends it: "HH:MM" local times.
type WindowInput struct {
	Weekday  time.Weekday
	From, To string
}

// LocationInput is where the volunteer roughly is.
type LocationInput struct {
	Latitude, Longitude float64
}

// Service keeps profiles and, for matching, all of them in memory.
type Service struct {
	repo Repo
	now  func() time.Time

	mu  sync.RWMutex
	all map[string]Profile // nil until Load

	// contact records changes of the contact switch as consent decisions (package consent).
	contact ContactConsent
	// locks serialise the writes of one profile (the owner and the consent service).
	locks keylock.Map
}

// NewService returns a profile service.
func NewService(repo Repo) *Service {
	return &Service{repo: repo, now: time.Now}
}

// Load reads every profile into memory for suggestions.
func (s *Service) Load(ctx context.Context) error {
	list, err := s.repo.All(ctx)
	if err != nil {
		return errs.Wrap("profile: load", err)
	}
	m := make(map[string]Profile, len(list))
	for _, p := range list {
		m[p.UserID] = p
	}
	s.mu.Lock()
	s.all = m
	s.mu.Unlock()
	return nil
}

// Of returns a user's profile, or an empty one with defaults.
func (s *Service) Of(ctx context.Context, userID string) (Profile, error) {
	s.mu.RLock()
	p, ok := s.all[userID]
	loaded := s.all != nil
	s.mu.RUnlock()
	if ok {
		return p, nil
	}
	if loaded {
		return defaults(userID), nil
	}
	p, err := s.repo.Get(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return defaults(userID), nil
	}
	return p, errs.Wrap("profile: get", err)
}

// Each calls f for every profile held in memory (after Load).
func (s *Service) Each(f func(Profile)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.all {
		f(p)
	}
}

func defaults(userID string) Profile {
	return Profile{UserID: userID, TimeZone: DefaultTimeZone, RadiusKm: DefaultRadiusKm,
		Skills: []string{}, Interests: []string{}, Languages: []string{}, AccessibilityNeeds: []string{}}
}

// Update changes the actor's own profile.
func (s *Service) Update(ctx context.Context, actor auth.Actor, in Input) (Profile, error) {
	if !actor.Authenticated() {
		return Profile{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	unlock := s.locks.Lock(actor.UserID)
	defer unlock()
	p, err := s.Of(ctx, actor.UserID)
	if err != nil {
		return Profile{}, err
	}
	wasContactable := p.Contactable
	if err := in.apply(&p); err != nil {
		return Profile{}, err
	}
	if p.Contactable != wasContactable && s.contact != nil {
		if err := s.contact.RecordContact(ctx, actor.UserID, p.Contactable); err != nil {
			return Profile{}, err
		}
	}
	p.UpdatedAt = s.now()
	if err := s.repo.Put(ctx, p); err != nil {
		return Profile{}, errs.Wrap("profile: update", err)
	}
	s.mu.Lock()
	if s.all != nil {
		s.all[p.UserID] = p
	}
	s.mu.Unlock()
	return p, nil
}

func (in Input) apply(p *Profile) error {
	var err error
	if in.Skills != nil {
		if p.Skills, err = tags("input.skills", *in.Skills); err != nil {
			return err
		}
	}
	if in.Interests != nil {
		if p.Interests, err = tags("input.interests", *in.Interests); err != nil {
			return err
		}
	}
	if in.AccessibilityNeeds != nil {
		if p.AccessibilityNeeds, err = tags("input.accessibilityNeeds", *in.AccessibilityNeeds); err != nil {
			return err
		}
	}
	if in.Languages != nil {
		p.Languages = make([]string, 0, len(*in.Languages))
		for i, l := range *in.Languages {
			l = strings.ToLower(strings.TrimSpace(l))
			if !languagePattern.MatchString(l) {
				return errs.InvalidField(fmt.Sprintf("input.languages.%d", i), "use a two-letter ISO 639-1 code such as de or en")
			}
			p.Languages = append(p.Languages, l)
		}
	}
	if in.TimeZone != nil {
		loc, err := time.LoadLocation(*in.TimeZone)
		if err != nil || *in.TimeZone == "" || *in.TimeZone == "Local" {
			return errs.InvalidField("input.timeZone", "use an IANA time zone such as Europe/Berlin")
		}
		p.TimeZone = loc.String()
	}
	if in.Availability != nil {
		if p.Availability, err = windows(*in.Availability); err != nil {
			return err
		}
	}
	if in.Location != nil {
		l := *in.Location
		switch {
		case math.IsNaN(l.Latitude) || l.Latitude < -90 || l.Latitude > 90:
			return errs.InvalidField("input.location.latitude", "latitude must be between -90 and 90")
		case math.IsNaN(l.Longitude) || l.Longitude < -180 || l.Longitude > 180:
			return errs.InvalidField("input.location.longitude", "longitude must be between -180 and 180")
		}
		p.HasLocation, p.Latitude, p.Longitude = true, round(l.Latitude), round(l.Longitude)
	}
	if in.ClearLocation {
		p.HasLocation, p.Latitude, p.Longitude = false, 0, 0
	}
	if in.PostalCode != nil {
		pc := strings.TrimSpace(*in.PostalCode)
		if pc != "" && !postalPattern.MatchString(pc) {
			return errs.InvalidField("input.postalCode", "not a postal code")
		}
		p.PostalCode = pc
	}
	if in.RadiusKm != nil {
		r := *in.RadiusKm
		if math.IsNaN(r) || r <= 0 || r > MaxRadiusKm {
			return errs.InvalidField("input.radiusKm", "the radius must be more than 0 and at most %d km", MaxRadiusKm)
		}
		p.RadiusKm = r
	}
	if in.OnlineOnly != nil {
		p.OnlineOnly = *in.OnlineOnly
	}
	if in.EasyLanguage != nil {
		p.EasyLanguage = *in.EasyLanguage
	}
	if in.Contactable != nil {
		p.Contactable = *in.Contactable
	}
	if in.BirthYear != nil {
		if err := checkBirthYear(*in.BirthYear); err != nil {
			return err
		}
		p.BirthYear = *in.BirthYear
	}
	return nil
}

// round keeps a coordinate to about a kilometre, so that no exact position is ever stored.
func round(v float64) float64 {
	return math.Round(v/coordinateStep) * coordinateStep
}

func tags(field string, raw []string) ([]string, error) {
	if len(raw) > MaxTags {
		return nil, errs.InvalidField(field, "at most %d entries", MaxTags)
	}
	out := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for i, r := range raw {
		t, err := input.Text(fmt.Sprintf("%s.%d", field, i), strings.ToLower(r), 1, MaxTagRunes)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

func windows(in []WindowInput) ([]Window, error) {
	if len(in) > MaxWindows {
		return nil, errs.InvalidField("input.availability", "at most %d windows", MaxWindows)
	}
	out := make([]Window, 0, len(in))
	for i, w := range in {
		field := fmt.Sprintf("input.availability.%d", i)
		from, ok := clock(w.From)
		if !ok {
			return nil, errs.InvalidField(field+".from", "use HH:MM, e.g. 18:00")
		}
		to, ok := clock(w.To)
		if !ok {
			return nil, errs.InvalidField(field+".to", "use HH:MM, e.g. 21:00")
		}
		if from >= to {
			return nil, errs.InvalidField(field+".to", "the end must be after the start")
		}
		out = append(out, Window{Weekday: w.Weekday, From: from, To: to})
	}
	return out, nil
}

func clock(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if !clockPattern.MatchString(s) {
		return 0, false
	}
	var h, m int
	_, _ = fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m, true
}
