package calendar_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// fakeSignups answers like signup.Service.ConfirmedOf over a fixed list, and records the calls.
type fakeSignups struct {
	mu    sync.Mutex
	list  []signup.Signup
	froms []time.Time
}

func (f *fakeSignups) ConfirmedOf(_ context.Context, userID string, from time.Time) ([]signup.Signup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.froms = append(f.froms, from)
	var out []signup.Signup
	for _, su := range f.list {
		if su.UserID == userID && su.Status.HoldsPlace() && !su.ShiftEnd.Before(from) {
			out = append(out, su)
		}
	}
	return out, nil
}

// fakeCatalog serves fixed shifts and opportunities and counts the batch calls.
type fakeCatalog struct {
	mu                     sync.Mutex
	shifts                 map[string]opportunity.Shift
	opps                   map[string]opportunity.Opportunity
	shiftCalls, oppCalls   int
	shiftIDsSeen, oppsSeen []string
}

func (f *fakeCatalog) ShiftsByIDs(_ context.Context, ids []string) (map[string]opportunity.Shift, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shiftCalls++
	f.shiftIDsSeen = append(f.shiftIDsSeen, ids...)
	out := map[string]opportunity.Shift{}
	for _, id := range ids {
		if sh, ok := f.shifts[id]; ok {
			out[id] = sh
		}
	}
	return out, nil
}

func (f *fakeCatalog) ByIDs(_ context.Context, ids []string) (map[string]opportunity.Opportunity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.oppCalls++
	f.oppsSeen = append(f.oppsSeen, ids...)
	out := map[string]opportunity.Opportunity{}
	for _, id := range ids {
		if o, ok := f.opps[id]; ok {
			out[id] = o
		}
	}
	return out, nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func parse(t *testing.T, doc []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, doc)
	}
	return cal
}

func uids(cal *ics.Calendar) []string {
	var out []string
	for _, ev := range cal.Events() {
		out = append(out, ev.Id())
	}
	slices.Sort(out)
	return out
}

