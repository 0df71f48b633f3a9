package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/store"
)

// dueReminders seeds volunteers whose reminders are due at the clock's time (10:00 on a
// Friday in Berlin): n for a shift tomorrow at 09:30 (24 h reminder) and n for one today at
// 11:30 (2 h reminder), plus some for a shift in three days (nothing due). It returns the
// e-mail message IDs that must be delivered.
func dueReminders(t testing.TB, st *store.Store, n int) []string {
	t.Helper()
	f := newFixture(t, st, "Ausgabe an der Tafel")
	before := time.Date(2030, 4, 1, 12, 0, 0, 0, berlin)
	_, day := f.volunteers(f.shift(time.Date(2030, 5, 4, 9, 30, 0, 0, berlin)), "day", n, before)
	_, soon := f.volunteers(f.shift(time.Date(2030, 5, 3, 11, 30, 0, 0, berlin)), "soo", n, before)
	f.volunteers(f.shift(time.Date(2030, 5, 6, 10, 0, 0, 0, berlin)), "lat", 3, before)
	var want []string
	for _, id := range day {
		want = append(want, notify.MessageID(notify.ReminderKey(id, 24*time.Hour), notify.Email))
	}
	for _, id := range soon {
		want = append(want, notify.MessageID(notify.ReminderKey(id, 2*time.Hour), notify.Email))
	}
	return want
}

var friday10 = time.Date(2030, 5, 3, 10, 0, 0, 0, berlin)

// assertDeliveredOnce checks that the server received exactly the messages, once each, and
// that the outbox says so.
func assertDeliveredOnce(t *testing.T, srv *mailtest.Server, svc *notify.Service, s interface{ MessageID(string) string }, want []string) {
	t.Helper()
	got := srv.ByMessageID()
	for _, id := range want {
		if n := got["<"+s.MessageID(id)+">"]; n != 1 {
			t.Errorf("%s received %d times, want once", id, n)
		}
		m, err := svc.Message(context.Background(), id)
		if err != nil {
			t.Errorf("Message(%s): %v", id, err)
			continue
		}
		if m.Status != notify.Sent || m.Attempts != 1 {
			t.Errorf("%s: status %s after %d attempts, want SENT after 1", id, m.Status, m.Attempts)
		}
	}
	if srv.Count() != len(want) {
		t.Errorf("server received %d messages, want %d", srv.Count(), len(want))
	}
}

