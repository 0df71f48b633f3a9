package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomBuckets builds the buckets the job would store for random daily activity: weeks and
// months hold the sums and unions of their days.
func randomBuckets(rng *rand.Rand, from Date, days int) map[string]Bucket {
	out := map[string]Bucket{}
	add := func(p Period, day Bucket) {
		k := BucketKey("o", p)
		b, ok := out[k]
		if !ok {
			b = Bucket{OrganisationID: "o", Period: p, Shifts: map[string]ShiftFill{}}
		}
		b.Signups += day.Signups
		b.Attendances += day.Attendances
		b.NoShows += day.NoShows
		b.MeetingAttendance += day.MeetingAttendance
		b.Completions += day.Completions
		b.Hours += day.Hours
		for _, v := range day.Active {
			b.Active = insertSorted(b.Active, v)
		}
		for _, v := range day.HoursVolunteers {
			b.HoursVolunteers = insertSorted(b.HoursVolunteers, v)
		}
		for id, f := range day.Shifts {
			b.Shifts[id] = f
		}
		out[k] = b
	}
	// Quiet and busy days alike, so that small cells sit next to large ones.
	small := func() int {
		if rng.IntN(3) == 0 {
			return rng.IntN(4)
		}
		return rng.IntN(14)
	}
	for i := range days {
		d := from.AddDays(i)
		day := Bucket{Signups: small(), Attendances: small(), NoShows: small(), MeetingAttendance: small(),
			Completions: small(), Shifts: map[string]ShiftFill{}}
		for range small() {
			day.Active = insertSorted(day.Active, fmt.Sprintf("v%02d", rng.IntN(40)))
		}
		for _, v := range day.Active {
			if rng.IntN(2) == 0 {
				day.HoursVolunteers = insertSorted(day.HoursVolunteers, v)
				day.Hours += float64(1 + rng.IntN(6))
			}
		}
		for j := range rng.IntN(3) {
			c := 1 + rng.IntN(8)
			day.Shifts[fmt.Sprintf("s%d-%d", i, j)] = ShiftFill{Capacity: c, Held: rng.IntN(c + 1)}
		}
		for _, g := range Granularities {
			add(PeriodOf(g, d), day)
		}
	}
	return out
}

// derivable reports, for each target, whether it lies in the span of the shown vectors: then
// its value follows from the shown values by the linear relations.
func derivable(shown, targets [][]float64) []bool {
	var basis [][]float64 // rows in echelon form, each with a pivot column
	var pivots []int
	reduce := func(v []float64) []float64 {
		v = slices.Clone(v)
		for i, row := range basis {
			if f := v[pivots[i]]; math.Abs(f) > 1e-9 {
				for j := range v {
					v[j] -= f * row[j]
				}
			}
		}
		return v
	}
	for _, s := range shown {
		v := reduce(s)
		p := -1
		for j, x := range v {
			if math.Abs(x) > 1e-9 {
				p = j
				break
			}
		}
		if p < 0 {
			continue
		}
		f := v[p]
		for j := range v {
			v[j] /= f
		}
		// Keep the basis fully reduced, so that reducing by it in order is exact.
		for i := range basis {
			if g := basis[i][p]; math.Abs(g) > 1e-9 {
				for j := range basis[i] {
					basis[i][j] -= g * v[j]
				}
			}
		}
		basis, pivots = append(basis, v), append(pivots, p)
	}
	out := make([]bool, len(targets))
	for i, t := range targets {
		out[i] = slices.IndexFunc(reduce(t), func(x float64) bool { return math.Abs(x) > 1e-6 }) < 0
	}
	return out
}

// exposedCells checks a computed pattern against the relations the tables expose (a week or
// a month is the sum of its days for every additive measure; active = new + returning in every
// period) by linear algebra, independently of the graph argument of protect. It returns the
// suppressed cells whose value the shown ones determine.
//
// It also returns the totals over consecutive days that are no cell but follow from the shown
// cells, and count between one and k−1 people (for hours: volunteers).
func exposedCells(figs figures, lo Date, days int, buckets map[string]Bucket, k int) []string {
	type cellRef struct {
		name string
		vec  []float64
		c    Cell
	}
	var exposed []string
	for m := range nAdditive {
		var periods []Period
		for _, g := range Granularities {
			periods = append(periods, Periods(g, lo, lo.AddDays(days-1))...)
		}
		vars := days
		if m == mNew {
			vars += len(periods)
		}
		var cells []cellRef
		for i, p := range periods {
			c := figs[p.Granularity][p.Key()]
			sum := make([]float64, vars)
			for d := p.Start.daysSince(lo); d <= p.End.daysSince(lo); d++ {
				sum[d] = 1
			}
			cells = append(cells, cellRef{fmt.Sprintf("%s %s m%d", p.Granularity, p.Key(), m), sum, c[m]})
			if m == mNew {
				ret := make([]float64, vars)
				ret[days+i] = 1
				act := slices.Clone(sum)
				act[days+i] = 1
				cells = append(cells, cellRef{fmt.Sprintf("%s %s returning", p.Granularity, p.Key()), ret, c[mReturning]},
					cellRef{fmt.Sprintf("%s %s active", p.Granularity, p.Key()), act, c[mActive]})
			}
		}
		var shown, hidden [][]float64
		var names []string
		for _, c := range cells {
			if c.c.suppressed {
				hidden, names = append(hidden, c.vec), append(names, c.name)
			} else {
				shown = append(shown, c.vec)
			}
		}
		for u := range days {
			total, people := 0.0, map[string]bool{}
			for v := u + 1; v <= days; v++ {
				day := lo.AddDays(v - 1)
				total += figs[Day][day.String()][m].value
				for _, key := range buckets[BucketKey("o", PeriodOf(Day, day))].HoursVolunteers {
					people[key] = true
				}
				few, more := total > 0 && total < float64(k), total < float64(k)
				if m == mHours {
					few, more = len(people) > 0 && len(people) < k, len(people) < k
				}
				if !more {
					break
				}
				if !few {
					continue
				}
				vec := make([]float64, vars)
				for d := u; d < v; d++ {
					vec[d] = 1
				}
				hidden, names = append(hidden, vec), append(names, fmt.Sprintf("days %d..%d m%d", u, v-1, m))
			}
		}
		for i, d := range derivable(shown, hidden) {
			if d {
				exposed = append(exposed, names[i])
			}
		}
	}
	return exposed
}

