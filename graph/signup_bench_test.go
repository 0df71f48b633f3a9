package graph_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/graph"
)

// BenchmarkSignupRace measures the 500-way race of issue 3 on the embedded store through the
// real HTTP handler: 500 volunteers sign up for one shift of 20 places at the same moment.
// Each iteration uses a fresh shift. Reported: p50 and p99 latency of one signUp, and the
// wall time of the whole race.
//
//	go test -run '^$' -bench SignupRace -benchtime 10x ./graph/
func BenchmarkSignupRace(b *testing.B) {
	a := newAPI(b, func(o *graph.Options) { o.RequestTimeout = time.Minute })
	a.HTTP = manyConnections
	f := newFixture(b, a, nil)
	f.addShift(b, a, time.Now().Add(24*time.Hour), time.Hour, 20)
	f.publish(b, a)
	const n = 500
	tokens := a.volunteers(b, n)

	var all []time.Duration
	var races []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		shiftID := f.addShift(b, a, time.Now().Add(time.Duration(48+i)*time.Hour), time.Hour, 20)
		latencies := make([]time.Duration, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for v := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				a.As(tokens[v]).Do(b, `mutation($s: ID!) { signUp(shiftId: $s) { signup { id status waitlistPosition } } }`,
					map[string]any{"s": shiftID}).OK(b, nil)
				latencies[v] = time.Since(t0)
			}()
		}
		b.StartTimer()
		t0 := time.Now()
		close(start)
		wg.Wait()
		races = append(races, time.Since(t0))
		all = append(all, latencies...)
	}
	b.StopTimer()
	slices.Sort(all)
	slices.Sort(races)
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(races[len(races)/2].Microseconds())/1000, "race-ms")
}
