package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func TestNoticesFollowTheEventLogOnce(t *testing.T) {
	procs := processes(t, 2)
	st := procs[0]
	// The event log's IDs carry the real time; so does the job's clock here.
	c := newClock(time.Now())
	f := newFixture(t, st, "Sommerfest")
	before := c.Now().AddDate(0, -1, 0)
	shA := f.shift(c.Now().Add(48 * time.Hour))
	shB := f.shift(c.Now().Add(72 * time.Hour))

	promoted := f.user("prom@example.org", account.LocaleEN)
	f.signup(shA, promoted, 1, signup.Confirmed, before)
	// Signed up for both shifts: one notice when the opportunity is cancelled.
	both := f.user("both@example.org", account.LocaleDE)
	f.signup(shA, both, 2, signup.Confirmed, before)
	f.signup(shB, both, 1, signup.Confirmed, before)
	waiting := f.user("wait@example.org", account.LocaleDE)
	f.signup(shB, waiting, 0, signup.Waitlisted, before)
	gone := f.user("gone@example.org", account.LocaleDE)
	f.signup(shB, gone, 0, signup.Cancelled, before)

	var reason string = "Das Wetter"
	if _, err := st.Opportunities().UpdateShift(t.Context(), shB.ID, func(sh *opportunity.Shift) error {
		sh.Status, sh.StatusReason = opportunity.ShiftCancelled, reason
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	events := st.Events()
	if err := events.AppendEvents(t.Context(),
		engagement.Event{Kind: engagement.Promoted, At: time.Now(), UserID: promoted, OrganisationID: "org-1", OpportunityID: f.opp.ID, ShiftID: shA.ID},
		engagement.Event{Kind: engagement.ShiftCancelled, At: time.Now(), ActorID: "coord", OrganisationID: "org-1", OpportunityID: f.opp.ID, ShiftID: shB.ID},
		engagement.Event{Kind: engagement.SignedUp, At: time.Now(), UserID: gone, ShiftID: shB.ID},
	); err != nil {
		t.Fatal(err)
	}
	j := jobs(st, nil, "w", c)
	// PROMOTED: 1 user; SHIFT_CANCELLED: both and waiting (not the cancelled signup); two
	// channels each.
	if n, err := j.Notices.Run(t.Context()); err != nil || n != 3 {
		t.Fatalf("first run created %d (%v), want 3", n, err)
	}
	if err := events.AppendEvents(t.Context(), engagement.Event{Kind: engagement.OpportunityCancelled, At: time.Now(), ActorID: "coord",
		OrganisationID: "org-1", OpportunityID: f.opp.ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := j.Notices.Run(t.Context()); err != nil || n != 3 {
		t.Fatalf("second run created %d (%v), want 3 (promoted, both, waiting)", n, err)
	}
	// Again, in this process and in another one that starts from the watermark.
	for i, nt := range []*notify.Notices{j.Notices, jobs(procs[1], nil, "w2", c).Notices} {
		if n, err := nt.Run(t.Context()); err != nil || n != 0 {
			t.Fatalf("re-run %d created %d (%v), want 0", i, n, err)
		}
	}

	inbox := notify.NewInbox(st.Outbox(), st.Outbox(), notify.InboxConfig{}, quiet)
	got := map[string][]notify.Notification{}
	for _, u := range []string{promoted, both, waiting, gone} {
		page, err := inbox.List(t.Context(), u, 10, "", false)
		if err != nil {
			t.Fatal(err)
		}
		got[u] = page.Items
	}
	kinds := func(ns []notify.Notification) []notify.Kind {
		var out []notify.Kind
		for _, n := range ns {
			out = append(out, n.Kind)
		}
		return out
	}
	for u, want := range map[string][]notify.Kind{
		promoted: {notify.OpportunityCancelled, notify.Promoted},
		both:     {notify.OpportunityCancelled, notify.ShiftCancelled},
		waiting:  {notify.OpportunityCancelled, notify.ShiftCancelled},
		gone:     nil,
	} {
		if g := kinds(got[u]); len(g) != len(want) || (len(g) > 0 && (g[0] != want[0] || g[1] != want[1])) {
			t.Errorf("notices of %s = %v, want %v (newest first)", u, g, want)
		}
	}
	if ns := got[promoted]; len(ns) == 2 && (ns[1].Title != "You have a place: Sommerfest" || !strings.Contains(ns[1].Body, "You were on the waiting list")) {
		t.Errorf("promotion notice = %q / %q", ns[1].Title, ns[1].Body)
	}
	if ns := got[both]; len(ns) == 2 && !strings.Contains(ns[1].Body, "Die Organisation schreibt dazu: "+reason) {
		t.Errorf("shift cancellation notice lacks the reason: %q", ns[1].Body)
	}
}
