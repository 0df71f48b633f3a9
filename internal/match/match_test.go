package match

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/catalog"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
)

var berlin, _ = time.LoadLocation("Europe/Berlin")

// now is a Sunday noon; next Tuesday 18:00 local is two days ahead.
var now = time.Date(2030, 6, 2, 12, 0, 0, 0, berlin)

func tuesdayEvening() opportunity.Shift {
	start := time.Date(2030, 6, 4, 18, 0, 0, 0, berlin)
	return opportunity.Shift{ID: "s1", Capacity: 10, StartsAt: start, EndsAt: start.Add(2 * time.Hour), TimeZone: "Europe/Berlin"}
}

func entry(mutate func(*opportunity.Opportunity), slots ...catalog.Slot) catalog.Entry {
	o := opportunity.Opportunity{ID: "o1", Title: "Tafel", Mode: opportunity.ModeOnsite, Category: "food-bank",
		Skills: []string{"cooking", "driving"}, Languages: []string{"de"},
		Location: &opportunity.Location{Address: "Berlin Mitte", Latitude: 52.52, Longitude: 13.40}}
	if mutate != nil {
		mutate(&o)
	}
	if len(slots) == 0 {
		slots = []catalog.Slot{{Shift: tuesdayEvening(), Taken: 3}}
	}
	for i := range slots {
		slots[i].Local = catalog.LocalTimeOf(slots[i].Shift)
	}
	return catalog.Entry{Opportunity: o, Slots: slots}
}

func volunteer(mutate func(*profile.Profile)) Volunteer {
	p := profile.Profile{UserID: "u", TimeZone: "Europe/Berlin", Skills: []string{"cooking", "driving"}, Languages: []string{"de"},
		HasLocation: true, Latitude: 52.55, Longitude: 13.40, RadiusKm: 10,
		Availability: []profile.Window{{Weekday: time.Tuesday, From: 17 * 60, To: 21 * 60}}}
	if mutate != nil {
		mutate(&p)
	}
	return Volunteer{Profile: p, German: false}
}

func rankOne(t *testing.T, v Volunteer, e catalog.Entry) (Result, bool) {
	t.Helper()
	rs := Rank(v, []*catalog.Entry{&e}, now)
	if len(rs) == 0 {
		return Result{}, false
	}
	Explain(v, &rs[0])
	return rs[0], true
}

