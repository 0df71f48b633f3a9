package group

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
)

var errMembershipMissing = errs.E(errs.NotFound, "membership not found")

// newMembershipID returns a random ID: it must say nothing about the person, not even when
// they joined relative to their account.
func newMembershipID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return "gm_" + base64.RawURLEncoding.EncodeToString(b)
}

// Join makes the actor a member under a pseudonym, or asks to become one in an ON_REQUEST
// group. The pseudonym must be free in the group and differ from the pseudonyms the actor
// uses in other groups, so that nobody can link their memberships. Joining again returns the
// current membership.
func (s *Service) Join(ctx context.Context, actor auth.Actor, groupID, pseudonym string) (Membership, error) {
	if !actor.Authenticated() {
		return Membership{}, errSignIn
	}
	name, err := Pseudonym("pseudonym", pseudonym)
	if err != nil {
		return Membership{}, err
	}
	g, err := s.group(ctx, actor, groupID)
	if err != nil {
		return Membership{}, err
	}
	unlock := s.groupLocks.Lock(g.ID)
	defer unlock()
	members, err := s.repo.MembershipsOfGroup(ctx, g.ID)
	if err != nil {
		return Membership{}, errs.Wrap("group: members", err)
	}
	for _, m := range members {
		if m.UserID == actor.UserID && m.Status.Current() {
			return m, nil
		}
	}
	if err := s.checkPseudonym(ctx, actor.UserID, g.ID, name, members); err != nil {
		return Membership{}, err
	}
	now := s.now()
	m := Membership{ID: newMembershipID(), GroupID: g.ID, OrganisationID: g.OrganisationID, UserID: actor.UserID,
		Pseudonym: name, Status: Active, CreatedAt: now, UpdatedAt: now}
	if g.JoinPolicy == OnRequest && !g.IsFacilitator(actor.UserID) {
		m.Status = Pending
	}
	if err := s.repo.InsertMembership(ctx, m); err != nil {
		if errors.Is(err, errs.ErrDuplicate) {
			// Another process took the name (or joined this person) a moment ago.
			return Membership{}, &errs.Error{Kind: errs.Conflict, Field: "pseudonym", Msg: "this pseudonym was just taken; choose another"}
		}
		return Membership{}, errs.Wrap("group: join", err)
	}
	if m.Status == Active {
		s.record(ctx, g, engagement.Event{Kind: engagement.GroupJoined, UserID: actor.UserID})
	}
	return m, nil
}

// checkPseudonym refuses a name taken in the group or used by the same person elsewhere. The
// messages reveal nothing about anyone else.
func (s *Service) checkPseudonym(ctx context.Context, userID, groupID, name string, members []Membership) error {
	folded := Fold(name)
	for _, m := range members {
		if m.Status.Current() && Fold(m.Pseudonym) == folded {
			return &errs.Error{Kind: errs.Conflict, Field: "pseudonym", Msg: "this pseudonym is taken in this group; choose another"}
		}
	}
	mine, err := s.repo.MembershipsOfUser(ctx, userID)
	if err != nil {
		return errs.Wrap("group: my memberships", err)
	}
	for _, m := range mine {
		if m.GroupID != groupID && m.Status.Current() && Fold(m.Pseudonym) == folded {
			return errs.InvalidField("pseudonym", "you use this pseudonym in another group; choose a different one, so that nobody can link your groups")
		}
	}
	return nil
}

// Leave ends the actor's membership (or request) and gives up their places at coming meetings.
func (s *Service) Leave(ctx context.Context, actor auth.Actor, groupID string) (Membership, error) {
	v, err := s.Get(ctx, actor, groupID)
	if err != nil {
		return Membership{}, err
	}
	if v.Mine == nil {
		return Membership{}, errs.E(errs.NotFound, "you are not a member of this group")
	}
	return s.end(ctx, v.Group, *v.Mine, Left, actor)
}

// Remove ends a member's membership; facilitators and staff only.
func (s *Service) Remove(ctx context.Context, actor auth.Actor, membershipID string) (Membership, error) {
	m, v, err := s.managed(ctx, actor, membershipID)
	if err != nil {
		return Membership{}, err
	}
	if m.Status != Active {
		return Membership{}, errs.E(errs.Conflict, "this person is not a member")
	}
	return s.end(ctx, v.Group, m, Removed, actor)
}

// Accept admits a pending request; facilitators and staff only.
func (s *Service) Accept(ctx context.Context, actor auth.Actor, membershipID string) (Membership, error) {
	m, v, err := s.managed(ctx, actor, membershipID)
	if err != nil {
		return Membership{}, err
	}
	if m.Status == Active {
		return m, nil
	}
	if m.Status != Pending {
		return Membership{}, errs.E(errs.Conflict, "there is no open request to accept")
	}
	m, err = s.repo.UpdateMembership(ctx, m.ID, func(m *Membership) error {
		if m.Status != Pending {
			return errs.E(errs.Conflict, "there is no open request to accept")
		}
		m.Status, m.UpdatedAt = Active, s.now()
		return nil
	})
	if err != nil {
		return Membership{}, errs.Wrap("group: accept", err)
	}
	s.record(ctx, v.Group, engagement.Event{Kind: engagement.GroupJoined, UserID: m.UserID, ActorID: actor.UserID})
	return m, nil
}

