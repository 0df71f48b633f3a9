package stats

// Cell is one figure of a table: a value, or suppressed.
type Cell struct {
	value      float64
	suppressed bool
}

// Suppressed reports whether the figure is withheld.
func (c Cell) Suppressed() bool { return c.suppressed }

// Count is the figure as a whole number, nil when suppressed.
func (c Cell) Count() *int {
	if c.suppressed {
		return nil
	}
	n := int(c.value + 0.5)
	return &n
}

// Amount is the figure, nil when suppressed.
func (c Cell) Amount() *float64 {
	if c.suppressed {
		return nil
	}
	v := c.value
	return &v
}

// Row holds the figures of one period.
type Row struct {
	Granularity Granularity
	// Period names the bucket: 2026-11-22, 2026-W47 or 2026-11.
	Period     string
	Start, End Date

	ActiveVolunteers    Cell
	NewVolunteers       Cell // active for the first time in the organisation
	ReturningVolunteers Cell // active before, and again in this period
	Signups             Cell
	Attendances         Cell
	NoShows             Cell
	MeetingAttendance   Cell
	TrainingCompletions Cell
	FilledPlaces        Cell // places held in shifts starting in the period
	OfferedPlaces       Cell // capacity of those shifts
	ConfirmedHours      Cell
	FillRate            Cell // FilledPlaces / OfferedPlaces
	NoShowRate          Cell // NoShows / (Attendances + NoShows)
}

// Table is the statistics of an organisation over a range of dates.
type Table struct {
	OrganisationID string
	From, To       Date
	Granularity    Granularity
	// K is the suppression threshold: no shown count is below it.
	K    int
	Rows []Row
}

// measure indexes the figures that come from buckets.
type measure int

const (
	mNew measure = iota
	mSignups
	mAttendances
	mNoShows
	mMeetings
	mCompletions
	mFilled
	mOffered
	mHours
	mActive
	mReturning
	nMeasures
)

// nAdditive counts the measures that add up over days: those before mActive.
const nAdditive = mActive

// raw is one bucket's figures before suppression.
type raw struct {
	v          [nMeasures]float64
	hoursBasis int // volunteers whose hours are summed: hours are shown only for k of them
}

// figures holds every period's cells of an organisation, by granularity and period key.
type figures map[Granularity]map[string]*[nMeasures]Cell

// compute turns the newest bucket versions of one organisation into suppressed cells for
// every period of its history, at every granularity at once: the pattern must not depend on
// the range or granularity asked for, or two queries could be subtracted.
func compute(buckets map[string]Bucket, k int) figures {
	out := figures{Day: {}, Week: {}, Month: {}}
	if len(buckets) == 0 {
		return out
	}
	var lo, hi Date
	for _, b := range buckets {
		if lo.IsZero() || b.Period.Start.Before(lo) {
			lo = b.Period.Start
		}
		if hi.IsZero() || hi.Before(b.Period.End) {
			hi = b.Period.End
		}
	}
	first := firstDays(buckets)
	// Whole weeks and months only, so that every relation lies inside the graph.
	for {
		l := minDate(PeriodOf(Week, lo).Start, PeriodOf(Month, lo).Start)
		h := maxDate(PeriodOf(Week, hi).End, PeriodOf(Month, hi).End)
		if l == lo && h == hi {
			break
		}
		lo, hi = l, h
	}
	days := hi.daysSince(lo) + 1

	type slot struct {
		g     Granularity
		p     Period
		raw   raw
		hours []string // the volunteers with confirmed hours, of days
		edges [nMeasures]*edge
	}
	var slots []*slot // the days first, in order: slot i is day i
	org := bucketOrg(buckets)
	for _, g := range Granularities {
		for _, p := range Periods(g, lo, hi) {
			s := &slot{g: g, p: p}
			if b, ok := buckets[BucketKey(org, p)]; ok {
				s.raw = rawOf(b, first)
				if g == Day {
					s.hours = b.HoursVolunteers
				}
			}
			slots = append(slots, s)
		}
	}
	kf := float64(k)
	for m := range nAdditive {
		gr := &graph{nodes: days + 1, days: days}
		if m == mNew {
			gr.nodes += len(slots)
		}
		if m == mHours {
			gr.sensitive = hoursOfFew(func(day int) []string { return slots[day].hours }, k)
		} else {
			prefix := make([]float64, days+1)
			for d := range days {
				prefix[d+1] = prefix[d] + slots[d].raw.v[m]
			}
			gr.sensitive = fewBetween(prefix, kf)
		}
		for i, s := range slots {
			a, b := s.p.Start.daysSince(lo), s.p.End.daysSince(lo)+1
			small := s.raw.v[m] < kf
			if m == mHours {
				small = s.raw.hoursBasis < k
			}
			s.edges[m] = gr.add(a, b, s.raw.v[m], small)
			if m == mNew {
				q := days + 1 + i
				s.edges[mActive] = gr.add(b, q, s.raw.v[mActive], s.raw.v[mActive] < kf)
				s.edges[mReturning] = gr.add(a, q, s.raw.v[mReturning], s.raw.v[mReturning] < kf)
			}
		}
		gr.protect()
	}
	for _, s := range slots {
		var cells [nMeasures]Cell
		for m := range nMeasures {
			cells[m] = Cell{value: s.raw.v[m], suppressed: s.edges[m].suppressed}
		}
		out[s.g][s.p.Key()] = &cells
	}
	return out
}

