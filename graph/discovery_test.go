package graph_test

import (
	"strings"
	"testing"
	"time"
)

const updateProfileMutation = `mutation($in: VolunteerProfileInput!) { updateVolunteerProfile(input: $in) { id profile {
  skills languages hasLocation postalCode radiusKm timeZone contactable availability { weekday from to } } } }`

const feedQuery = `query Feed($first: Int, $after: String) { recommendedOpportunities(first: $first, after: $after) {
  edges { cursor node { opportunity { id title } shift { id } score reasons distanceKm } } pageInfo { hasNextPage endCursor } totalCount } }`

type feedView struct {
	RecommendedOpportunities struct {
		Edges []struct {
			Node struct {
				Opportunity struct{ ID, Title string }
				Shift       struct{ ID string }
				Score       float64
				Reasons     []string
				DistanceKm  *float64
			}
		}
		TotalCount int
	}
}

// nextWeekday returns the next given weekday at hour:00 in Berlin, at least two days ahead.
func nextWeekday(day time.Weekday, hour int) time.Time {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	t := time.Now().In(berlin).AddDate(0, 0, 2)
	for t.Weekday() != day {
		t = t.AddDate(0, 0, 1)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, berlin)
}

func TestProfileKeepsOnlyACoarseLocationAndRefusesBadInput(t *testing.T) {
	a := newAPI(t)
	vol := a.register(t, "pia@example.org", "Pia")
	as := a.As(vol.AccessToken)
	var out struct {
		UpdateVolunteerProfile struct {
			Profile struct {
				Skills       []string
				HasLocation  bool
				PostalCode   string
				RadiusKm     float64
				Contactable  bool
				Availability []struct{ Weekday, From, To string }
			}
		}
	}
	as.Do(t, updateProfileMutation, map[string]any{"in": map[string]any{
		"skills": []string{"Cooking", "cooking", "Lastenrad"}, "languages": []string{"de", "uk"},
		"location":   map[string]any{"address": "Torstraße 12, 10119 Berlin", "latitude": 52.529123, "longitude": 13.401987},
		"postalCode": "10119", "radiusKm": 5, "contactable": true,
		"availability": []map[string]any{{"weekday": "TUESDAY", "from": "17:00", "to": "21:30"}},
	}}).OK(t, &out)
	p := out.UpdateVolunteerProfile.Profile
	if strings.Join(p.Skills, ",") != "cooking,lastenrad" || !p.HasLocation || p.PostalCode != "10119" || !p.Contactable ||
		len(p.Availability) != 1 || p.Availability[0].From != "17:00" || p.Availability[0].To != "21:30" {
		t.Fatalf("profile = %+v", p)
	}
	stored, err := a.store.Profiles().Get(t.Context(), vol.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Latitude != 52.53 || stored.Longitude != 13.40 {
		t.Fatalf("stored coordinates %v, %v; want rounded to 52.53, 13.40", stored.Latitude, stored.Longitude)
	}

	tests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"latitude", map[string]any{"location": map[string]any{"latitude": 95.0, "longitude": 13.0}}, "input.location.latitude"},
		{"longitude", map[string]any{"location": map[string]any{"latitude": 52.0, "longitude": 200.0}}, "input.location.longitude"},
		{"radius", map[string]any{"radiusKm": 0}, "input.radiusKm"},
		{"radius too large", map[string]any{"radiusKm": 5000}, "input.radiusKm"},
		{"language", map[string]any{"languages": []string{"Deutsch"}}, "input.languages.0"},
		{"from after to", map[string]any{"availability": []map[string]any{{"weekday": "MONDAY", "from": "18:00", "to": "17:00"}}}, "input.availability.0.to"},
		{"bad clock", map[string]any{"availability": []map[string]any{{"weekday": "MONDAY", "from": "6pm", "to": "21:00"}}}, "input.availability.0.from"},
		{"time zone", map[string]any{"timeZone": "Mars/Olympus"}, "input.timeZone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as.Do(t, updateProfileMutation, map[string]any{"in": tt.in}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	var me struct {
		Me struct{ Profile struct{ RadiusKm float64 } }
	}
	as.Do(t, `{ me { profile { radiusKm } } }`, nil).OK(t, &me)
	if me.Me.Profile.RadiusKm != 5 {
		t.Fatalf("bad input changed the profile: radius %v", me.Me.Profile.RadiusKm)
	}
}

