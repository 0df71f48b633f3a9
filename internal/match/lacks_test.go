package match

import (
	"slices"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// TestMissingRequirementsAtTheShiftsEnd: what the volunteer holds today but not when the
// shift ends is missing, as signing up would refuse it; credentials count per organisation.
func TestMissingRequirementsAtTheShiftsEnd(t *testing.T) {
	shiftEnd := tuesdayEvening().EndsAt
	o := opportunity.Opportunity{OrganisationID: "org", RequiredModuleIDs: []string{"m"}, RequiredCredentials: []string{"CERTIFICATE_OF_CONDUCT"}}
	tests := []struct {
		name                 string
		modules              map[string]time.Time
		creds                map[string]map[string]time.Time
		wantModules, wantCrd []string
	}{
		{"nothing held", nil, nil, []string{"m"}, []string{"CERTIFICATE_OF_CONDUCT"}},
		{"both without end", map[string]time.Time{"m": {}}, map[string]map[string]time.Time{"org": {"CERTIFICATE_OF_CONDUCT": {}}}, nil, nil},
		{"both past the shift", map[string]time.Time{"m": shiftEnd.Add(time.Hour)},
			map[string]map[string]time.Time{"org": {"CERTIFICATE_OF_CONDUCT": shiftEnd.Add(24 * time.Hour)}}, nil, nil},
		{"module ends before the shift ends", map[string]time.Time{"m": shiftEnd.Add(-time.Minute)},
			map[string]map[string]time.Time{"org": {"CERTIFICATE_OF_CONDUCT": {}}}, []string{"m"}, nil},
		{"credential of another organisation", map[string]time.Time{"m": {}},
			map[string]map[string]time.Time{"other": {"CERTIFICATE_OF_CONDUCT": {}}}, nil, []string{"CERTIFICATE_OF_CONDUCT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Volunteer{Modules: tt.modules, Credentials: tt.creds}
			m, c := v.Lacks(&o, shiftEnd)
			if !slices.Equal(m, tt.wantModules) || !slices.Equal(c, tt.wantCrd) {
				t.Fatalf("Lacks = %v %v, want %v %v", m, c, tt.wantModules, tt.wantCrd)
			}
		})
	}
	// In the feed: the reason names it, in German.
	e := entry(func(x *opportunity.Opportunity) {
		x.OrganisationID, x.RequiredCredentials = "org", []string{"CERTIFICATE_OF_CONDUCT"}
	})
	v := volunteer(nil)
	v.German = true
	v.Credentials = map[string]map[string]time.Time{"org": {"CERTIFICATE_OF_CONDUCT": shiftEnd.Add(-time.Hour)}}
	r, ok := rankOne(t, v, e)
	if !ok || !hasReason(r, "es fehlt noch: erweitertes Führungszeugnis") {
		t.Fatalf("reasons = %v", r.Reasons)
	}
}
