package store_test

import (
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func schedRun(at time.Time) schedule.Run {
	return schedule.Run{Job: "deliver", Owner: "w", Lease: "deliver@1#0", StartedAt: at, EndedAt: at.Add(time.Second), Items: 3}
}

func TestRecentRunsNewestFirst(t *testing.T) {
	s := storetest.New(t)
	runs := s.JobRuns()
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for i := range 3 {
		r := schedRun(base.Add(time.Duration(i) * time.Minute))
		if i == 2 {
			r.Job, r.Error = "remind", "boom"
		}
		if err := runs.RecordRun(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	all, err := runs.RecentRuns(t.Context(), "", 2)
	if err != nil || len(all) != 2 || all[0].Job != "remind" || all[0].Error != "boom" || !all[1].StartedAt.Equal(base.Add(time.Minute)) {
		t.Fatalf("RecentRuns(all, 2) = %+v, %v", all, err)
	}
	one, err := runs.RecentRuns(t.Context(), "deliver", 0)
	if err != nil || len(one) != 2 || one[0].Items != 3 || one[0].Lease != "deliver@1#0" {
		t.Fatalf("RecentRuns(deliver) = %+v, %v", one, err)
	}
}