// world is one volunteer with two shifts of one task, a no-show on a third shift, and
// another volunteer's shift.
func world() (*fakeSignups, *fakeCatalog) {
	start := time.Date(2027, 10, 31, 0, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	end := time.Date(2027, 10, 31, 5, 30, 0, 0, time.FixedZone("CET", 3600))
	o := opportunity.Opportunity{ID: "op1", Title: "Nachtcafé", Mode: opportunity.ModeOnsite, Status: opportunity.StatusPublished,
		Location: &opportunity.Location{Address: "Kirchplatz 2, Köln"}}
	cat := &fakeCatalog{shifts: map[string]opportunity.Shift{}, opps: map[string]opportunity.Opportunity{"op1": o}}
	sig := &fakeSignups{}
	for i, st := range []struct {
		id, user string
		status   signup.Status
	}{{"su1", "u1", signup.Confirmed}, {"su2", "u1", signup.Attended}, {"su3", "u1", signup.NoShow}, {"su4", "u2", signup.Confirmed}} {
		sh := opportunity.Shift{ID: "sh" + st.id, OpportunityID: "op1", StartsAt: start.AddDate(0, 0, i).UTC(),
			EndsAt: end.AddDate(0, 0, i).UTC(), TimeZone: "Europe/Berlin", Status: opportunity.ShiftActive}
		cat.shifts[sh.ID] = sh
		sig.list = append(sig.list, signup.Signup{ID: st.id, ShiftID: sh.ID, OpportunityID: "op1", UserID: st.user,
			Status: st.status, ShiftStart: sh.StartsAt, ShiftEnd: sh.EndsAt})
	}
	return sig, cat
}

func TestFeedLifecycle(t *testing.T) {
	st := storetest.New(t)
	sig, cat := world()
	svc := calendar.NewService(st.CalendarFeeds(), sig, cat, quiet())
	ctx := t.Context()
	volunteer := auth.Actor{UserID: "u1", Locale: "de"}

	first, err := svc.Create(ctx, volunteer)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !strings.HasPrefix(first, "mwc_") || len(first) != 4+43 {
		t.Errorf("token = %q, want mwc_ and 43 base64url characters", first)
	}
	// Only the hash is stored, under the hash.
	sum := sha256.Sum256([]byte(first))
	f, err := st.CalendarFeeds().CalendarFeed(ctx, hex.EncodeToString(sum[:]))
	if err != nil || f.UserID != "u1" || f.CreatedAt.IsZero() {
		t.Errorf("stored feed = %+v, %v; want one of u1 under the token's SHA-256", f, err)
	}
	if _, err := st.CalendarFeeds().CalendarFeed(ctx, first); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("feed under the raw token: err = %v, want not found", err)
	}

	doc, err := svc.Render(ctx, first)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	cal := parse(t, doc)
	// su3 is a no-show and su4 belongs to someone else.
	if got, want := uids(cal), []string{"su1@mitwirken", "su2@mitwirken"}; !slices.Equal(got, want) {
		t.Errorf("UIDs = %v, want %v", got, want)
	}
	for _, ev := range cal.Events() {
		if ev.Id() != "su1@mitwirken" {
			continue
		}
		p := ev.GetProperty(ics.ComponentPropertyDtStart)
		if p.Value != "20271031T003000" || !slices.Equal(p.ICalParameters["TZID"], []string{"Europe/Berlin"}) {
			t.Errorf("DTSTART = %v %q, want TZID=Europe/Berlin:20271031T003000", p.ICalParameters, p.Value)
		}
		p = ev.GetProperty(ics.ComponentPropertyDtEnd)
		if p.Value != "20271031T053000" {
			t.Errorf("DTEND = %q, want 20271031T053000", p.Value)
		}
		if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != "Nachtcafé" {
			t.Errorf("SUMMARY = %v, want Nachtcafé", s)
		}
	}
	// One batch per kind, with each ID once; the window reaches 30 days back.
	if cat.shiftCalls != 1 || cat.oppCalls != 1 || len(cat.oppsSeen) != 1 {
		t.Errorf("catalog calls = %d shifts, %d opportunities (ids %v); want 1, 1 and one ID", cat.shiftCalls, cat.oppCalls, cat.oppsSeen)
	}
	if ago := time.Since(sig.froms[0]); ago < calendar.PastWindow || ago > calendar.PastWindow+time.Minute {
		t.Errorf("ConfirmedOf from %v ago, want %v", ago, calendar.PastWindow)
	}

	second, err := svc.Create(ctx, volunteer)
	if err != nil {
		t.Fatalf("Create again: %v", err)
	}
	if second == first {
		t.Fatal("second token equals the first")
	}
	if _, err := svc.Render(ctx, first); !errs.Is(err, errs.NotFound) {
		t.Errorf("Render(replaced token): err = %v, want NOT_FOUND", err)
	}
	if _, err := svc.Render(ctx, second); err != nil {
		t.Errorf("Render(new token): %v", err)
	}

	other, err := svc.Create(ctx, auth.Actor{UserID: "u2"})
	if err != nil {
		t.Fatal(err)
	}
	revoked, err := svc.Revoke(ctx, volunteer)
	if err != nil || !revoked {
		t.Errorf("Revoke = %v, %v; want true", revoked, err)
	}
	if _, err := svc.Render(ctx, second); !errs.Is(err, errs.NotFound) {
		t.Errorf("Render(revoked token): err = %v, want NOT_FOUND", err)
	}
	if revoked, err := svc.Revoke(ctx, volunteer); err != nil || revoked {
		t.Errorf("Revoke again = %v, %v; want false", revoked, err)
	}
	// Another user's feed is untouched and shows only their shift.
	doc, err = svc.Render(ctx, other)
	if err != nil {
		t.Fatalf("Render(other): %v", err)
	}
	if got := uids(parse(t, doc)); !slices.Equal(got, []string{"su4@mitwirken"}) {
		t.Errorf("other user's UIDs = %v, want [su4@mitwirken]", got)
	}
}

