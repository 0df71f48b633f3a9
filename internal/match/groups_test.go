package match

import (
	"slices"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
)

func groupCandidate(id, category string, sensitive bool, mutate func(*group.Group)) group.Candidate {
	g := group.Group{ID: id, Name: "Gruppe " + id, Category: category, Sensitive: sensitive, Mode: opportunity.ModeOnsite,
		Languages: []string{"de"}, Area: group.Area{PostalCode: "10115", HasLocation: true, Latitude: 52.53, Longitude: 13.38}}
	if mutate != nil {
		mutate(&g)
	}
	return group.Candidate{Group: g, Next: []time.Time{time.Date(2030, 6, 4, 18, 0, 0, 0, berlin)}, Length: 2 * time.Hour}
}

func TestRankGroups(t *testing.T) {
	cands := []group.Candidate{
		groupCandidate("addiction", "addiction", true, nil),
		groupCandidate("grief", "grief", true, nil),
		groupCandidate("reading", "culture", false, nil),
		groupCandidate("far", "culture", false, func(g *group.Group) { g.Area.Latitude, g.Area.Longitude = 48.14, 11.58 }),
		groupCandidate("online", "culture", false, func(g *group.Group) { g.Mode, g.Area = opportunity.ModeOnline, group.Area{} }),
	}
	v := volunteer(func(p *profile.Profile) {
		// Skills and other data hint at addiction work; only the chosen interest counts.
		p.Interests = []string{"addiction"}
		p.Skills = append(p.Skills, "addiction", "grief")
		p.Availability = []profile.Window{{Weekday: time.Tuesday, From: 17 * 60, To: 21 * 60}}
	})
	ranked := RankGroups(v, cands)
	var ids []string
	for _, r := range ranked {
		ids = append(ids, r.Group.ID)
	}
	if !slices.Contains(ids, "addiction") || slices.Contains(ids, "grief") || slices.Contains(ids, "far") {
		t.Fatalf("ranked %v; want the chosen sensitive group, not the inferred one nor the far one", ids)
	}
	if ids[0] != "addiction" {
		t.Fatalf("first %s, want the group of the chosen interest", ids[0])
	}
	r := ranked[0]
	v.German = true
	ExplainGroup(v, &r)
	want := []string{"2,6 km entfernt", "passt zu deinem Dienstagabend", "passt zu deinem Interesse: addiction", "auf Deutsch"}
	if !slices.Equal(r.Reasons, want) {
		t.Fatalf("reasons %q, want %q", r.Reasons, want)
	}
	v.German = false
	ExplainGroup(v, &r)
	if r.Reasons[1] != "fits your Tuesday evening" {
		t.Fatalf("English reasons %q", r.Reasons)
	}
	// Without the chosen interest the sensitive group disappears.
	v.Profile.Interests = nil
	for _, r := range RankGroups(v, cands) {
		if r.Group.Sensitive {
			t.Fatalf("sensitive group %s recommended without a chosen interest", r.Group.ID)
		}
	}
}
