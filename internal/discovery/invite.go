package discovery

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/quota"
)

// Notifier queues notifications.
type Notifier interface {
	Enqueue(ctx context.Context, reqs []notify.Request) ([]notify.Outcome, error)
}

// SetNotifier wires the outbox that invitations go through.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// Invite sends a volunteer an invitation to a shift through the outbox, once per volunteer
// and shift. Staff of the shift's organisation only; only volunteers who agreed to be
// contacted can be invited, and anyone else is "not found", so that an invitation reveals
// nothing about people who did not agree. It reports whether an invitation was sent now
// (false: it was sent before).
func (s *Service) Invite(ctx context.Context, actor auth.Actor, shiftID, volunteerID string) (bool, error) {
	if !actor.Authenticated() {
		return false, errSignIn
	}
	sh, o, err := s.staff.Shift(ctx, actor, shiftID)
	if err != nil {
		return false, err
	}
	if !s.staff.IsStaff(ctx, actor, o.OrganisationID) {
		return false, errs.E(errs.Forbidden, "only the organisation's staff can invite")
	}
	if err := s.quota.Allow(actor, quota.Invite); err != nil {
		return false, err
	}
	if opportunity.TakesSignups(o, sh, s.now()) != nil {
		return false, errs.E(errs.Conflict, "this shift takes no signups")
	}
	p, err := s.profiles.Of(ctx, volunteerID)
	if err != nil {
		return false, err
	}
	if !p.Contactable || volunteerID == actor.UserID {
		return false, &errs.Error{Kind: errs.NotFound, Field: "volunteerId", Msg: "no volunteer to invite with this ID"}
	}
	_, active, err := s.commitments.Commitments(ctx, volunteerID)
	if err != nil {
		return false, err
	}
	if active[sh.ID] {
		return false, &errs.Error{Kind: errs.Conflict, Field: "volunteerId", Msg: "this volunteer is already signed up"}
	}
	if s.notifier == nil {
		return false, errs.E(errs.Internal, "invitations are not wired")
	}
	start := sh.StartsAt
	if !start.IsZero() {
		start = start.In(sh.Zone())
	}
	outcomes, err := s.notifier.Enqueue(ctx, []notify.Request{{Key: "invite:" + sh.ID + ":" + volunteerID, UserID: volunteerID,
		Kind: notify.Invitation, Data: notify.Data{Title: o.Title, Start: start}, Deadline: sh.Ends()}})
	if err != nil {
		return false, errs.Wrap("discovery: invite", err)
	}
	return len(outcomes) == 1 && outcomes[0] == notify.Created, nil
}

// SetQuota limits how many searches and invitations one account makes (see package quota).
func (s *Service) SetQuota(q *quota.Limits) { s.quota = q }