func TestFeedRanksWithReasonsAndDropsFullShiftsAtOnce(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"skills": []string{"cooking", "driving"}})
	tuesday := nextWeekday(time.Tuesday, 18)
	shiftID := f.addShift(t, a, tuesday, 2*time.Hour, 1)
	f.publish(t, a)
	far := newFixture(t, a, map[string]any{"title": "Ausgabe in München",
		"location": map[string]any{"address": "Marienplatz 1, München", "latitude": 48.137, "longitude": 11.575}})
	far.addShift(t, a, tuesday, 2*time.Hour, 5)
	far.publish(t, a)

	vol := a.register(t, "ole@example.org", "Ole")
	a.As(vol.AccessToken).Do(t, updateProfileMutation, map[string]any{"in": map[string]any{
		"skills": []string{"cooking"}, "languages": []string{"de"}, "radiusKm": 10,
		"location":     map[string]any{"latitude": 52.55, "longitude": 13.40},
		"availability": []map[string]any{{"weekday": "TUESDAY", "from": "17:00", "to": "21:00"}},
	}}).OK(t, nil)

	var feed feedView
	a.As(vol.AccessToken).Do(t, feedQuery, nil).OK(t, &feed)
	edges := feed.RecommendedOpportunities.Edges
	if len(edges) != 1 || edges[0].Node.Opportunity.ID != f.oppID || edges[0].Node.Shift.ID != shiftID {
		t.Fatalf("feed = %+v, want only the Berlin task (Munich is beyond the radius)", edges)
	}
	reasons := strings.Join(edges[0].Node.Reasons, " | ")
	for _, want := range []string{"eine deiner Fähigkeiten: Kochen", "km entfernt", "passt zu deinem Dienstagabend", "auf Deutsch", "nur noch ein Platz frei"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons %q lack %q", reasons, want)
		}
	}
	if d := edges[0].Node.DistanceKm; d == nil || *d < 2 || *d > 4 {
		t.Errorf("distance = %v, want about 3.3 km", d)
	}

	// Someone takes the only place: the task leaves the feed at once.
	other := a.volunteers(t, 1)[0]
	a.As(other).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, nil)
	a.As(vol.AccessToken).Do(t, feedQuery, nil).OK(t, &feed)
	if n := len(feed.RecommendedOpportunities.Edges); n != 0 {
		t.Fatalf("a full shift is still in the feed: %+v", feed.RecommendedOpportunities.Edges)
	}
	a.Do(t, feedQuery, nil).Fails(t, "UNAUTHENTICATED", "")
}

