package graph_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/quota"
)

// TestAccountLimitsBrakeAbuse: one account signing up, searching or inviting far more often
// than a person would is refused with RATE_LIMITED and a time to wait; other accounts go on.
func TestAccountLimitsBrakeAbuse(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	shift := f.addShift(t, a, time.Now().Add(72*time.Hour), time.Hour, 5)
	other := f.addShift(t, a, time.Now().Add(96*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vols := a.volunteers(t, 2)
	script, person := a.As(vols[0]), a.As(vols[1])

	for range quota.Defaults[quota.SignUp].Burst {
		script.Do(t, signUpMutation, map[string]any{"shift": shift}).OK(t, nil)
	}
	e := script.Do(t, signUpMutation, map[string]any{"shift": shift}).Fails(t, "RATE_LIMITED", "")
	if e.Extensions["retryAfterSeconds"] == nil {
		t.Fatalf("refusal %+v has no retryAfterSeconds", e)
	}
	person.Do(t, signUpMutation, map[string]any{"shift": shift}).OK(t, nil)

	const search = `query { search(text: "Tafel") { totalCount } }`
	for range quota.Defaults[quota.Search].Burst {
		script.Do(t, search, nil).OK(t, nil)
	}
	script.Do(t, search, nil).Fails(t, "RATE_LIMITED", "")
	person.Do(t, search, nil).OK(t, nil)

	// A coordinator inviting the same volunteer again and again.
	person.Do(t, `mutation { updateVolunteerProfile(input: {contactable: true}) { id } }`, nil).OK(t, nil)
	var me struct{ Me struct{ ID string } }
	person.Do(t, `{ me { id } }`, nil).OK(t, &me)
	const invite = `mutation($s: ID!, $v: ID!) { inviteVolunteer(shiftId: $s, volunteerId: $v) { invited } }`
	coord := a.As(f.coordinator.AccessToken)
	for range quota.Defaults[quota.Invite].Burst {
		coord.Do(t, invite, map[string]any{"s": other, "v": me.Me.ID}).OK(t, nil)
	}
	coord.Do(t, invite, map[string]any{"s": other, "v": me.Me.ID}).Fails(t, "RATE_LIMITED", "")
}