func TestAnonymousActorIsRefused(t *testing.T) {
	st := storetest.New(t)
	sig, cat := world()
	svc := calendar.NewService(st.CalendarFeeds(), sig, cat, quiet())
	if _, err := svc.Create(t.Context(), auth.Actor{}); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("Create(anonymous): err = %v, want UNAUTHENTICATED", err)
	}
	if _, err := svc.Revoke(t.Context(), auth.Actor{}); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("Revoke(anonymous): err = %v, want UNAUTHENTICATED", err)
	}
}

func TestRenderUnknownTokens(t *testing.T) {
	st := storetest.New(t)
	sig, cat := world()
	svc := calendar.NewService(st.CalendarFeeds(), sig, cat, quiet())
	for _, tok := range []string{"", "mwc_", "mwc_" + strings.Repeat("A", 43), "mwr_" + strings.Repeat("A", 43), "../../etc/passwd"} {
		if _, err := svc.Render(t.Context(), tok); !errs.Is(err, errs.NotFound) {
			t.Errorf("Render(%q): err = %v, want NOT_FOUND", tok, err)
		}
	}
}

// TestRenderFromStore runs the feed over the real repositories: what the store gives back
// (times, zone, statuses, link) must come out right.
func TestRenderFromStore(t *testing.T) {
	st := storetest.New(t)
	ctx := t.Context()
	opps := st.Opportunities()
	now := time.Now()

	online := opportunity.Opportunity{OrganisationID: "org", Title: "Hausaufgabenhilfe online", Mode: opportunity.ModeOnline,
		Status: opportunity.StatusPublished, OnlineURL: "https://meet.example.org/hausaufgaben", CreatedAt: now}
	if err := opps.Insert(ctx, &online); err != nil {
		t.Fatal(err)
	}
	onsite := opportunity.Opportunity{OrganisationID: "org", Title: "Nachtcafé", Mode: opportunity.ModeOnsite,
		Status: opportunity.StatusPublished, Location: &opportunity.Location{Address: "Kirchplatz 2, Köln"}, CreatedAt: now}
	if err := opps.Insert(ctx, &onsite); err != nil {
		t.Fatal(err)
	}
	shift := func(o opportunity.Opportunity, start, end time.Time, status opportunity.ShiftStatus) opportunity.Shift {
		sh := opportunity.Shift{OpportunityID: o.ID, OrganisationID: "org", StartsAt: start, EndsAt: end,
			TimeZone: "Europe/Berlin", Capacity: 5, Status: status, CreatedAt: now}
		if err := opps.InsertShift(ctx, &sh); err != nil {
			t.Fatal(err)
		}
		return sh
	}
	dst := shift(onsite, time.Date(2027, 10, 30, 22, 30, 0, 0, time.UTC), time.Date(2027, 10, 31, 4, 30, 0, 0, time.UTC), opportunity.ShiftActive)
	called := shift(onsite, time.Date(2027, 11, 5, 17, 0, 0, 0, time.UTC), time.Date(2027, 11, 5, 20, 0, 0, 0, time.UTC), opportunity.ShiftCancelled)
	link := shift(online, time.Date(2027, 6, 1, 16, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC), opportunity.ShiftActive)
	recent := shift(onsite, now.Add(-10*24*time.Hour), now.Add(-10*24*time.Hour+time.Hour), opportunity.ShiftActive)
	old := shift(onsite, now.Add(-40*24*time.Hour), now.Add(-40*24*time.Hour+time.Hour), opportunity.ShiftActive)
	waiting := shift(online, time.Date(2027, 6, 2, 16, 0, 0, 0, time.UTC), time.Date(2027, 6, 2, 17, 0, 0, 0, time.UTC), opportunity.ShiftActive)
	missed := shift(onsite, now.Add(-5*24*time.Hour), now.Add(-5*24*time.Hour+time.Hour), opportunity.ShiftActive)

	repo := st.Signups()
	for _, c := range []struct {
		id     string
		sh     opportunity.Shift
		status signup.Status
	}{
		{"dst", dst, signup.Confirmed}, {"called", called, signup.Confirmed}, {"link", link, signup.Confirmed},
		{"recent", recent, signup.Attended}, {"old", old, signup.Attended}, {"waiting", waiting, signup.Waitlisted},
		{"missed", missed, signup.NoShow},
	} {
		su := signup.Signup{ID: c.id, ShiftID: c.sh.ID, OpportunityID: c.sh.OpportunityID, OrganisationID: "org", UserID: "u1",
			Status: c.status, ShiftStart: c.sh.StartsAt, ShiftEnd: c.sh.EndsAt, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
		switch {
		case c.status == signup.Waitlisted:
			su.WaitRank = 1
		case c.status.HoldsPlace():
			su.Seat = 1
		}
		if err := repo.Insert(ctx, su); err != nil {
			t.Fatalf("insert signup %s: %v", c.id, err)
		}
	}

	signups := signup.NewService(repo, nil, nil, nil, quiet(), signup.Config{})
	catalog := opportunity.NewService(opps, nil, nil, quiet())
	svc := calendar.NewService(st.CalendarFeeds(), signups, catalog, quiet())
	token, err := svc.Create(ctx, auth.Actor{UserID: "u1", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := svc.Render(ctx, token)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	cal := parse(t, doc)
	want := []string{"called@mitwirken", "dst@mitwirken", "link@mitwirken", "recent@mitwirken"}
	if got := uids(cal); !slices.Equal(got, want) {
		t.Fatalf("UIDs = %v, want %v", got, want)
	}
	for _, ev := range cal.Events() {
		get := func(p ics.ComponentProperty) string {
			if pr := ev.GetProperty(p); pr != nil {
				return ics.FromText(pr.Value)
			}
			return ""
		}
		switch ev.Id() {
		case "dst@mitwirken":
			start := ev.GetProperty(ics.ComponentPropertyDtStart)
			if start.Value != "20271031T003000" || !slices.Equal(start.ICalParameters["TZID"], []string{"Europe/Berlin"}) || get(ics.ComponentPropertyDtEnd) != "20271031T053000" {
				t.Errorf("dst: DTSTART %v %s, DTEND %s; want TZID=Europe/Berlin 00:30 to 05:30", start.ICalParameters, start.Value, get(ics.ComponentPropertyDtEnd))
			}
			if get(ics.ComponentPropertyLocation) != "Kirchplatz 2, Köln" || get(ics.ComponentPropertySummary) != "Nachtcafé" {
				t.Errorf("dst: LOCATION %q, SUMMARY %q", get(ics.ComponentPropertyLocation), get(ics.ComponentPropertySummary))
			}
		case "called@mitwirken":
			if get(ics.ComponentPropertyStatus) != "CANCELLED" {
				t.Errorf("called: STATUS = %q, want CANCELLED", get(ics.ComponentPropertyStatus))
			}
		case "link@mitwirken":
			if get(ics.ComponentPropertyUrl) != online.OnlineURL || !strings.Contains(get(ics.ComponentPropertyDescription), online.OnlineURL) {
				t.Errorf("link: URL %q, DESCRIPTION %q; want the online link in both", get(ics.ComponentPropertyUrl), get(ics.ComponentPropertyDescription))
			}
			if get(ics.ComponentPropertyDtStart) != "20270601T180000" {
				t.Errorf("link: DTSTART = %q, want 20270601T180000 (summer time)", get(ics.ComponentPropertyDtStart))
			}
		}
	}
}
