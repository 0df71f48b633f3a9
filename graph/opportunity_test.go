package graph_test

import (
	"strings"
	"testing"
	"time"
)

func TestOpportunityLifecycleAndVisibility(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"onlineUrl": "https://meet.example.org/tafel", "mode": "HYBRID"})
	volunteer := a.volunteers(t, 1)[0]
	const q = `query($id: ID!) { opportunity(id: $id) { id status mode onlineUrl organisation { name } shifts { id } } }`

	// A draft is invisible to volunteers and cannot be published without a shift.
	var got struct {
		Opportunity *struct {
			ID, Status, Mode string
			OnlineURL        *string
			Shifts           []struct{ ID string }
		}
	}
	a.As(volunteer).Do(t, q, map[string]any{"id": f.oppID}).OK(t, &got)
	if got.Opportunity != nil {
		t.Fatal("a volunteer sees a draft")
	}
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!) { publishOpportunity(id: $id) { opportunity { id } } }`,
		map[string]any{"id": f.oppID}).Fails(t, "CONFLICT", "")

	shiftID := f.addShift(t, a, time.Now().Add(72*time.Hour), 2*time.Hour, 3)
	f.publish(t, a)
	a.As(volunteer).Do(t, q, map[string]any{"id": f.oppID}).OK(t, &got)
	if got.Opportunity == nil || got.Opportunity.Status != "PUBLISHED" || len(got.Opportunity.Shifts) != 1 {
		t.Fatalf("published opportunity = %+v", got.Opportunity)
	}
	if got.Opportunity.OnlineURL != nil {
		t.Fatal("the online link is shown before the volunteer holds a place")
	}
	a.As(volunteer).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, nil)
	a.As(volunteer).Do(t, q, map[string]any{"id": f.oppID}).OK(t, &got)
	if got.Opportunity.OnlineURL == nil || *got.Opportunity.OnlineURL != "https://meet.example.org/tafel" {
		t.Fatalf("confirmed volunteer sees link %v", got.Opportunity.OnlineURL)
	}

	// Update, then close: no new signups.
	var upd struct {
		UpdateOpportunity struct {
			Opportunity struct{ Title string }
			Warnings    []struct{ Code, Message string }
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!, $in: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $in) { opportunity { title } warnings { code message } } }`,
		map[string]any{"id": f.oppID, "in": map[string]any{"title": "Ausgabe (nur Männer, unter 30 Jahren)"}}).OK(t, &upd)
	if upd.UpdateOpportunity.Opportunity.Title != "Ausgabe (nur Männer, unter 30 Jahren)" || len(upd.UpdateOpportunity.Warnings) != 2 {
		t.Fatalf("update = %+v, want the new title and two warnings (gender, age)", upd.UpdateOpportunity)
	}
	if !strings.Contains(upd.UpdateOpportunity.Warnings[0].Message+upd.UpdateOpportunity.Warnings[1].Message, "Geschlecht") {
		t.Fatalf("warnings are not in German: %+v", upd.UpdateOpportunity.Warnings)
	}
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!) { closeOpportunity(id: $id) { opportunity { status } } }`, map[string]any{"id": f.oppID}).OK(t, nil)
	other := a.volunteers(t, 1)[0]
	a.As(other).Do(t, signUpMutation, map[string]any{"shift": shiftID}).Fails(t, "CONFLICT", "")

	var cancelled struct {
		CancelOpportunity struct {
			Opportunity struct{ Status, StatusReason string }
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!) { cancelOpportunity(id: $id, reason: "Hochwasser") { opportunity { status statusReason } } }`,
		map[string]any{"id": f.oppID}).OK(t, &cancelled)
	if cancelled.CancelOpportunity.Opportunity.Status != "CANCELLED" || cancelled.CancelOpportunity.Opportunity.StatusReason != "Hochwasser" {
		t.Fatalf("cancel = %+v", cancelled)
	}
	events := a.eventsOf(t, "opportunityId", f.oppID)
	if !containsKind(events, "OPPORTUNITY_CANCELLED") {
		t.Fatal("the cancellation was not recorded")
	}
}

