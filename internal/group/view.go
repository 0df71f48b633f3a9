package group

import (
	"context"
	"slices"
	"strings"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// View is a group as one actor sees it.
type View struct {
	Group
	// Mine is the actor's current membership (active or requested), if any.
	Mine *Membership
	// Facilitator: the actor facilitates the group. Staff: the actor is a coordinator of its
	// organisation.
	Facilitator bool
	Staff       bool
	MemberCount int
}

// Member reports whether the actor is an active member.
func (v View) Member() bool { return v.Mine != nil && v.Mine.Status == Active }

// Insider reports whether the actor may see the members, the place and the link.
func (v View) Insider() bool { return v.Member() || v.Facilitator || v.Staff }

// Manager reports whether the actor may manage meetings and members.
func (v View) Manager() bool { return v.Facilitator || v.Staff }

// CanManage is Manager, named for the API.
func (v View) CanManage() bool { return v.Manager() }

// PlaceFor returns the exact place for insiders, else "".
func (v View) PlaceFor() string {
	if v.Insider() {
		return v.Place
	}
	return ""
}

// LinkFor returns the online link for insiders, else "".
func (v View) LinkFor() string {
	if v.Insider() {
		return v.OnlineURL
	}
	return ""
}

// Viewer returns a function that shows groups found elsewhere (search, recommendations) as
// the actor sees them; it asks once per organisation whether the actor is its staff.
func (s *Service) Viewer(ctx context.Context, actor auth.Actor) func(Group) (View, error) {
	staff := map[string]bool{}
	return func(g Group) (View, error) { return s.viewWith(ctx, actor, g, staff) }
}

func (s *Service) view(ctx context.Context, actor auth.Actor, g Group) (View, error) {
	return s.viewWith(ctx, actor, g, nil)
}

// viewWith is view with a memo of the actor's staff roles by organisation (nil: none).
func (s *Service) viewWith(ctx context.Context, actor auth.Actor, g Group, staff map[string]bool) (View, error) {
	v := View{Group: g, Facilitator: g.IsFacilitator(actor.UserID)}
	members, err := s.repo.MembershipsOfGroup(ctx, g.ID)
	if err != nil {
		return View{}, errs.Wrap("group: members", err)
	}
	for _, m := range members {
		if m.Status == Active {
			v.MemberCount++
		}
		if actor.Authenticated() && m.UserID == actor.UserID && m.Status.Current() {
			mm := m
			v.Mine = &mm
		}
	}
	if !v.Facilitator {
		// Also for members: a coordinator who belongs to a group still manages it.
		is, known := staff[g.OrganisationID]
		if !known {
			is = s.isStaff(ctx, actor, g.OrganisationID)
			if staff != nil {
				staff[g.OrganisationID] = is
			}
		}
		v.Staff = is
	}
	return v, nil
}

// Member is how members see each other: a pseudonym, nothing else.
type Member struct {
	// ID is the membership's random ID.
	ID          string
	Pseudonym   string
	Status      Status
	Facilitator bool
	// IsMe marks the actor's own membership.
	IsMe bool
}

func memberOf(g Group, m Membership, actor auth.Actor) Member {
	return Member{ID: m.ID, Pseudonym: m.Pseudonym, Status: m.Status, Facilitator: g.IsFacilitator(m.UserID),
		IsMe: actor.Authenticated() && m.UserID == actor.UserID}
}

// Members lists the active members by pseudonym, for insiders; others get an empty list.
func (s *Service) Members(ctx context.Context, actor auth.Actor, groupID string) ([]Member, error) {
	return s.membersWith(ctx, actor, groupID, Active, View.Insider)
}

// Requests lists the pending membership requests, for facilitators and staff.
func (s *Service) Requests(ctx context.Context, actor auth.Actor, groupID string) ([]Member, error) {
	return s.membersWith(ctx, actor, groupID, Pending, View.Manager)
}

func (s *Service) membersWith(ctx context.Context, actor auth.Actor, groupID string, status Status, may func(View) bool) ([]Member, error) {
	v, err := s.Get(ctx, actor, groupID)
	if err != nil || !may(v) {
		return []Member{}, err
	}
	list, err := s.repo.MembershipsOfGroup(ctx, groupID)
	if err != nil {
		return nil, errs.Wrap("group: members", err)
	}
	out := []Member{}
	for _, m := range list {
		if m.Status == status {
			out = append(out, memberOf(v.Group, m, actor))
		}
	}
	// By pseudonym: the order of joining would tell who came when.
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(Fold(a.Pseudonym), Fold(b.Pseudonym)) })
	return out, nil
}

// MyMembership pairs a membership of the actor with its group.
type MyMembership struct {
	Membership Membership
	Group      View
}

// Mine lists the actor's current memberships and requests.
func (s *Service) Mine(ctx context.Context, actor auth.Actor) ([]MyMembership, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	list, err := s.repo.MembershipsOfUser(ctx, actor.UserID)
	if err != nil {
		return nil, errs.Wrap("group: my memberships", err)
	}
	out := []MyMembership{}
	for _, m := range list {
		if !m.Status.Current() {
			continue
		}
		v, err := s.Get(ctx, actor, m.GroupID)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, MyMembership{Membership: m, Group: v})
	}
	slices.SortFunc(out, func(a, b MyMembership) int { return strings.Compare(a.Group.Name, b.Group.Name) })
	return out, nil
}