// firstDays returns the first active day of every volunteer: a volunteer is new in the
// periods that contain it. Computed when read, a late event that moves it earlier is
// reflected in every period at once.
func firstDays(buckets map[string]Bucket) map[string]Date {
	first := map[string]Date{}
	for _, b := range buckets {
		if b.Period.Granularity != Day {
			continue
		}
		for _, key := range b.Active {
			if f, ok := first[key]; !ok || b.Period.Start.Before(f) {
				first[key] = b.Period.Start
			}
		}
	}
	return first
}

func bucketOrg(buckets map[string]Bucket) string {
	for _, b := range buckets {
		return b.OrganisationID
	}
	return ""
}

func rawOf(b Bucket, first map[string]Date) raw {
	var r raw
	r.v[mSignups] = float64(b.Signups)
	r.v[mAttendances] = float64(b.Attendances)
	r.v[mNoShows] = float64(b.NoShows)
	r.v[mMeetings] = float64(b.MeetingAttendance)
	r.v[mCompletions] = float64(b.Completions)
	r.v[mHours] = b.Hours
	r.hoursBasis = len(b.HoursVolunteers)
	for _, f := range b.Shifts {
		r.v[mFilled] += float64(f.Held)
		r.v[mOffered] += float64(f.Capacity)
	}
	newcomers := 0
	for _, key := range b.Active {
		if b.Period.Contains(first[key]) {
			newcomers++
		}
	}
	r.v[mActive] = float64(len(b.Active))
	r.v[mNew] = float64(newcomers)
	r.v[mReturning] = float64(len(b.Active) - newcomers)
	return r
}

// row builds the row of a period from its cells; periods outside the history hold zeros,
// which are suppressed like every count below k.
func row(p Period, cells *[nMeasures]Cell) Row {
	if cells == nil {
		var zero [nMeasures]Cell
		for m := range zero {
			zero[m].suppressed = true
		}
		cells = &zero
	}
	c := cells
	r := Row{Granularity: p.Granularity, Period: p.Key(), Start: p.Start, End: p.End,
		ActiveVolunteers: c[mActive], NewVolunteers: c[mNew], ReturningVolunteers: c[mReturning],
		Signups: c[mSignups], Attendances: c[mAttendances], NoShows: c[mNoShows], MeetingAttendance: c[mMeetings],
		TrainingCompletions: c[mCompletions], FilledPlaces: c[mFilled], OfferedPlaces: c[mOffered],
		ConfirmedHours: c[mHours]}
	// A rate is shown only with both of its parts, so it reveals nothing they do not.
	r.FillRate = ratio(c[mFilled], c[mOffered])
	r.NoShowRate = ratio(c[mNoShows], Cell{value: c[mAttendances].value + c[mNoShows].value,
		suppressed: c[mAttendances].suppressed || c[mNoShows].suppressed})
	return r
}

func ratio(part, whole Cell) Cell {
	if part.suppressed || whole.suppressed || whole.value == 0 {
		return Cell{suppressed: true}
	}
	return Cell{value: part.value / whole.value}
}

func minDate(a, b Date) Date {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDate(a, b Date) Date {
	if a.Before(b) {
		return b
	}
	return a
}