func TestOpportunityBadInputChangesNothing(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	as := a.As(f.coordinator.AccessToken)
	tests := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"empty title", func(m map[string]any) { m["title"] = "  " }, "input.title"},
		{"title over 200", func(m map[string]any) { m["title"] = strings.Repeat("t", 201) }, "input.title"},
		{"onsite without location", func(m map[string]any) { delete(m, "location") }, "input.location"},
		{"latitude out of range", func(m map[string]any) {
			m["location"] = map[string]any{"address": "x", "latitude": 91.0, "longitude": 13.0}
		}, "input.location.latitude"},
		{"longitude out of range", func(m map[string]any) {
			m["location"] = map[string]any{"address": "x", "latitude": 52.0, "longitude": -181.0}
		}, "input.location.longitude"},
		{"online without link", func(m map[string]any) { m["mode"] = "ONLINE" }, "input.onlineUrl"},
		{"online with http link", func(m map[string]any) { m["mode"] = "ONLINE"; m["onlineUrl"] = "http://meet.example.org" }, "input.onlineUrl"},
		{"bad category", func(m map[string]any) { m["category"] = "Food Bank!" }, "input.category"},
		{"bad language", func(m map[string]any) { m["languages"] = []string{"deutsch"} }, "input.languages.0"},
		{"bad credential", func(m map[string]any) { m["requiredCredentials"] = []string{"führungszeugnis"} }, "input.requiredCredentials.0"},
		{"unknown mode", func(m map[string]any) { m["mode"] = "SOMEWHERE" }, "input.mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := onsiteInput(f.orgID, "Neue Aufgabe")
			tt.edit(in)
			as.Do(t, createOpportunityMutation, map[string]any{"input": in}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}

	start := time.Now().Add(24 * time.Hour)
	shiftTests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"capacity 0", map[string]any{"startsAt": start, "endsAt": start.Add(time.Hour), "capacity": 0}, "input.capacity"},
		{"capacity over 10000", map[string]any{"startsAt": start, "endsAt": start.Add(time.Hour), "capacity": 10001}, "input.capacity"},
		{"end before start", map[string]any{"startsAt": start, "endsAt": start.Add(-time.Hour), "capacity": 5}, "input.endsAt"},
		{"unknown time zone", map[string]any{"startsAt": start, "endsAt": start.Add(time.Hour), "capacity": 5, "timeZone": "Europe/Atlantis"}, "input.timeZone"},
		{"in the past", map[string]any{"startsAt": time.Now().Add(-2 * time.Hour), "endsAt": time.Now().Add(-time.Hour), "capacity": 5}, "input.startsAt"},
		{"no time at all", map[string]any{"capacity": 5}, "input.startsAt"},
		{"times and deadline", map[string]any{"startsAt": start, "endsAt": start.Add(time.Hour), "deadline": start, "capacity": 5}, "input.deadline"},
		{"time without offset", map[string]any{"startsAt": "2030-05-04T18:00:00", "endsAt": "2030-05-04T20:00:00", "capacity": 5}, "input.startsAt"},
	}
	for _, tt := range shiftTests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in["opportunityId"] = f.oppID
			for k, v := range tt.in {
				if tm, ok := v.(time.Time); ok {
					tt.in[k] = tm.Format(time.RFC3339)
				}
			}
			as.Do(t, addShiftMutation, map[string]any{"input": tt.in}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	var list struct {
		Opportunities struct{ TotalCount int }
		Opportunity   struct{ Shifts []struct{ ID string } }
	}
	as.Do(t, `query($org: ID!, $id: ID!) { opportunities(filter: {organisationId: $org}) { totalCount } opportunity(id: $id) { shifts { id } } }`,
		map[string]any{"org": f.orgID, "id": f.oppID}).OK(t, &list)
	if list.Opportunities.TotalCount != 1 || len(list.Opportunity.Shifts) != 0 {
		t.Fatalf("after bad input: %d opportunities, %d shifts; want 1 and 0", list.Opportunities.TotalCount, len(list.Opportunity.Shifts))
	}
}

