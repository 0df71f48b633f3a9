package notify

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// LoggedEvent is an engagement event with its ID in the log.
type LoggedEvent struct {
	ID string
	engagement.Event
}

// EventLog reads the engagement events. IDs are MongoDB ObjectIDs in hex: they begin with
// the second of their creation, so they sort by time.
type EventLog interface {
	// EventsAfter lists the events of the kinds whose IDs are greater than afterID, in ID
	// order. On the embedded store it scans the event log.
	EventsAfter(ctx context.Context, afterID string, kinds []engagement.Kind) ([]LoggedEvent, error)
}

// Watermarks keep how far a job has read.
type Watermarks interface {
	// Watermark returns the stored value, or "" if none.
	Watermark(ctx context.Context, name string) (string, error)
	SetWatermark(ctx context.Context, name, value string) error
}

// noticeOverlap is how far before its watermark a run reads again. Events are written in
// batches by each server, so one may appear in the log a little after a later one; reading
// again is harmless because every notice is keyed by event and user.
const noticeOverlap = 2 * time.Minute

const noticeWatermark = "event-notices"

var noticeKinds = []engagement.Kind{engagement.Promoted, engagement.OpportunityCancelled, engagement.ShiftCancelled,
	engagement.ShiftChanged}

// Notices is the job that tells volunteers what happened to their signups: a place that
// came free for them, shifts whose times changed, and cancelled opportunities and shifts.
type Notices struct {
	svc     *Service
	events  EventLog
	marks   Watermarks
	signups Signups
	shifts  Shifts

	mu   sync.Mutex
	done map[string]time.Time // event IDs handled by this process, by event time
	// lastStart and lastScan pace the job when reading the log is slow (see Run).
	lastStart time.Time
	lastScan  time.Duration
}

// Pacing: on the embedded store reading the event log scans all of it (4.4 s for 200,000
// events, measured). When a read took longer than slowScan, the job skips its turns until
// paceFactor times that has passed, so that it never takes more than a fifth of the time;
// notices then come later, not the server slower.
const (
	slowScan   = time.Second
	paceFactor = 5
)

// NewNotices returns the notice job.
func NewNotices(svc *Service, events EventLog, marks Watermarks, signups Signups, shifts Shifts) *Notices {
	return &Notices{svc: svc, events: events, marks: marks, signups: signups, shifts: shifts, done: map[string]time.Time{}}
}

// NoticeKey is the idempotency key of the notice about an event to a user.
func NoticeKey(eventID, userID string) string { return "event:" + eventID + ":" + userID }