func historyOf(figs figures) (Date, int) {
	var lo, hi Date
	for key := range figs[Day] {
		d, _ := ParseDate(key)
		if lo.IsZero() || d.Before(lo) {
			lo = d
		}
		if hi.IsZero() || hi.Before(d) {
			hi = d
		}
	}
	return lo, hi.daysSince(lo) + 1
}

func TestNoSuppressedCellIsDerivable(t *testing.T) {
	from, _ := ParseDate("2026-09-24") // crosses two month ends, with weeks split between months
	for seed := range uint64(8) {
		for _, k := range []int{3, 5, 8} {
			t.Run(fmt.Sprintf("seed%d/k%d", seed, k), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, uint64(k)))
				buckets := randomBuckets(rng, from, 45+rng.IntN(30))
				figs := compute(buckets, k)
				lo, days := historyOf(figs)
				if exposed := exposedCells(figs, lo, days, buckets, k); len(exposed) > 0 {
					t.Fatalf("derivable suppressed cells: %v", exposed)
				}
				first := firstDays(buckets)
				shown, hidden := 0, 0
				for _, g := range Granularities {
					for key, cells := range figs[g] {
						r := raw{}
						if b, ok := buckets[BucketKey("o", PeriodOf(g, mustDate(g, key)))]; ok {
							r = rawOf(b, first)
						}
						for m := range nMeasures {
							c := cells[m]
							small := r.v[m] < float64(k)
							if m == mHours {
								small = r.hoursBasis < k
							}
							switch {
							case small && !c.suppressed:
								t.Fatalf("%s %s m%d: %v shown below k=%d", g, key, m, r.v[m], k)
							case !c.suppressed && c.value != r.v[m]:
								t.Fatalf("%s %s m%d: shown %v, is %v", g, key, m, c.value, r.v[m])
							case c.suppressed:
								hidden++
							default:
								shown++
							}
						}
					}
				}
				if shown == 0 || hidden == 0 {
					t.Fatalf("a useless test: %d shown, %d hidden", shown, hidden)
				}
			})
		}
	}
}

func mustDate(g Granularity, key string) Date {
	for _, p := range Periods(g, Date{2026, 1, 1}, Date{2027, 12, 31}) {
		if p.Key() == key {
			return p.Start
		}
	}
	panic("no period " + key)
}

// The checker finds what primary suppression alone leaves open: a week of seven days with one
// small day is the week minus six shown days.
func TestCheckerFindsPrimaryOnlyPatterns(t *testing.T) {
	from, _ := ParseDate("2026-11-02") // a Monday; November has whole weeks from here
	buckets := map[string]Bucket{}
	for i := range 28 {
		d := from.AddDays(i)
		n := 9
		if i == 3 {
			n = 2
		}
		for _, g := range Granularities {
			k := BucketKey("o", PeriodOf(g, d))
			b := buckets[k]
			b.OrganisationID, b.Period = "o", PeriodOf(g, d)
			b.Signups += n
			buckets[k] = b
		}
	}
	figs := compute(buckets, 5)
	lo, days := historyOf(figs)
	if exposed := exposedCells(figs, lo, days, buckets, 5); len(exposed) > 0 {
		t.Fatalf("derivable after protection: %v", exposed)
	}
	day := figs[Day][from.AddDays(3).String()][mSignups]
	if !day.suppressed {
		t.Fatal("the small day is shown")
	}
	extra := 0
	for i := range 7 {
		if i != 3 && figs[Day][from.AddDays(i).String()][mSignups].suppressed {
			extra++
		}
	}
	if extra == 0 && !figs[Week][PeriodOf(Week, from).Key()][mSignups].suppressed {
		t.Fatal("no complementary suppression in the week of the small day")
	}
	// Undo the complementary suppression: the checker must now find the small day.
	for _, g := range Granularities {
		for key, cells := range figs[g] {
			for m := range nMeasures {
				cells[m].suppressed = cells[m].value < 5
			}
			figs[g][key] = cells
		}
	}
	if exposed := exposedCells(figs, lo, days, buckets, 5); !slices.Contains(exposed, fmt.Sprintf("DAY %s m%d", from.AddDays(3), mSignups)) {
		t.Fatalf("checker missed the derivable day: %v", exposed)
	}
}