func TestOtherOrganisationsAndVolunteersCannotTouchOpportunities(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(24*time.Hour), time.Hour, 2)
	f.publish(t, a)
	g := newFixture(t, a, nil) // another organisation with its own coordinator
	vols := a.volunteers(t, 2)

	var su struct{ SignUp struct{ Signup signupView } }
	a.As(vols[0]).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &su)
	signupID := su.SignUp.Signup.ID

	for name, tok := range map[string]string{"volunteer": vols[1], "other coordinator": g.coordinator.AccessToken} {
		t.Run(name, func(t *testing.T) {
			as := a.As(tok)
			as.Do(t, createOpportunityMutation, map[string]any{"input": onsiteInput(f.orgID, "Fremd")}).Fails(t, "FORBIDDEN", "")
			as.Do(t, `mutation($id: ID!) { updateOpportunity(id: $id, input: {title: "Gekapert"}) { opportunity { id } } }`,
				map[string]any{"id": f.oppID}).Fails(t, "FORBIDDEN", "")
			as.Do(t, addShiftMutation, map[string]any{"input": map[string]any{"opportunityId": f.oppID,
				"startsAt": time.Now().Add(48 * time.Hour).Format(time.RFC3339), "endsAt": time.Now().Add(49 * time.Hour).Format(time.RFC3339), "capacity": 1}}).
				Fails(t, "FORBIDDEN", "")
			as.Do(t, `mutation($id: ID!) { cancelShift(id: $id) { shift { id } } }`, map[string]any{"id": shiftID}).Fails(t, "FORBIDDEN", "")
			as.Do(t, `mutation($id: ID!) { updateShift(id: $id, input: {capacity: 100}) { shift { id } } }`, map[string]any{"id": shiftID}).Fails(t, "FORBIDDEN", "")
			as.Do(t, rosterQuery, map[string]any{"id": shiftID}).Fails(t, "FORBIDDEN", "")
			as.Do(t, cancelSignupMutation, map[string]any{"id": signupID}).Fails(t, "NOT_FOUND", "")
			as.Do(t, `mutation($id: ID!) { recordAttendance(signupId: $id, attended: true) { signup { id } } }`, map[string]any{"id": signupID}).Fails(t, "NOT_FOUND", "")
		})
	}
	var check struct {
		Opportunity struct {
			Title  string
			Shifts []struct{ Capacity int }
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, `query($id: ID!) { opportunity(id: $id) { title shifts { capacity } } }`, map[string]any{"id": f.oppID}).OK(t, &check)
	if check.Opportunity.Title != "Ausgabe an der Tafel" || len(check.Opportunity.Shifts) != 1 || check.Opportunity.Shifts[0].Capacity != 2 {
		t.Fatalf("opportunity changed: %+v", check.Opportunity)
	}
}

