package stats

import "context"

var measureNames = [nMeasures]string{mNew: "new", mSignups: "signups", mAttendances: "attendances", mNoShows: "noShows",
	mMeetings: "meetings", mCompletions: "completions", mFilled: "filled", mOffered: "offered", mHours: "hours",
	mActive: "active", mReturning: "returning"}

// RawFigures returns the unsuppressed figures of every stored bucket of the organisation by
// "GRANULARITY period", for tests that compare them with a hand-computed fixture.
func RawFigures(ctx context.Context, st Store, orgID string) (map[string]map[string]float64, error) {
	versions, err := st.PackVersions(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	buckets := buckets(versions)
	first := firstDays(buckets)
	out := map[string]map[string]float64{}
	for _, b := range buckets {
		r := rawOf(b, first)
		m := map[string]float64{}
		for i, name := range measureNames {
			if r.v[i] != 0 {
				m[name] = r.v[i]
			}
		}
		out[string(b.Period.Granularity)+" "+b.Period.Key()] = m
	}
	return out, nil
}
