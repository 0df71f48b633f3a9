package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// Signups is what the reminder and notice jobs read about signups. On the embedded store
// each call scans the signups once.
type Signups interface {
	// ConfirmedStarting lists confirmed signups of timed shifts starting in (from, to].
	ConfirmedStarting(ctx context.Context, from, to time.Time) ([]signup.Signup, error)
	// ActiveOf lists the active signups (confirmed, waitlisted, awaiting approval) of the
	// opportunities and of the shifts, for shifts ending after t.
	ActiveOf(ctx context.Context, opportunityIDs, shiftIDs []string, endAfter time.Time) ([]signup.Signup, error)
}

// ShiftInfo is a shift with its opportunity.
type ShiftInfo struct {
	Shift       opportunity.Shift
	Opportunity opportunity.Opportunity
}

// Shifts looks shifts and opportunities up; unknown IDs are missing from the results.
type Shifts interface {
	ShiftInfos(ctx context.Context, shiftIDs []string) (map[string]ShiftInfo, error)
	OpportunitiesByIDs(ctx context.Context, ids []string) (map[string]opportunity.Opportunity, error)
}

// DefaultLeads are the reminder times before a shift.
var DefaultLeads = []time.Duration{24 * time.Hour, 2 * time.Hour}

// Reminders is the job that reminds volunteers of their shifts.
type Reminders struct {
	svc     *Service
	signups Signups
	shifts  Shifts
	leads   []time.Duration // longest first

	mu sync.Mutex
	// handled remembers keys that need no more work, until their shift starts, so that a
	// run does not ask the store again about every reminder of the next two days. The first
	// run of a process fills it from the outbox.
	handled map[string]time.Time
	loaded  bool
}

// NewReminders returns the reminder job; leads nil means DefaultLeads.
func NewReminders(svc *Service, signups Signups, shifts Shifts, leads []time.Duration) *Reminders {
	if len(leads) == 0 {
		leads = DefaultLeads
	}
	leads = slices.Clone(leads)
	slices.SortFunc(leads, func(a, b time.Duration) int { return int(b - a) })
	return &Reminders{svc: svc, signups: signups, shifts: shifts, leads: leads, handled: map[string]time.Time{}}
}

// SetLeads replaces the reminder times before a shift (see config SHIFT_REMINDER_LEADS); call it
// before the first run.
func (r *Reminders) SetLeads(leads []time.Duration) {
	if len(leads) == 0 {
		return
	}
	leads = slices.Clone(leads)
	slices.SortFunc(leads, func(a, b time.Duration) int { return int(b - a) })
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leads = leads
}

// ReminderKey is the idempotency key of the reminder of a signup at a lead time.
func ReminderKey(signupID string, lead time.Duration) string {
	return reminderPrefix + signupID + ":" + leadLabel(lead)
}

func leadLabel(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

// ReminderDue is when the reminder lead before start is due: whole days before on the
// calendar of start's time zone (the 24 h reminder of a 07:00 shift is due at 07:00 the day
// before, also across a daylight-saving change), shorter leads in real time.
func ReminderDue(start time.Time, lead time.Duration) time.Time {
	if lead%(24*time.Hour) == 0 {
		return start.AddDate(0, 0, -int(lead/(24*time.Hour)))
	}
	return start.Add(-lead)
}

// load remembers the reminders stored already, once per process: asking Enqueue about each
// of them again would be harmless but cost a queue entry each.
func (r *Reminders) load(ctx context.Context, now time.Time, horizon time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded {
		return nil
	}
	ids, err := r.svc.outbox.MessageIDs(ctx, reminderPrefix, now.Add(-horizon-r.leads[0]))
	if err != nil {
		return errs.Wrap("notify: stored reminders", err)
	}
	for _, id := range ids {
		if i := strings.LastIndexByte(id, ':'); i > 0 {
			r.handled[id[:i]] = now.Add(horizon)
		}
	}
	r.loaded = true
	return nil
}

const reminderPrefix = "reminder:shift:"

// earliestAdvance bounds how long before its due time a reminder may go out: a quiet period
// is shorter than a day.
const earliestAdvance = 24 * time.Hour

// Run creates the reminders whose time has come and reports how many it created. A reminder
// is due lead before the shift starts (see ReminderDue), moved before the recipient's quiet
// hours. It is not sent when a shorter lead is already
// due, or when the volunteer signed up after its due time.
func (r *Reminders) Run(ctx context.Context) (int64, error) {
	now := r.svc.now()
	horizon := r.leads[0] + earliestAdvance
	sus, err := r.signups.ConfirmedStarting(ctx, now, now.Add(horizon))
	if err != nil {
		return 0, errs.Wrap("notify: signups for reminders", err)
	}
	type candidate struct {
		su   signup.Signup
		lead time.Duration
		key  string
	}
	var cands []candidate
	var shiftIDs []string
	if err := r.load(ctx, now, horizon); err != nil {
		return 0, err
	}
	r.mu.Lock()
	for key, start := range r.handled {
		if !start.After(now) {
			delete(r.handled, key)
		}
	}
	for _, su := range sus {
		for i, lead := range r.leads {
			key := ReminderKey(su.ID, lead)
			if _, ok := r.handled[key]; ok {
				continue
			}
			due := ReminderDue(su.ShiftStart, lead) // in UTC: may be an hour off, which the checks below allow
			if (i+1 < len(r.leads) && !su.ShiftStart.Add(-r.leads[i+1]).After(now)) || !su.CreatedAt.Before(due) {
				// Superseded by the shorter lead, or the volunteer signed up after this
				// reminder's time and knows.
				r.handled[key] = su.ShiftStart
				continue
			}
			if due.Add(-earliestAdvance - time.Hour).After(now) {
				continue
			}
			cands = append(cands, candidate{su: su, lead: lead, key: key})
			shiftIDs = append(shiftIDs, su.ShiftID)
		}
	}
	r.mu.Unlock()
	if len(cands) == 0 {
		return 0, nil
	}
	slices.Sort(shiftIDs)
	infos, err := r.shifts.ShiftInfos(ctx, slices.Compact(shiftIDs))
	if err != nil {
		return 0, errs.Wrap("notify: shifts for reminders", err)
	}
	reqs := make([]Request, 0, len(cands))
	kept := cands[:0]
	for _, c := range cands {
		info, ok := infos[c.su.ShiftID]
		if !ok || info.Shift.Status == opportunity.ShiftCancelled || info.Opportunity.Status == opportunity.StatusCancelled {
			continue // the cancellation notice says what there is to say
		}
		start := info.Shift.StartsAt.In(info.Shift.Zone())
		kept = append(kept, c)
		reqs = append(reqs, Request{Key: c.key, UserID: c.su.UserID, Kind: ShiftReminder,
			Data: Data{Title: info.Opportunity.Title, Start: start},
			Due:  ReminderDue(start, c.lead), Deadline: start, Reminder: true, WhenDue: true})
	}
	return r.svc.enqueueRemembering(ctx, reqs, &r.mu, r.handled, func(i int) time.Time { return kept[i].su.ShiftStart })
}