// Decline refuses a pending request; facilitators and staff only.
func (s *Service) Decline(ctx context.Context, actor auth.Actor, membershipID string) (Membership, error) {
	m, v, err := s.managed(ctx, actor, membershipID)
	if err != nil {
		return Membership{}, err
	}
	if m.Status != Pending {
		return Membership{}, errs.E(errs.Conflict, "there is no open request to decline")
	}
	return s.end(ctx, v.Group, m, Declined, actor)
}

// managed loads a membership for someone who manages its group.
func (s *Service) managed(ctx context.Context, actor auth.Actor, membershipID string) (Membership, View, error) {
	if !actor.Authenticated() {
		return Membership{}, View{}, errSignIn
	}
	m, err := s.membership(ctx, membershipID)
	if err != nil {
		return Membership{}, View{}, err
	}
	v, err := s.Get(ctx, actor, m.GroupID)
	if err != nil {
		return Membership{}, View{}, err
	}
	if !v.Manager() {
		if v.Insider() {
			return Membership{}, View{}, errs.E(errs.Forbidden, "only the group's facilitators can do this")
		}
		return Membership{}, View{}, errMembershipMissing
	}
	return m, v, nil
}

func (s *Service) membership(ctx context.Context, id string) (Membership, error) {
	if id == "" {
		return Membership{}, errMembershipMissing
	}
	m, err := s.repo.Membership(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Membership{}, errMembershipMissing
	}
	return m, errs.Wrap("group: membership", err)
}

// end closes a membership and withdraws its RSVPs to meetings that have not begun.
func (s *Service) end(ctx context.Context, g Group, m Membership, to Status, actor auth.Actor) (Membership, error) {
	wasActive := m.Status == Active
	m, err := s.close(ctx, m, to)
	if err != nil {
		return Membership{}, err
	}
	if wasActive {
		by := ""
		if actor.UserID != m.UserID {
			by = actor.UserID
		}
		s.record(ctx, g, engagement.Event{Kind: engagement.GroupLeft, UserID: m.UserID, ActorID: by})
	}
	return m, nil
}

// close sets a current membership's final status and withdraws its RSVPs to meetings that
// have not begun, so that the places go to the waitlist.
func (s *Service) close(ctx context.Context, m Membership, to Status) (Membership, error) {
	m, err := s.repo.UpdateMembership(ctx, m.ID, func(m *Membership) error {
		if !m.Status.Current() {
			return errs.E(errs.Conflict, "this membership has ended already")
		}
		m.Status, m.UpdatedAt = to, s.now()
		return nil
	})
	if err != nil {
		return Membership{}, errs.Wrap("group: end membership", err)
	}
	rsvps, err := s.repo.RSVPsOfMembership(ctx, m.ID)
	if err != nil {
		return Membership{}, errs.Wrap("group: rsvps of member", err)
	}
	for _, r := range rsvps {
		mt, err := s.repo.Meeting(ctx, r.MeetingID)
		if err != nil || !mt.StartsAt.After(s.now()) {
			continue
		}
		if err := s.withdraw(ctx, mt, m.ID); err != nil {
			s.log.ErrorContext(ctx, "group: withdraw rsvp of a leaving member", "err", err, "meeting", mt.ID)
		}
	}
	return m, nil
}

// Identity is who is behind a pseudonym.
type Identity struct {
	MembershipID string
	Pseudonym    string
	UserID       string
	DisplayName  string
	Email        string
}

// Resolve tells a coordinator of the group's organisation who is behind a membership, for a
// stated reason (a safeguarding concern, a legal request). The resolution is written to the
// audit log before the answer is given; facilitators and members cannot resolve anyone.
func (s *Service) Resolve(ctx context.Context, actor auth.Actor, membershipID, reason string) (Identity, error) {
	if !actor.Authenticated() {
		return Identity{}, errSignIn
	}
	why, err := audit.Reason("reason", reason)
	if err != nil {
		return Identity{}, err
	}
	m, err := s.membership(ctx, membershipID)
	if err != nil {
		return Identity{}, err
	}
	if !s.isStaff(ctx, actor, m.OrganisationID) {
		// Members and facilitators learn nothing, not even whether the ID exists.
		return Identity{}, errs.E(errs.Forbidden, "only the organisation's coordinators can resolve a pseudonym")
	}
	users, err := s.users.UsersByIDs(ctx, []string{m.UserID})
	if err != nil {
		return Identity{}, errs.Wrap("group: resolve", err)
	}
	u, ok := users[m.UserID]
	if !ok {
		return Identity{}, errs.E(errs.NotFound, "the account behind this membership no longer exists")
	}
	if err := s.audit.Record(ctx, audit.Entry{OrganisationID: m.OrganisationID, ActorID: actor.UserID, SubjectUserID: m.UserID,
		Action: audit.ResolvePseudonym, Target: "membership:" + m.ID, Reason: why}); err != nil {
		return Identity{}, err
	}
	return Identity{MembershipID: m.ID, Pseudonym: m.Pseudonym, UserID: u.ID, DisplayName: u.DisplayName, Email: u.Email}, nil
}