func hasReason(r Result, part string) bool {
	for _, s := range r.Reasons {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestReasonsAndFactors(t *testing.T) {
	tests := []struct {
		name   string
		v      Volunteer
		e      catalog.Entry
		reason string
	}{
		{"skills", volunteer(nil), entry(nil), "2 of your skills: Cooking, Driving"},
		{"distance", volunteer(nil), entry(nil), "3.3 km away"},
		{"availability", volunteer(nil), entry(nil), "fits your Tuesday evening"},
		{"language", volunteer(nil), entry(nil), "in German"},
		{"interest", volunteer(func(p *profile.Profile) { p.Interests = []string{"food-bank"} }), entry(nil), "matches your interest: food-bank"},
		{"online", volunteer(func(p *profile.Profile) { p.OnlineOnly = true }), entry(func(o *opportunity.Opportunity) {
			o.Mode, o.Location, o.OnlineURL = opportunity.ModeOnline, nil, "https://x.example"
		}), "can be done online"},
		{"few places", volunteer(nil), entry(nil, catalog.Slot{Shift: tuesdayEvening(), Taken: 9}), "only one place left"},
		{"soon", volunteer(nil), entry(nil), "starts in 2 days"},
		{"missing credential", volunteer(nil), entry(func(o *opportunity.Opportunity) { o.RequiredCredentials = []string{"CERTIFICATE_OF_CONDUCT"} }),
			"still needed: extended certificate of conduct"},
		{"easy language", volunteer(func(p *profile.Profile) { p.EasyLanguage = true }),
			entry(func(o *opportunity.Opportunity) { o.EasyLanguageSummary = "Du hilfst beim Essen." }), "described in easy language"},
		{"step-free", volunteer(func(p *profile.Profile) { p.AccessibilityNeeds = []string{"step-free"} }),
			entry(func(o *opportunity.Opportunity) { o.AccessibilityNotes = "Eingang stufenlos" }), "step-free access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := rankOne(t, tt.v, tt.e)
			if !ok {
				t.Fatal("not ranked")
			}
			if !hasReason(r, tt.reason) {
				t.Fatalf("reasons = %q, want one containing %q", r.Reasons, tt.reason)
			}
		})
	}
}

func TestGermanReasons(t *testing.T) {
	v := volunteer(nil)
	v.German = true
	r, _ := rankOne(t, v, entry(nil))
	for _, want := range []string{"2 deiner Fähigkeiten: Kochen, Autofahren", "3,3 km entfernt", "passt zu deinem Dienstagabend", "auf Deutsch"} {
		if !hasReason(r, want) {
			t.Errorf("reasons = %q, want %q", r.Reasons, want)
		}
	}
}

func TestExclusions(t *testing.T) {
	tests := []struct {
		name string
		v    Volunteer
		e    catalog.Entry
	}{
		{"too far", volunteer(func(p *profile.Profile) { p.RadiusKm = 2 }), entry(nil)},
		{"on site for an online-only volunteer", volunteer(func(p *profile.Profile) { p.OnlineOnly = true }), entry(nil)},
		{"full", volunteer(nil), entry(nil, catalog.Slot{Shift: tuesdayEvening(), Taken: 10})},
		{"already signed up", func() Volunteer { v := volunteer(nil); v.SignedUp = map[string]bool{"s1": true}; return v }(), entry(nil)},
		{"overlaps a confirmed shift", func() Volunteer {
			v := volunteer(nil)
			sh := tuesdayEvening()
			v.Busy = []Span{{Start: sh.StartsAt.Add(time.Hour), End: sh.EndsAt.Add(time.Hour)}}
			return v
		}(), entry(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r, ok := rankOne(t, tt.v, tt.e); ok {
				t.Fatalf("ranked %+v, want it left out", r)
			}
		})
	}
	// A hybrid task beyond the radius can still be done online.
	far := volunteer(func(p *profile.Profile) { p.RadiusKm = 2 })
	r, ok := rankOne(t, far, entry(func(o *opportunity.Opportunity) { o.Mode, o.OnlineURL = opportunity.ModeHybrid, "https://x.example" }))
	if !ok || r.HasDistance || !hasReason(r, "online") {
		t.Fatalf("far hybrid = %+v, %v; want it ranked as online", r, ok)
	}
}

func TestOrderIsByScoreThenStartThenID(t *testing.T) {
	good := entry(nil)
	weaker := entry(func(o *opportunity.Opportunity) { o.ID, o.Skills = "o2", []string{"music"} })
	tie := entry(func(o *opportunity.Opportunity) { o.ID = "o0" })
	rs := Rank(volunteer(nil), []*catalog.Entry{&weaker, &good, &tie}, now)
	if len(rs) != 3 || rs[0].Entry.Opportunity.ID != "o0" || rs[1].Entry.Opportunity.ID != "o1" || rs[2].Entry.Opportunity.ID != "o2" {
		ids := []string{}
		for _, r := range rs {
			ids = append(ids, r.Entry.Opportunity.ID)
		}
		t.Fatalf("order = %v, want [o0 o1 o2]", ids)
	}
	if rs[0].Score <= rs[2].Score {
		t.Fatalf("scores %v and %v: skills did not count", rs[0].Score, rs[2].Score)
	}
	missing := entry(func(o *opportunity.Opportunity) { o.RequiredModuleIDs = []string{"m1"} })
	if r, _ := rankOne(t, volunteer(nil), missing); r.Score >= rs[1].Score {
		t.Fatalf("a missing module did not lower the score: %v vs %v", r.Score, rs[1].Score)
	}
}
