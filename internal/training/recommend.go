package training

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Match is a recommended module with why.
type Match struct {
	Module  Module
	Score   float64
	Reasons []string
	// Unlocks counts the well-matching tasks the module would open.
	Unlocks int
	// Expires is when the volunteer's completion ends, if it ends soon.
	Expires time.Time
}

// Recommendation settings.
const (
	// wellMatched is how many of the best-ranked tasks count as matching the volunteer well.
	wellMatched = 50
	// ExpirySoon is how far ahead an ending completion is named (and reminded of).
	ExpirySoon = 30 * 24 * time.Hour
)

// Recommended lists the published modules that would unlock the most of the tasks the actor
// matches best, and those whose completion ends within ExpirySoon, best first.
func (s *Service) Recommended(ctx context.Context, actor auth.Actor, first int) ([]Match, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	if s.feed == nil {
		return nil, errs.Wrap("training: recommended", fmt.Errorf("no feed wired"))
	}
	ranked, err := s.feed.Matching(ctx, actor)
	if err != nil {
		return nil, err
	}
	h, err := s.holding(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	unlocks := map[string]int{}
	for i := range ranked[:min(len(ranked), wellMatched)] {
		o := &ranked[i].Entry.Opportunity
		for _, id := range o.RequiredModuleIDs {
			// Missing on the shift's date, as signing up would see it.
			if _, ok := h.best(id, ranked[i].Slot.Shift.Ends()); !ok {
				unlocks[id]++
			}
		}
	}
	expiring := map[string]time.Time{}
	for _, c := range h.completions {
		if !c.ValidAt(now) || c.ValidUntil.IsZero() || c.ValidUntil.Sub(now) > ExpirySoon {
			continue
		}
		if b, _ := h.best(c.ModuleID, now); b.ID == c.ID {
			expiring[c.ModuleID] = c.ValidUntil
		}
	}
	var out []Match
	for id := range joinKeys(unlocks, expiring) {
		m, err := s.module(ctx, id)
		if err != nil || m.Status != StatusPublished {
			continue
		}
		r := Match{Module: m, Unlocks: unlocks[id], Expires: expiring[id]}
		score := 0.25 * float64(r.Unlocks)
		if !r.Expires.IsZero() {
			score += 0.5
		}
		r.Score = math.Round(min(score, 1)*1000) / 1000
		r.Reasons = reasons(r, actor.German())
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		if a.Unlocks != b.Unlocks {
			return b.Unlocks - a.Unlocks
		}
		return strings.Compare(a.Module.ID, b.Module.ID)
	})
	return out[:min(len(out), first)], nil
}

func joinKeys(a map[string]int, b map[string]time.Time) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

var monthsDE = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
	"Oktober", "November", "Dezember"}

func reasons(m Match, german bool) []string {
	var out []string
	switch {
	case m.Unlocks == 1 && german:
		out = append(out, "schaltet eine Aufgabe in deiner Nähe frei")
	case m.Unlocks > 1 && german:
		out = append(out, fmt.Sprintf("schaltet %d Aufgaben in deiner Nähe frei", m.Unlocks))
	case m.Unlocks == 1:
		out = append(out, "unlocks 1 task near you")
	case m.Unlocks > 1:
		out = append(out, fmt.Sprintf("unlocks %d tasks near you", m.Unlocks))
	}
	if !m.Expires.IsZero() {
		d := m.Expires.In(berlin)
		if german {
			out = append(out, fmt.Sprintf("dein Abschluss läuft am %d. %s %d ab – jetzt auffrischen", d.Day(), monthsDE[d.Month()-1], d.Year()))
		} else {
			out = append(out, fmt.Sprintf("your completion expires on %d %s %d – renew it now", d.Day(), d.Month(), d.Year()))
		}
	}
	return out
}