func TestFeedPagesAreStableAndInEnglishForEnglishUsers(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	for i := range 5 {
		g := f
		if i > 0 {
			var out struct {
				CreateOpportunity struct{ Opportunity struct{ ID string } }
			}
			a.As(f.coordinator.AccessToken).Do(t, createOpportunityMutation, map[string]any{"input": onsiteInput(f.orgID, "Aufgabe")}).OK(t, &out)
			g.oppID = out.CreateOpportunity.Opportunity.ID
		}
		g.addShift(t, a, time.Now().Add(time.Duration(100+i)*time.Hour), time.Hour, 5)
		g.publish(t, a)
	}
	var reg struct{ Register session }
	a.Do(t, registerMutation, map[string]any{"input": map[string]any{"email": "en@example.org", "password": testPassword, "displayName": "En", "locale": "EN"}}).OK(t, &reg)
	as := a.As(reg.Register.AccessToken)
	as.Do(t, updateProfileMutation, map[string]any{"in": map[string]any{"languages": []string{"en", "de"}}}).OK(t, nil)
	seen := map[string]bool{}
	var after any
	for range 5 {
		var page struct {
			RecommendedOpportunities struct {
				Edges []struct {
					Node struct {
						Opportunity struct{ ID string }
						Reasons     []string
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		as.Do(t, feedQuery, map[string]any{"first": 2, "after": after}).OK(t, &page)
		for _, e := range page.RecommendedOpportunities.Edges {
			if seen[e.Node.Opportunity.ID] {
				t.Fatalf("%s on two pages", e.Node.Opportunity.ID)
			}
			seen[e.Node.Opportunity.ID] = true
			if joined := strings.Join(e.Node.Reasons, " "); !strings.Contains(joined, "in German") {
				t.Fatalf("reasons not in English: %q", joined)
			}
		}
		if !page.RecommendedOpportunities.PageInfo.HasNextPage {
			break
		}
		after = page.RecommendedOpportunities.PageInfo.EndCursor
	}
	if len(seen) != 5 {
		t.Fatalf("pages covered %d opportunities, want 5", len(seen))
	}
}

func TestSearchFindsTheFamilyTaskForAParentingQuestion(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"title": "Familienpatenschaft", "category": "family",
		"description": "Begleite eine junge Familie mit kleinen Kindern im Alltag."})
	f.addShift(t, a, time.Now().Add(48*time.Hour), time.Hour, 2)
	f.publish(t, a)
	g := newFixture(t, a, nil) // the food bank
	g.addShift(t, a, time.Now().Add(48*time.Hour), time.Hour, 2)
	g.publish(t, a)
	draft := newFixture(t, a, map[string]any{"title": "Familiencafé (Entwurf)"})
	_ = draft

	const q = `query($t: String!, $f: OpportunityFilter) { search(text: $t, filter: $f) { totalCount edges { score node { ... on Opportunity { id title } } } } }`
	var out struct {
		Search struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID, Title string } }
		}
	}
	a.Do(t, q, map[string]any{"t": "Ich suche Hilfe bei der Erziehung meines Kindes"}).OK(t, &out)
	if out.Search.TotalCount == 0 || out.Search.Edges[0].Node.ID != f.oppID {
		t.Fatalf("parenting question found %+v, want the family task first", out.Search.Edges)
	}
	for _, e := range out.Search.Edges {
		if e.Node.ID == draft.oppID {
			t.Fatal("search shows a draft")
		}
	}
	a.Do(t, q, map[string]any{"t": "Tafel", "f": map[string]any{"mode": "ONLINE"}}).OK(t, &out)
	if out.Search.TotalCount != 0 {
		t.Fatalf("the filter was ignored: %+v", out.Search.Edges)
	}
	a.Do(t, q, map[string]any{"t": strings.Repeat("x", 201)}).Fails(t, "BAD_USER_INPUT", "text")
}

