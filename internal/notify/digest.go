package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// UpcomingShifts finds the shifts a digest is about.
type UpcomingShifts interface {
	// ShiftsStarting lists the timed shifts starting in (from, to].
	ShiftsStarting(ctx context.Context, from, to time.Time) ([]opportunity.Shift, error)
}

// Staff finds who works for the organisations.
type Staff interface {
	ByIDs(ctx context.Context, ids []string) (map[string]organisation.Organisation, error)
}

// DigestItem is one shift that still needs people.
type DigestItem struct {
	Title    string
	Start    time.Time // in the shift's time zone
	Free     int
	Capacity int
}

// DigestHorizon is how far ahead the weekly digest looks.
const DigestHorizon = 14 * 24 * time.Hour

// digestZone fixes the weeks the digest is keyed by; a German week starts on Monday.
var digestZone = Preferences{}.Location()

// Digest is the weekly job that tells an organisation's staff which shifts of the next two
// weeks are not full yet, so that they can invite volunteers in time. Each staff member gets
// one digest per organisation and ISO week, whichever process or re-run creates it.
type Digest struct {
	svc     *Service
	shifts  UpcomingShifts
	opps    Shifts
	signups Signups
	staff   Staff
}

// NewDigest returns the digest job.
func NewDigest(svc *Service, shifts UpcomingShifts, opps Shifts, signups Signups, staff Staff) *Digest {
	return &Digest{svc: svc, shifts: shifts, opps: opps, signups: signups, staff: staff}
}

// DigestKey is the idempotency key of one digest.
func DigestKey(organisationID, userID string, now time.Time) string {
	year, week := now.In(digestZone).ISOWeek()
	return fmt.Sprintf("digest:%s:%s:%d-W%02d", organisationID, userID, year, week)
}

// Run creates the digests of this week; organisations without open places get none.
func (d *Digest) Run(ctx context.Context) (int64, error) {
	now := d.svc.now()
	open, err := d.openPlaces(ctx, now)
	if err != nil || len(open) == 0 {
		return 0, err
	}
	orgIDs := make([]string, 0, len(open))
	for id := range open {
		orgIDs = append(orgIDs, id)
	}
	slices.Sort(orgIDs)
	orgs, err := d.staff.ByIDs(ctx, orgIDs)
	if err != nil {
		return 0, errs.Wrap("notify: digest organisations", err)
	}
	var reqs []Request
	for _, id := range orgIDs {
		org, ok := orgs[id]
		if !ok {
			continue
		}
		for _, m := range org.Members {
			reqs = append(reqs, Request{Key: DigestKey(id, m.UserID, now), UserID: m.UserID, Kind: CoordinatorDigest,
				Data: Data{Title: org.Name, Items: open[id]}, Deadline: now.Add(7 * 24 * time.Hour)})
		}
	}
	outcomes, err := d.svc.Enqueue(ctx, reqs)
	return countCreated(outcomes), err
}

// openPlaces lists, by organisation, the active shifts of published opportunities in the
// next two weeks with places left, soonest first.
func (d *Digest) openPlaces(ctx context.Context, now time.Time) (map[string][]DigestItem, error) {
	shifts, err := d.shifts.ShiftsStarting(ctx, now, now.Add(DigestHorizon))
	if err != nil {
		return nil, errs.Wrap("notify: digest shifts", err)
	}
	var oppIDs, shiftIDs []string
	for _, sh := range shifts {
		if sh.Status == opportunity.ShiftActive {
			oppIDs, shiftIDs = append(oppIDs, sh.OpportunityID), append(shiftIDs, sh.ID)
		}
	}
	if len(shiftIDs) == 0 {
		return nil, nil
	}
	opps, err := d.opps.OpportunitiesByIDs(ctx, compact(oppIDs))
	if err != nil {
		return nil, errs.Wrap("notify: digest opportunities", err)
	}
	active, err := d.signups.ActiveOf(ctx, nil, shiftIDs, now)
	if err != nil {
		return nil, errs.Wrap("notify: digest signups", err)
	}
	taken := make(map[string]int, len(shiftIDs))
	for _, su := range active {
		if su.Status.HoldsPlace() {
			taken[su.ShiftID]++
		}
	}
	slices.SortFunc(shifts, func(a, b opportunity.Shift) int { return a.StartsAt.Compare(b.StartsAt) })
	out := map[string][]DigestItem{}
	for _, sh := range shifts {
		o, ok := opps[sh.OpportunityID]
		free := sh.Capacity - taken[sh.ID]
		if !ok || o.Status != opportunity.StatusPublished || sh.Status != opportunity.ShiftActive || free <= 0 {
			continue
		}
		out[o.OrganisationID] = append(out[o.OrganisationID],
			DigestItem{Title: o.Title, Start: sh.StartsAt.In(sh.Zone()), Free: free, Capacity: sh.Capacity})
	}
	return out, nil
}
