package notify_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

var (
	benchReminders = flag.Int("bench.reminders", 20_000, "due reminders in BenchmarkDeliverDueReminders")
	benchEvents    = flag.Int("bench.events", 20_000, "engagement events in the log for the notice job's idle run")
)

// BenchmarkDeliverDueReminders seeds -bench.reminders volunteers, each confirmed for a shift
// whose 2 h reminder is due, on the embedded store, then measures the pipeline once (run
// with -benchtime=1x): the reminder job creating the messages, and the delivery job sending
// the e-mails to an SMTP server in the process. It also measures the idle runs that follow,
// which scan the signups and the event log on the embedded store.
func BenchmarkDeliverDueReminders(b *testing.B) {
	n := *benchReminders
	procs := processes(b, 1)
	st := procs[0]
	srv := mailtest.Start(b)
	ctx := context.Background()
	c := newClock(friday10)

	seedStart := time.Now()
	f := newFixture(b, st, "Ausgabe an der Tafel")
	const perShift = 500
	var shifts []opportunity.Shift
	for range (n + perShift - 1) / perShift {
		shifts = append(shifts, f.shift(time.Date(2030, 5, 3, 11, 30, 0, 0, berlin)))
	}
	before := time.Date(2030, 4, 1, 0, 0, 0, 0, berlin)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error {
			u := account.User{Email: fmt.Sprintf("v%06d@example.org", i), DisplayName: fmt.Sprintf("V %d", i), PasswordHash: "x",
				Locale: []account.Locale{account.LocaleDE, account.LocaleEN}[i%2], CreatedAt: before}
			if err := st.Accounts().InsertUser(gctx, &u); err != nil {
				return err
			}
			sh := shifts[i/perShift]
			return st.Signups().Insert(gctx, signup.Signup{ID: st.Signups().NewID(), ShiftID: sh.ID, OpportunityID: sh.OpportunityID,
				OrganisationID: sh.OrganisationID, UserID: u.ID, Status: signup.Confirmed, Seat: i%perShift + 1, ShiftStart: sh.StartsAt,
				ShiftEnd: sh.EndsAt, CreatedBy: u.ID, CreatedAt: before, UpdatedAt: before})
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	for start := 0; start < *benchEvents; start += 500 {
		var batch []engagement.Event
		for i := start; i < min(start+500, *benchEvents); i++ {
			batch = append(batch, engagement.Event{Kind: engagement.SignedUp, At: time.Now(), UserID: fmt.Sprint(i), ShiftID: shifts[0].ID})
		}
		if err := st.Events().AppendEvents(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d users, signups and %d events in %v", n, *benchEvents, time.Since(seedStart).Round(time.Millisecond))

	j := jobs(st, sender(b, srv), "bench", c)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		created, err := j.Reminders.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		createTime := time.Since(start)
		start = time.Now()
		sent, err := j.Delivery.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		deliverTime := time.Since(start)
		b.StopTimer()
		if created != int64(n) || sent != int64(n) || srv.Count() != n {
			b.Fatalf("created %d, sent %d, server received %d; want %d each", created, sent, srv.Count(), n)
		}
		b.ReportMetric(createTime.Seconds(), "create-s")
		b.ReportMetric(deliverTime.Seconds(), "deliver-s")
		b.ReportMetric(float64(n)/deliverTime.Seconds(), "mails/s")
		b.Logf("%d reminders: created in %v, delivered in %v (%.0f e-mails/s)", n, createTime.Round(time.Millisecond),
			deliverTime.Round(time.Millisecond), float64(n)/deliverTime.Seconds())

		// What the frequent jobs cost afterwards, when there is nothing to do.
		for _, job := range []struct {
			name string
			run  func(context.Context) (int64, error)
		}{
			{"delivery (empty queue)", j.Delivery.Run},
			{"reminders (all handled; scans the signups)", j.Reminders.Run},
			{"reminders in a fresh process (reads the stored reminder IDs once)", jobs(st, nil, "fresh", c).Reminders.Run},
			{"notices (scans the event log)", j.Notices.Run},
		} {
			start := time.Now()
			if m, err := job.run(ctx); err != nil || m != 0 {
				b.Fatalf("%s: %d, %v", job.name, m, err)
			}
			b.Logf("idle run of %s: %v", job.name, time.Since(start).Round(time.Millisecond))
		}
		b.StartTimer()
		break // the seeded reminders are delivered; one round is the measurement
	}
}
