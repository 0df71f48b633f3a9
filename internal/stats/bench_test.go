package stats_test

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

var benchEvents = flag.Int("bench.statevents", 200_000, "engagement events in the log for the statistics benchmarks")

// benchLog is a year of activity: 20 organisations, 2,000 volunteers, every kind the job
// counts, with hours and meetings.
func benchLog(n int, seed int) []engagement.Event {
	kinds := []engagement.Kind{engagement.SignedUp, engagement.SignedUp, engagement.Attended, engagement.NoShow,
		engagement.HoursConfirmed, engagement.MeetingAttended, engagement.ModuleCompleted, engagement.GroupJoined,
		engagement.Cancelled, engagement.Waitlisted}
	start := time.Date(2025, 11, 23, 0, 0, 0, 0, time.UTC)
	out := make([]engagement.Event, n)
	for i := range out {
		j := i*7919 + seed
		e := engagement.Event{Kind: kinds[j%len(kinds)], At: start.Add(time.Duration(j%(365*24*60)) * time.Minute),
			UserID: fmt.Sprintf("user%04d", j%2000), OrganisationID: fmt.Sprintf("org%02d", j%20)}
		switch e.Kind {
		case engagement.HoursConfirmed:
			e.Hours = float64(j%6) + 0.5
		case engagement.MeetingAttended:
			e.Count = j % 9
		}
		out[i] = e
	}
	return out
}

// seedLog writes history into the event log (not into the queue of new events).
func seedLog(b *testing.B, st *store.Store, events []engagement.Event) {
	b.Helper()
	if err := st.Bulk().Events(b.Context(), events); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStatsFullLog measures the first run of the statistics job over -bench.statevents
// events (200,000: a year of 20 organisations) on the embedded store. Target: 30 s. Run with
// -benchtime=1x.
func BenchmarkStatsFullLog(b *testing.B) {
	st := storetest.New(b)
	seedLog(b, st, benchLog(*benchEvents, 0))
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := st.Outbox().SetWatermark(b.Context(), stats.WatermarkName, ""); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := newJob(st).Run(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "events/op")
	}
}

// BenchmarkStatsIncremental measures a run of the job that finds 1,000 new events (a tenth of
// them late: about periods computed long ago) after a log of -bench.statevents events has been
// folded. Target: 2 s. Run with -benchtime=1x or a few iterations.
func BenchmarkStatsIncremental(b *testing.B) {
	st := storetest.New(b)
	seedLog(b, st, benchLog(*benchEvents, 0))
	job := newJob(st)
	if _, err := job.Run(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		fresh := benchLog(1000, 1+i)
		for k := range fresh {
			if k%10 != 0 {
				fresh[k].At = time.Now().Add(-time.Duration(k) * time.Minute)
			}
		}
		if err := st.Events().AppendEvents(b.Context(), fresh...); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := job.Run(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if n != 1000 {
			b.Fatalf("read %d events, want 1000", n)
		}
	}
}

// BenchmarkStatsTable measures engagementStats for a year of weeks of one organisation, after
// the full log has been folded: every query computes the suppression over the organisation's
// whole history.
func BenchmarkStatsTable(b *testing.B) {
	st := storetest.New(b)
	seedLog(b, st, benchLog(*benchEvents, 0))
	if _, err := newJob(st).Run(b.Context()); err != nil {
		b.Fatal(err)
	}
	svc := stats.NewService(st.Stats(), allow{}, 5)
	from, _ := stats.ParseDate("2025-11-23")
	to, _ := stats.ParseDate("2026-11-22")
	b.ResetTimer()
	for range b.N {
		if _, err := svc.Table(b.Context(), auth.Actor{UserID: "x"}, "org07", from, to, stats.Week); err != nil {
			b.Fatal(err)
		}
	}
}