func TestSuggestedVolunteersRespectConsentAvailabilityAndRoles(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"skills": []string{"cooking"}})
	tuesday := nextWeekday(time.Tuesday, 18)
	shiftID := f.addShift(t, a, tuesday, 2*time.Hour, 3)
	f.publish(t, a)
	profile := func(tok string, contactable bool, day string) {
		a.As(tok).Do(t, updateProfileMutation, map[string]any{"in": map[string]any{
			"skills": []string{"cooking"}, "contactable": contactable, "location": map[string]any{"latitude": 52.54, "longitude": 13.39},
			"availability": []map[string]any{{"weekday": day, "from": "16:00", "to": "22:00"}},
		}}).OK(t, nil)
	}
	willing := a.register(t, "willing@example.org", "Willing")
	shy := a.register(t, "shy@example.org", "Shy")
	busy := a.register(t, "monday@example.org", "Monday")
	already := a.register(t, "already@example.org", "Already")
	profile(willing.AccessToken, true, "TUESDAY")
	profile(shy.AccessToken, false, "TUESDAY")
	profile(busy.AccessToken, true, "MONDAY")
	profile(already.AccessToken, true, "TUESDAY")
	a.As(already.AccessToken).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, nil)

	const q = `query($s: ID!) { suggestedVolunteers(shiftId: $s) { volunteerId displayName score reasons distanceKm } }`
	var out struct {
		SuggestedVolunteers []struct {
			VolunteerID, DisplayName string
			Reasons                  []string
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, q, map[string]any{"s": shiftID}).OK(t, &out)
	if len(out.SuggestedVolunteers) != 1 || out.SuggestedVolunteers[0].VolunteerID != willing.User.ID {
		t.Fatalf("suggestions = %+v, want only the willing, available volunteer", out.SuggestedVolunteers)
	}
	resp := a.As(f.coordinator.AccessToken).Do(t, `query($s: ID!) { suggestedVolunteers(shiftId: $s) { volunteerId email } }`, map[string]any{"s": shiftID})
	resp.Fails(t, "BAD_USER_INPUT", "")
	a.As(willing.AccessToken).Do(t, q, map[string]any{"s": shiftID}).Fails(t, "FORBIDDEN", "")

	// Inviting: once per volunteer and shift, only those who agreed, only by staff.
	const invite = `mutation($s: ID!, $v: ID!) { inviteVolunteer(shiftId: $s, volunteerId: $v) { invited } }`
	var inv struct{ InviteVolunteer struct{ Invited bool } }
	as := a.As(f.coordinator.AccessToken)
	as.Do(t, invite, map[string]any{"s": shiftID, "v": willing.User.ID}).OK(t, &inv)
	if !inv.InviteVolunteer.Invited {
		t.Fatal("the first invitation was not sent")
	}
	as.Do(t, invite, map[string]any{"s": shiftID, "v": willing.User.ID}).OK(t, &inv)
	if inv.InviteVolunteer.Invited {
		t.Fatal("a second invitation was sent")
	}
	as.Do(t, invite, map[string]any{"s": shiftID, "v": shy.User.ID}).Fails(t, "NOT_FOUND", "volunteerId")
	as.Do(t, invite, map[string]any{"s": shiftID, "v": already.User.ID}).Fails(t, "CONFLICT", "volunteerId")
	a.As(busy.AccessToken).Do(t, invite, map[string]any{"s": shiftID, "v": willing.User.ID}).Fails(t, "FORBIDDEN", "")
	var inbox struct {
		Notifications struct {
			Edges []struct{ Node struct{ Kind, Title string } }
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(inbox.Notifications.Edges) == 0 && time.Now().Before(deadline) {
		a.As(willing.AccessToken).Do(t, `{ notifications { edges { node { kind title } } } }`, nil).OK(t, &inbox)
		time.Sleep(50 * time.Millisecond)
	}
	if len(inbox.Notifications.Edges) != 1 || inbox.Notifications.Edges[0].Node.Kind != "INVITATION" {
		t.Fatalf("the volunteer's notifications = %+v, want one invitation", inbox.Notifications.Edges)
	}
	a.As(shy.AccessToken).Do(t, `{ notifications { edges { node { kind } } } }`, nil).OK(t, &inbox)
	if len(inbox.Notifications.Edges) != 0 {
		t.Fatal("a volunteer who did not agree was contacted")
	}
}

func TestCatalogChangesReachAnotherReplicaWithinSeconds(t *testing.T) {
	replicas := newReplicas(t, 2)
	a, b := replicas[0], replicas[1]
	f := newFixture(t, a, nil)
	f.addShift(t, a, time.Now().Add(48*time.Hour), time.Hour, 2)
	vol := b.volunteers(t, 1)[0]

	f.publish(t, a)
	deadline := time.Now().Add(5 * time.Second)
	for {
		var feed feedView
		b.As(vol).Do(t, feedQuery, nil).OK(t, &feed)
		if len(feed.RecommendedOpportunities.Edges) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other replica did not show the published task within 5 seconds")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