func TestTwoWorkersAndARerunDeliverEveryReminderOnce(t *testing.T) {
	procs := processes(t, 3)
	srv := mailtest.Start(t)
	c := newClock(friday10)
	want := dueReminders(t, procs[0], 20)

	runner := func(i int) *schedule.Runner {
		st := procs[i]
		owner := fmt.Sprintf("worker-%d", i)
		r, err := schedule.NewRunner(t.Context(), schedule.Jobs(schedule.Platform{Notify: jobs(st, sender(t, srv), owner, c),
			Leases: st.Leases(), Runs: st.JobRuns()}), quiet,
			schedule.WithLeases(lease.NewManager(st.Leases(), owner, quiet, lease.WithSlot(2*time.Second))), schedule.WithRunLog(st.JobRuns()))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	var wg sync.WaitGroup
	for i := range 2 {
		r := runner(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				for _, job := range []string{schedule.JobReminders, schedule.JobDeliver, schedule.JobNotices} {
					if _, err := r.RunOnce(t.Context(), job, 30*time.Second); err != nil {
						t.Errorf("worker %d: %s: %v", i, job, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	// A re-run by a third process, as an operator would do with `worker run`.
	r := runner(2)
	for _, job := range []string{schedule.JobReminders, schedule.JobDeliver} {
		if _, err := r.RunOnce(t.Context(), job, 30*time.Second); err != nil {
			t.Fatalf("re-run %s: %v", job, err)
		}
	}
	svc := jobs(procs[2], nil, "reader", c).Service
	assertDeliveredOnce(t, srv, svc, sender(t, srv), want)

	// The run log shows one run of a job at a time.
	runs, err := procs[0].JobRuns().RecentRuns(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	byJob := map[string][]schedule.Run{}
	for _, run := range runs {
		if run.Error != "" {
			t.Errorf("run of %s by %s failed: %s", run.Job, run.Owner, run.Error)
		}
		byJob[run.Job] = append(byJob[run.Job], run)
	}
	if len(byJob[schedule.JobDeliver]) != 7 {
		t.Errorf("%d delivery runs recorded, want 7", len(byJob[schedule.JobDeliver]))
	}
	for job, rs := range byJob {
		slices.SortFunc(rs, func(a, b schedule.Run) int { return a.StartedAt.Compare(b.StartedAt) })
		for i := 1; i < len(rs); i++ {
			if rs[i].StartedAt.Before(rs[i-1].EndedAt) {
				t.Errorf("%s: a run by %s began at %v, before the run by %s ended at %v", job, rs[i].Owner,
					rs[i].StartedAt, rs[i-1].Owner, rs[i-1].EndedAt)
			}
		}
	}
}

func TestDeliverersRacingWithoutLeasesSendOnce(t *testing.T) {
	procs := processes(t, 3)
	srv := mailtest.Start(t)
	c := newClock(friday10)
	want := dueReminders(t, procs[0], 30)
	if _, err := jobs(procs[0], nil, "creator", c).Reminders.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	// No lease: only the attempt claims stand between three deliverers and duplicates.
	var wg sync.WaitGroup
	for i, st := range procs {
		d := jobs(st, sender(t, srv), fmt.Sprintf("d%d", i), c).Delivery
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := d.Run(t.Context()); err != nil {
					t.Errorf("deliverer %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	// Items claimed by a rival are left in the queue until they are old; a later run, past
	// the sending timeout, settles them without sending.
	c.Add(20 * time.Minute)
	if _, err := jobs(procs[0], sender(t, srv), "late", c).Delivery.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertDeliveredOnce(t, srv, jobs(procs[0], nil, "r", c).Service, sender(t, srv), want)
	if b, err := procs[0].Outbox().Batches(t.Context()); err != nil || len(b) != 0 {
		t.Errorf("queue after delivery: %d batches (%v), want none", len(b), err)
	}
}

func TestACrashBetweenSendAndRecordSendsNothingTwice(t *testing.T) {
	procs := processes(t, 2)
	srv := mailtest.Start(t)
	c := newClock(friday10)
	want := dueReminders(t, procs[0], 5)
	if _, err := jobs(procs[0], nil, "creator", c).Reminders.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	crashing := notify.NewDelivery(procs[0].Outbox(), procs[0].Accounts(), procs[0].Outbox(), sender(t, srv),
		notify.DeliveryConfig{Owner: "crashing", AfterSend: func(context.Context, []string) error { return errors.New("power cut") }}, quiet)
	crashing.SetClock(c.Now)
	if _, err := crashing.Run(t.Context()); err == nil {
		t.Fatal("the crashing run reported no error")
	}
	if srv.Count() != len(want) {
		t.Fatalf("server received %d messages before the crash, want %d", srv.Count(), len(want))
	}

	other := jobs(procs[1], sender(t, srv), "other", c)
	for _, advance := range []time.Duration{0, time.Minute, 20 * time.Minute} {
		c.Add(advance)
		n, err := other.Delivery.Run(t.Context())
		if err != nil || n != 0 {
			t.Fatalf("re-run %v later: sent %d, err %v; want none", advance, n, err)
		}
	}
	if srv.Count() != len(want) {
		t.Fatalf("server received %d messages after the re-runs, want %d", srv.Count(), len(want))
	}
	for _, id := range want {
		m, err := other.Service.Message(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != notify.Failed || m.Attempts != 1 || !strings.Contains(m.LastError, "interrupted") {
			t.Errorf("%s: status %s, %d attempts, error %q; want FAILED (interrupted) after 1", id, m.Status, m.Attempts, m.LastError)
		}
	}
}

func TestAMessageLeftSendingIsNotResentBeforeTheTimeout(t *testing.T) {
	procs := processes(t, 1)
	srv := mailtest.Start(t)
	c := newClock(friday10)
	want := dueReminders(t, procs[0], 2)
	j := jobs(procs[0], sender(t, srv), "w", c)
	if _, err := j.Reminders.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Someone claimed the first attempts and has not finished.
	var claims []notify.Attempt
	for _, id := range want {
		claims = append(claims, notify.Attempt{ID: notify.AttemptID(id, 1), MessageID: id, N: 1, Owner: "busy", StartedAt: c.Now()})
	}
	if _, err := procs[0].Outbox().InsertAttempts(t.Context(), claims); err != nil {
		t.Fatal(err)
	}
	c.Add(5 * time.Minute)
	if n, err := j.Delivery.Run(t.Context()); err != nil || n != 0 {
		t.Fatalf("Run = %d, %v; want nothing sent", n, err)
	}
	m, err := j.Service.Message(t.Context(), want[0])
	if err != nil || m.Status != notify.Sending {
		t.Fatalf("status = %s (%v), want SENDING", m.Status, err)
	}
	if srv.Count() != 0 {
		t.Fatalf("server received %d messages, want none", srv.Count())
	}
}

func TestTemporaryFailuresAreRetriedWithBackoffAndPermanentOnesRecorded(t *testing.T) {
	procs := processes(t, 1)
	srv := mailtest.Start(t)
	c := newClock(friday10)
	st := procs[0]
	f := newFixture(t, st, "Tafel")
	sh := f.shift(time.Date(2030, 5, 3, 11, 30, 0, 0, berlin))
	before := time.Date(2030, 4, 1, 0, 0, 0, 0, berlin)
	ids := map[string]string{}
	for i, who := range []string{"okay", "busy", "gone"} {
		ids[who] = f.signup(sh, f.user(who+"@example.org", "de"), i+1, "CONFIRMED", before)
	}
	busyReplies := 2
	var mu sync.Mutex
	srv.Reject(func(to string) error {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasPrefix(to, "busy@") && busyReplies > 0:
			busyReplies--
			return mailtest.Temporary("mailbox busy")
		case strings.HasPrefix(to, "gone@"):
			return mailtest.Permanent("no such user")
		}
		return nil
	})
	j := jobs(st, sender(t, srv), "w", c)
	if _, err := j.Reminders.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	msg := func(who string) notify.Message {
		t.Helper()
		m, err := j.Service.Message(t.Context(), notify.MessageID(notify.ReminderKey(ids[who], 2*time.Hour), notify.Email))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	step := func(advance time.Duration, wantSent int64) {
		t.Helper()
		c.Add(advance)
		n, err := j.Delivery.Run(t.Context())
		if err != nil || n != wantSent {
			t.Fatalf("after %v: sent %d, err %v; want %d", advance, n, err, wantSent)
		}
	}
	step(0, 1)
	if m := msg("busy"); m.Status != notify.Pending || m.Attempts != 1 {
		t.Errorf("busy after one 451: %s after %d attempts, want PENDING after 1", m.Status, m.Attempts)
	}
	if m := msg("gone"); m.Status != notify.Failed || !strings.Contains(m.LastError, "550") {
		t.Errorf("gone after a 550: %s (%q), want FAILED naming the reply", m.Status, m.LastError)
	}
	step(30*time.Second, 0) // the first backoff is a minute
	step(30*time.Second, 0) // second 451; next wait two minutes
	if m := msg("busy"); m.Status != notify.Pending || m.Attempts != 2 {
		t.Errorf("busy after two 451s: %s after %d attempts, want PENDING after 2", m.Status, m.Attempts)
	}
	step(time.Minute, 0)
	step(time.Minute, 1)
	if m := msg("busy"); m.Status != notify.Sent || m.Attempts != 3 {
		t.Errorf("busy: %s after %d attempts, want SENT after 3", m.Status, m.Attempts)
	}
	if srv.Count() != 2 {
		t.Errorf("server received %d messages, want 2", srv.Count())
	}
	if m := msg("okay"); m.Status != notify.Sent || m.Attempts != 1 {
		t.Errorf("okay: %s after %d attempts", m.Status, m.Attempts)
	}
}

func TestARetryNeverFallsIntoQuietHours(t *testing.T) {
	procs := processes(t, 1)
	srv := mailtest.Start(t)
	st := procs[0]
	// A shift on Sunday at 21:30: its 24 h reminder is due on Saturday at 21:30, in quiet
	// hours, so it goes out at 20:59.
	c := newClock(time.Date(2030, 5, 4, 20, 59, 0, 0, berlin))
	f := newFixture(t, st, "Nachtcafé")
	sh := f.shift(time.Date(2030, 5, 5, 21, 30, 0, 0, berlin))
	su := f.signup(sh, f.user("busy@example.org", "de"), 1, "CONFIRMED", time.Date(2030, 4, 1, 0, 0, 0, 0, berlin))
	srv.Reject(func(string) error { return mailtest.Temporary("try later") })
	j := jobs(st, sender(t, srv), "w", c)
	if n, err := j.Reminders.Run(t.Context()); err != nil || n != 1 {
		t.Fatalf("Reminders.Run = %d, %v; want 1", n, err)
	}
	if _, err := j.Delivery.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	batches, err := st.Outbox().Batches(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var next []notify.Item
	for _, b := range batches {
		next = append(next, b.Items...)
	}
	if len(next) != 1 {
		t.Fatalf("queue holds %d items, want the retry", len(next))
	}
	wantID := notify.MessageID(notify.ReminderKey(su, 24*time.Hour), notify.Email)
	if it := next[0]; it.Message.ID != wantID || it.Attempt != 2 || !it.DueAt.Equal(time.Date(2030, 5, 5, 8, 0, 0, 0, berlin)) {
		t.Fatalf("retry = %s attempt %d at %v, want %s attempt 2 at 08:00 on Sunday", it.Message.ID, it.Attempt, it.DueAt.In(berlin), wantID)
	}
}

func TestEmailWaitsWhileSMTPIsNotConfigured(t *testing.T) {
	procs := processes(t, 1)
	c := newClock(friday10)
	want := dueReminders(t, procs[0], 2)
	j := jobs(procs[0], nil, "w", c)
	if _, err := j.Reminders.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := j.Delivery.Run(t.Context()); err != nil || n != 0 {
			t.Fatalf("Run = %d, %v; want 0 and no error", n, err)
		}
	}
	for _, id := range want {
		m, err := j.Service.Message(t.Context(), id)
		if err != nil || m.Status != notify.Pending || m.Attempts != 0 {
			t.Fatalf("%s: %s after %d attempts (%v), want PENDING", id, m.Status, m.Attempts, err)
		}
	}
	if _, err := j.Service.Message(t.Context(), "no-such-message"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("unknown message: err = %v, want not found", err)
	}
}