func TestOpportunityListFiltersPagesAndBatchesLookups(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	soon, later := time.Now().Add(24*time.Hour), time.Now().Add(30*24*time.Hour)
	f.addShift(t, a, soon, time.Hour, 1)
	f.publish(t, a)
	for i := range 11 {
		in := onsiteInput(f.orgID, "Aufgabe")
		if i%2 == 0 {
			in["mode"], in["onlineUrl"] = "HYBRID", "https://meet.example.org/x"
		}
		var out struct {
			CreateOpportunity struct{ Opportunity struct{ ID string } }
		}
		a.As(f.coordinator.AccessToken).Do(t, createOpportunityMutation, map[string]any{"input": in}).OK(t, &out)
		g := fixture{coordinator: f.coordinator, orgID: f.orgID, oppID: out.CreateOpportunity.Opportunity.ID}
		g.addShift(t, a, later, 2*time.Hour, 3)
		g.publish(t, a)
	}
	// The first opportunity's only place goes.
	vol := a.volunteers(t, 1)[0]
	var shifts struct {
		Opportunity struct{ Shifts []struct{ ID string } }
	}
	a.Do(t, `query($id: ID!) { opportunity(id: $id) { shifts { id } } }`, map[string]any{"id": f.oppID}).OK(t, &shifts)
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": shifts.Opportunity.Shifts[0].ID}).OK(t, nil)

	type page struct {
		Opportunities struct {
			Edges []struct {
				Cursor string
				Node   struct {
					ID     string
					Mode   string
					Shifts []struct {
						ConfirmedCount int
						Opportunity    struct{ ID string }
					}
					Organisation struct{ Name string }
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
			TotalCount int
		}
	}
	const q = `query($f: OpportunityFilter, $first: Int, $after: String) { opportunities(filter: $f, first: $first, after: $after) {
	  edges { cursor node { id mode organisation { name } shifts { confirmedCount opportunity { id } } } }
	  pageInfo { hasNextPage endCursor } totalCount } }`

	before := a.commands.Load()
	var p1 page
	a.As(vol).Do(t, q, map[string]any{"first": 5}).OK(t, &p1)
	if calls := a.commands.Load() - before; calls > 4 {
		t.Errorf("one page of 5 opportunities with organisation and shifts took %d store calls, want at most 4", calls)
	}
	if len(p1.Opportunities.Edges) != 5 || !p1.Opportunities.PageInfo.HasNextPage || p1.Opportunities.TotalCount != 12 {
		t.Fatalf("first page: %d edges, hasNext %v, total %d", len(p1.Opportunities.Edges), p1.Opportunities.PageInfo.HasNextPage, p1.Opportunities.TotalCount)
	}
	seen := map[string]bool{}
	after := p1.Opportunities.PageInfo.EndCursor
	for _, e := range p1.Opportunities.Edges {
		seen[e.Node.ID] = true
		if e.Node.Organisation.Name != "Tafel Mitte" || e.Node.Shifts[0].Opportunity.ID != e.Node.ID {
			t.Fatalf("edge = %+v", e.Node)
		}
	}
	for after != "" {
		var p page
		a.As(vol).Do(t, q, map[string]any{"first": 5, "after": after}).OK(t, &p)
		for _, e := range p.Opportunities.Edges {
			if seen[e.Node.ID] {
				t.Fatalf("opportunity %s on two pages", e.Node.ID)
			}
			seen[e.Node.ID] = true
		}
		after = ""
		if p.Opportunities.PageInfo.HasNextPage {
			after = p.Opportunities.PageInfo.EndCursor
		}
	}
	if len(seen) != 12 {
		t.Fatalf("paging saw %d opportunities, want 12", len(seen))
	}

	for name, tt := range map[string]struct {
		filter map[string]any
		total  int
	}{
		"hybrid":           {map[string]any{"mode": "HYBRID"}, 6},
		"free places":      {map[string]any{"onlyWithFreePlaces": true}, 11},
		"this week":        {map[string]any{"from": time.Now().Format(time.RFC3339), "to": time.Now().Add(7 * 24 * time.Hour).Format(time.RFC3339)}, 1},
		"unknown category": {map[string]any{"category": "garden"}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			var p page
			a.As(vol).Do(t, q, map[string]any{"f": tt.filter}).OK(t, &p)
			if p.Opportunities.TotalCount != tt.total {
				t.Fatalf("total = %d, want %d", p.Opportunities.TotalCount, tt.total)
			}
		})
	}
	a.Do(t, q, map[string]any{"after": "bm9wZQ"}).Fails(t, "BAD_USER_INPUT", "after")
	a.Do(t, q, map[string]any{"first": 1000}).Fails(t, "BAD_USER_INPUT", "first")
}
