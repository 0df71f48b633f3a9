package match

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// GroupResult is one ranked self-help group.
type GroupResult struct {
	Group       group.Group
	Score       float64
	DistanceKm  float64 // rounded to 100 m; valid when HasDistance
	HasDistance bool
	Reasons     []string

	online, interest, easyLanguage bool
	language                       string
	fits                           time.Time // the meeting that fits the volunteer's week; zero: none
}

// Weights of a group's factors; they add up to 1.
const (
	wGroupInterest     = 0.35
	wGroupDistance     = 0.25
	wGroupAvailability = 0.20
	wGroupLanguage     = 0.15
	wGroupAccess       = 0.05
)

// RankGroups scores the groups a volunteer could join, best first (ties by name, then ID). A
// sensitive group (addiction, mental health, ...) is ranked only when its topic is among the
// interests the volunteer chose themselves: nothing inferred from other data, such as their
// skills or the tasks they do, suggests one.
func RankGroups(v Volunteer, cands []group.Candidate) []GroupResult {
	p := &v.Profile
	out := make([]GroupResult, 0, len(cands))
	for _, c := range cands {
		g := c.Group
		chosen := slices.Contains(p.Interests, g.Category)
		if g.Sensitive && !chosen {
			continue
		}
		pl := placeFit(p, g.Mode, g.Area.HasLocation, g.Area.Latitude, g.Area.Longitude)
		if !pl.ok {
			continue
		}
		r := GroupResult{Group: g, HasDistance: pl.hasKm, DistanceKm: pl.km, online: pl.online, interest: chosen}
		interest := 0.0
		if chosen {
			interest = 1
		}
		language, common := languageFit(g.Languages, p.Languages)
		r.language = common
		fit := 0.5 // nothing to go by: the volunteer gave no times, or no meeting is planned
		if len(p.Availability) > 0 && len(c.Next) > 0 {
			fit = 0
			zone := p.Zone()
			for _, start := range c.Next {
				from, to := start.In(zone), start.Add(c.Length).In(zone)
				if slices.ContainsFunc(p.Availability, func(w profile.Window) bool { return w.Covers(from, to) }) {
					fit, r.fits = 1, start
					break
				}
			}
		}
		access := 0.0
		if p.EasyLanguage && g.EasyLanguageSummary != "" {
			access, r.easyLanguage = 1, true
		}
		s := wGroupInterest*interest + wGroupDistance*pl.score + wGroupAvailability*fit + wGroupLanguage*language + wGroupAccess*access
		r.Score = math.Round(s*1000) / 1000
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b GroupResult) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Group.Name, b.Group.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Group.ID, b.Group.ID)
	})
	return out
}

// ExplainGroup writes the reasons of a group result in the volunteer's language, in the same
// words as for tasks.
func ExplainGroup(v Volunteer, r *GroupResult) {
	t := texts(v.German)
	var out []string
	if r.HasDistance {
		out = append(out, t.away(r.DistanceKm))
	}
	if r.online {
		out = append(out, t.online)
	}
	if !r.fits.IsZero() {
		out = append(out, t.fits(r.fits.In(v.Profile.Zone())))
	}
	if r.interest {
		out = append(out, t.interest(r.Group.Category))
	}
	if r.language != "" {
		out = append(out, t.language(r.language))
	}
	if r.easyLanguage {
		out = append(out, t.easyLanguage)
	}
	r.Reasons = out
}
