package graph_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
)

// fixture is an organisation with a coordinator and a published opportunity.
type fixture struct {
	coordinator session
	orgID       string
	oppID       string
}

const createOpportunityMutation = `mutation CreateOpportunity($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id status } warnings { code message field } }
}`

const addShiftMutation = `mutation AddShift($input: AddShiftInput!) {
  addShift(input: $input) { shift { id startsAt endsAt timeZone capacity confirmedCount } }
}`

const signUpMutation = `mutation SignUp($shift: ID!) {
  signUp(shiftId: $shift) { signup { id status waitlistPosition shift { id } } }
}`

const cancelSignupMutation = `mutation CancelSignup($id: ID!) { cancelSignup(signupId: $id) { signup { id status } } }`

type signupView struct {
	ID               string
	Status           string
	WaitlistPosition *int
	Shift            struct{ ID string }
}

func onsiteInput(orgID, title string) map[string]any {
	return map[string]any{
		"organisationId": orgID, "title": title, "description": "Lebensmittel sortieren und ausgeben",
		"mode": "ONSITE", "category": "food-bank", "skills": []string{"Kochen"}, "languages": []string{"de"},
		"location": map[string]any{"address": "Hauptstraße 1, 10115 Berlin", "latitude": 52.53, "longitude": 13.38},
	}
}

func newFixture(t testing.TB, a *api, extra map[string]any) fixture {
	t.Helper()
	coord := a.register(t, fmt.Sprintf("coord-%d@example.org", time.Now().UnixNano()), "Koordinatorin")
	org := a.createOrg(t, coord.AccessToken, "Tafel Mitte")
	in := onsiteInput(org.ID, "Ausgabe an der Tafel")
	for k, v := range extra {
		in[k] = v
	}
	var created struct {
		CreateOpportunity struct{ Opportunity struct{ ID string } }
	}
	a.As(coord.AccessToken).Do(t, createOpportunityMutation, map[string]any{"input": in}).OK(t, &created)
	return fixture{coordinator: coord, orgID: org.ID, oppID: created.CreateOpportunity.Opportunity.ID}
}

// addShift adds a shift starting at start and lasting length.
func (f fixture) addShift(t testing.TB, a *api, start time.Time, length time.Duration, capacity int) string {
	t.Helper()
	var out struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	a.As(f.coordinator.AccessToken).Do(t, addShiftMutation, map[string]any{"input": map[string]any{
		"opportunityId": f.oppID, "startsAt": start.Format(time.RFC3339), "endsAt": start.Add(length).Format(time.RFC3339),
		"capacity": capacity,
	}}).OK(t, &out)
	return out.AddShift.Shift.ID
}

func (f fixture) publish(t testing.TB, a *api) {
	t.Helper()
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!) { publishOpportunity(id: $id) { opportunity { status } } }`,
		map[string]any{"id": f.oppID}).OK(t, nil)
}

// volunteers creates n accounts directly in the store and mints their access tokens: the
// races under test are about signing up, and n registrations would spend minutes hashing
// passwords (and trip the per-address registration limit).
func (a *api) volunteers(t testing.TB, n int) []string {
	t.Helper()
	tokens := make([]string, n)
	for i := range n {
		u := account.User{Email: fmt.Sprintf("v%d-%d@example.org", i, time.Now().UnixNano()), DisplayName: fmt.Sprintf("Freiwillige %d", i),
			PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
			Locale:       account.LocaleDE, CreatedAt: time.Now()}
		if err := a.store.Accounts().InsertUser(t.Context(), &u); err != nil {
			t.Fatal(err)
		}
		tok, _, err := a.tokens.Issue(auth.Actor{UserID: u.ID, Locale: "de"})
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = tok
	}
	// The users went around the service: let a server that keeps users in memory read them.
	if a.exclusive {
		if err := a.accounts.KeepUsersInMemory(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	return tokens
}

// manyConnections is an HTTP client for hundreds of concurrent requests to one host.
var manyConnections = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 600, MaxConnsPerHost: 600}}
