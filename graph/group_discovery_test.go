package graph_test

import (
	"slices"
	"strings"
	"testing"
)

const recommendedGroupsQuery = `{ recommendedGroups(first: 10) { edges { node { group { id name sensitive place } score reasons distanceKm } } totalCount } }`

type groupMatches struct {
	RecommendedGroups struct {
		Edges []struct {
			Node struct {
				Group struct {
					ID, Name  string
					Sensitive bool
					Place     *string
				}
				Score      float64
				Reasons    []string
				DistanceKm *float64
			}
		}
	}
}

func (g groupMatches) names() []string {
	var out []string
	for _, e := range g.RecommendedGroups.Edges {
		out = append(out, e.Node.Group.Name)
	}
	return out
}

// TestRecommendedGroupsAndSearch: a sensitive group is recommended only for an interest the
// volunteer chose; search finds sensitive groups all the same; reasons are in German.
func TestRecommendedGroupsAndSearch(t *testing.T) {
	a := newAPI(t)
	addiction := newGroupFixture(t, a, nil)
	grief := newGroupFixture(t, a, map[string]any{"name": "Trauercafé", "category": "grief", "description": "Für Trauernde"})
	reading := newGroupFixture(t, a, map[string]any{"name": "Lesekreis", "category": "culture", "description": "Wir lesen zusammen"})
	for _, f := range []groupFixture{addiction, grief, reading} {
		f.schedule(t, a, 12, true)
	}
	v := a.groupMembers(t, 1)[0]
	as := a.As(v.token)
	profile := func(interests, skills []string) {
		as.Do(t, updateProfileMutation, map[string]any{"in": map[string]any{
			"interests": interests, "skills": skills, "languages": []string{"de"},
			"location": map[string]any{"latitude": 52.55, "longitude": 13.40}, "radiusKm": 10,
			"availability": []map[string]any{{"weekday": "TUESDAY", "from": "18:00", "to": "22:00"}},
		}}).OK(t, nil)
	}
	// Skills hint at grief work, but only the chosen interest counts.
	profile([]string{"addiction"}, []string{"grief"})
	var got groupMatches
	as.Do(t, recommendedGroupsQuery, nil).OK(t, &got)
	names := got.names()
	if !slices.Contains(names, addiction.name) || !slices.Contains(names, "Lesekreis") || slices.Contains(names, "Trauercafé") {
		t.Fatalf("recommended %v; want the chosen sensitive group and the reading circle, not the grief group", names)
	}
	first := got.RecommendedGroups.Edges[0].Node
	if first.Group.Name != addiction.name || first.Group.Place != nil || first.DistanceKm == nil {
		t.Fatalf("first match %+v", first)
	}
	if r := strings.Join(first.Reasons, "; "); !strings.Contains(r, "passt zu deinem Dienstagabend") || !strings.Contains(r, "km entfernt") {
		t.Fatalf("reasons %q", r)
	}
	profile([]string{}, []string{"addiction"})
	as.Do(t, recommendedGroupsQuery, nil).OK(t, &got)
	for _, e := range got.RecommendedGroups.Edges {
		if e.Node.Group.Sensitive {
			t.Fatalf("sensitive group %s recommended without a chosen interest", e.Node.Group.Name)
		}
	}
	// After joining, a group is no longer recommended.
	a.join(t, v.token, reading.groupID, "Leseratte")
	as.Do(t, recommendedGroupsQuery, nil).OK(t, &got)
	if slices.Contains(got.names(), "Lesekreis") {
		t.Fatal("a joined group is still recommended")
	}

	var found struct {
		Search struct {
			Edges []struct {
				Node struct {
					Typename string `json:"__typename"`
					ID, Name string
				}
			}
		}
	}
	as.Do(t, `{ search(text: "trauer") { edges { node { __typename ... on Group { id name } } } } }`, nil).OK(t, &found)
	if len(found.Search.Edges) != 1 || found.Search.Edges[0].Node.Typename != "Group" || found.Search.Edges[0].Node.ID != grief.groupID {
		t.Fatalf("search for trauer found %+v", found.Search.Edges)
	}
	var browse struct {
		Groups struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	as.Do(t, `{ groups(filter: {category: "grief", postalCode: "10"}) { edges { node { id } } } }`, nil).OK(t, &browse)
	if len(browse.Groups.Edges) != 1 || browse.Groups.Edges[0].Node.ID != grief.groupID {
		t.Fatalf("browse by category and area: %+v", browse.Groups.Edges)
	}
}
