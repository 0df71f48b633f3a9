package graph_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/stats"
)

const engagementStatsQuery = `query Stats($org: ID!, $from: Date!, $to: Date!, $g: Granularity!) {
  engagementStats(organisationId: $org, from: $from, to: $to, granularity: $g) {
    organisationId from to granularity k
    periods {
      period start end
      activeVolunteers { value suppressed } newVolunteers { value suppressed } returningVolunteers { value suppressed }
      signups { value suppressed } attendances { value suppressed } filledPlaces { value suppressed }
      offeredPlaces { value suppressed } fillRate { value suppressed } confirmedHours { value suppressed }
    }
  }
}`

type statCount struct {
	Value      *float64
	Suppressed bool
}

type statsPeriod struct {
	Period, Start, End                                   string
	ActiveVolunteers, NewVolunteers, ReturningVolunteers statCount
	Signups, Attendances, FilledPlaces, OfferedPlaces    statCount
	FillRate, ConfirmedHours                             statCount
}

type statsResult struct {
	EngagementStats struct {
		OrganisationID, From, To, Granularity string
		K                                     int
		Periods                               []statsPeriod
	}
}

// Seven volunteers sign up through the API; the statistics job folds the events; the
// organisation's coordinator reads the figures, and nobody else can.
func TestEngagementStatsOverGraphQL(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	today := stats.DateOf(time.Now())
	shiftDay := today.AddDays(3)
	start, _ := time.ParseInLocation("2006-01-02 15:04", shiftDay.String()+" 10:00", berlinTZ(t))
	shift := f.addShift(t, a, start, 2*time.Hour, 10)
	f.publish(t, a)
	for _, tok := range a.volunteers(t, 7) {
		a.As(tok).Do(t, `mutation($s: ID!) { signUp(shiftId: $s) { signup { status } } }`, map[string]any{"s": shift}).OK(t, nil)
	}
	a.events.Flush()
	job := stats.NewJob(a.store.Stats(), a.store.Outbox(), a.store.Stats(), stats.WithClock(func() time.Time { return time.Now().Add(time.Second) }, 0))
	if _, err := job.Run(t.Context()); err != nil {
		t.Fatal(err)
	}

	coordinator := a.register(t, "koordination-stats@example.org", "Koordinatorin")
	a.As(f.coordinator.AccessToken).Do(t, `mutation($o: ID!, $e: String!) { addOrganisationMember(organisationId: $o, email: $e, role: COORDINATOR) { organisation { id } } }`,
		map[string]any{"o": f.orgID, "e": "koordination-stats@example.org"}).OK(t, nil)
	vars := map[string]any{"org": f.orgID, "from": today.String(), "to": shiftDay.String(), "g": "DAY"}
	var out statsResult
	a.As(coordinator.AccessToken).Do(t, engagementStatsQuery, vars).OK(t, &out)
	es := out.EngagementStats
	if es.K != 5 || es.Granularity != "DAY" || es.From != today.String() || len(es.Periods) != 4 {
		t.Fatalf("stats = %+v", es)
	}
	first, last := es.Periods[0], es.Periods[3]
	if first.Period != today.String() || first.Signups.Value == nil || *first.Signups.Value != 7 {
		t.Errorf("signups today = %+v, want 7", first.Signups)
	}
	// 7 active = 7 new + 0 returning: the 0 is suppressed, and so is one of the others.
	if !first.ReturningVolunteers.Suppressed || first.ReturningVolunteers.Value != nil {
		t.Errorf("returning = %+v, want suppressed", first.ReturningVolunteers)
	}
	if !first.ActiveVolunteers.Suppressed && !first.NewVolunteers.Suppressed {
		t.Errorf("active %v and new %v both shown: returning derivable", *first.ActiveVolunteers.Value, *first.NewVolunteers.Value)
	}
	if last.FilledPlaces.Value == nil || *last.FilledPlaces.Value != 7 || last.OfferedPlaces.Value == nil || *last.OfferedPlaces.Value != 10 ||
		last.FillRate.Value == nil || *last.FillRate.Value != 0.7 {
		t.Errorf("shift day: filled %+v of %+v, rate %+v; want 7 of 10, 0.7", last.FilledPlaces, last.OfferedPlaces, last.FillRate)
	}
	if !first.Attendances.Suppressed || !first.ConfirmedHours.Suppressed {
		t.Errorf("zero attendances and hours shown: %+v %+v", first.Attendances, first.ConfirmedHours)
	}
	// The admin who created the organisation reads them too.
	a.As(f.coordinator.AccessToken).Do(t, engagementStatsQuery, vars).OK(t, nil)

	volunteer := a.volunteers(t, 1)[0]
	for _, tt := range []struct {
		name, token, code, field string
		vars                     map[string]any
	}{
		{"anonymous", "", "UNAUTHENTICATED", "", vars},
		{"volunteer", volunteer, "FORBIDDEN", "", vars},
		{"unknown organisation", coordinator.AccessToken, "NOT_FOUND", "", with(vars, "org", "000000000000000000000000")},
		{"to before from", coordinator.AccessToken, "BAD_USER_INPUT", "to", with(vars, "to", today.AddDays(-1).String())},
		{"too many days", coordinator.AccessToken, "BAD_USER_INPUT", "to", with(vars, "to", today.AddDays(stats.MaxRows).String())},
		{"not a date", coordinator.AccessToken, "BAD_USER_INPUT", "from", with(vars, "from", "22.11.2026")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a.As(tt.token).Do(t, engagementStatsQuery, tt.vars).Fails(t, tt.code, tt.field)
		})
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for key, val := range m {
		if key != k {
			out[key] = val
		}
	}
	return out
}

func berlinTZ(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