// Run reads the events since the watermark and creates their notices; it reports how many
// messages it created. Running it again creates nothing new.
func (n *Notices) Run(ctx context.Context) (int64, error) {
	n.mu.Lock()
	if n.lastScan > slowScan && time.Since(n.lastStart) < paceFactor*n.lastScan {
		n.mu.Unlock()
		return 0, nil
	}
	n.mu.Unlock()
	now := n.svc.now()
	mark, err := n.marks.Watermark(ctx, noticeWatermark)
	if err != nil {
		return 0, errs.Wrap("notify: read watermark", err)
	}
	from := now
	if t, ok := engagement.IDTime(mark); ok {
		from = t
	}
	started := time.Now()
	events, err := n.events.EventsAfter(ctx, engagement.IDFloor(from.Add(-noticeOverlap)), noticeKinds)
	if err != nil {
		return 0, errs.Wrap("notify: read events", err)
	}
	n.mu.Lock()
	n.lastStart, n.lastScan = started, time.Since(started)
	for id, at := range n.done {
		if at.Before(from.Add(-2 * noticeOverlap)) {
			delete(n.done, id)
		}
	}
	events = slices.DeleteFunc(events, func(e LoggedEvent) bool { _, ok := n.done[e.ID]; return ok })
	n.mu.Unlock()
	if len(events) == 0 {
		return 0, nil
	}

	var shiftIDs, cancelledOpps, cancelledShifts, oppIDs []string
	for _, e := range events {
		switch e.Kind {
		case engagement.Promoted:
			shiftIDs = append(shiftIDs, e.ShiftID)
		case engagement.ShiftCancelled, engagement.ShiftChanged:
			shiftIDs = append(shiftIDs, e.ShiftID)
			cancelledShifts = append(cancelledShifts, e.ShiftID)
		case engagement.OpportunityCancelled:
			cancelledOpps = append(cancelledOpps, e.OpportunityID)
			oppIDs = append(oppIDs, e.OpportunityID)
		}
	}
	infos, err := n.shifts.ShiftInfos(ctx, compact(shiftIDs))
	if err != nil {
		return 0, errs.Wrap("notify: shifts for notices", err)
	}
	opps, err := n.shifts.OpportunitiesByIDs(ctx, compact(oppIDs))
	if err != nil {
		return 0, errs.Wrap("notify: opportunities for notices", err)
	}
	// Who is affected by a cancellation: everyone still signed up, read once for all events.
	byOpp := map[string][]string{}
	byShift := map[string][]string{}
	if len(cancelledOpps)+len(cancelledShifts) > 0 {
		oldest := events[0].At
		for _, e := range events {
			if e.At.Before(oldest) {
				oldest = e.At
			}
		}
		active, err := n.signups.ActiveOf(ctx, compact(cancelledOpps), compact(cancelledShifts), oldest)
		if err != nil {
			return 0, errs.Wrap("notify: signups for notices", err)
		}
		for _, su := range active {
			byOpp[su.OpportunityID] = append(byOpp[su.OpportunityID], su.UserID)
			byShift[su.ShiftID] = append(byShift[su.ShiftID], su.UserID)
		}
	}

	var reqs []Request
	for _, e := range events {
		switch e.Kind {
		case engagement.Promoted:
			info, ok := infos[e.ShiftID]
			if !ok || e.UserID == "" {
				continue
			}
			d, deadline := shiftData(info)
			reqs = append(reqs, Request{Key: NoticeKey(e.ID, e.UserID), UserID: e.UserID, Kind: Promoted, Data: d, Deadline: deadline})
		case engagement.ShiftCancelled:
			info, ok := infos[e.ShiftID]
			if !ok {
				continue
			}
			d, _ := shiftData(info)
			d.Reason = info.Shift.StatusReason
			for _, u := range compact(byShift[e.ShiftID]) {
				reqs = append(reqs, Request{Key: NoticeKey(e.ID, u), UserID: u, Kind: ShiftCancelled, Data: d, Deadline: info.Shift.Ends()})
			}
		case engagement.ShiftChanged:
			// The shift's times as they are now: after several changes, each notice says
			// the latest.
			info, ok := infos[e.ShiftID]
			if !ok || info.Shift.Status == opportunity.ShiftCancelled || !info.Shift.Timed() {
				continue // a cancellation has its own notice; a new deadline none
			}
			d, deadline := shiftData(info)
			for _, u := range compact(byShift[e.ShiftID]) {
				reqs = append(reqs, Request{Key: NoticeKey(e.ID, u), UserID: u, Kind: ShiftChanged, Data: d, Deadline: deadline})
			}
		case engagement.OpportunityCancelled:
			o, ok := opps[e.OpportunityID]
			if !ok {
				continue
			}
			d := Data{Title: o.Title, Reason: o.StatusReason}
			for _, u := range compact(byOpp[e.OpportunityID]) {
				reqs = append(reqs, Request{Key: NoticeKey(e.ID, u), UserID: u, Kind: OpportunityCancelled, Data: d})
			}
		}
	}
	outcomes, err := n.svc.Enqueue(ctx, reqs)
	if err != nil {
		return 0, err
	}
	created := countCreated(outcomes)
	last := mark
	n.mu.Lock()
	for _, e := range events {
		n.done[e.ID] = e.At
		if e.ID > last {
			last = e.ID
		}
	}
	n.mu.Unlock()
	if last != mark {
		// Only this job writes it, one run at a time (its lease); were two runs to race, the
		// mark could step back, which only makes a run read again.
		if err := n.marks.SetWatermark(ctx, noticeWatermark, last); err != nil {
			return created, errs.Wrap("notify: store watermark", err)
		}
	}
	return created, nil
}

// shiftData describes a shift in its own time zone; the deadline is its start (or, for a
// task with a deadline, that).
func shiftData(info ShiftInfo) (Data, time.Time) {
	d := Data{Title: info.Opportunity.Title}
	if info.Shift.Timed() {
		d.Start = info.Shift.StartsAt.In(info.Shift.Zone())
		return d, info.Shift.StartsAt
	}
	return d, info.Shift.Deadline
}

func compact(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}
