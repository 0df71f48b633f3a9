package organisation

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// Limits on organisation texts.
const (
	MinNameRunes        = 2
	MaxNameRunes        = 120
	MaxDescriptionRunes = 4000
	// MaxMembers bounds the staff list kept in one record.
	MaxMembers = 500
)

// Service manages organisations and their staff.
type Service struct {
	repo  Repo
	users Users
	now   func() time.Time
}

// NewService returns an organisation service.
func NewService(repo Repo, users Users) *Service {
	return &Service{repo: repo, users: users, now: time.Now}
}

var errSignIn = errs.E(errs.Unauthenticated, "sign in first")

// CreateInput describes a new organisation.
type CreateInput struct {
	Name         string
	Description  string
	ContactEmail string
}

// Create registers an organisation with the actor as its first admin.
func (s *Service) Create(ctx context.Context, actor auth.Actor, in CreateInput) (Organisation, error) {
	if !actor.Authenticated() {
		return Organisation{}, errSignIn
	}
	name, err := input.Text("input.name", in.Name, MinNameRunes, MaxNameRunes)
	if err != nil {
		return Organisation{}, err
	}
	desc, err := input.Text("input.description", in.Description, 0, MaxDescriptionRunes)
	if err != nil {
		return Organisation{}, err
	}
	contact := ""
	if in.ContactEmail != "" {
		if contact, err = input.Email("input.contactEmail", in.ContactEmail); err != nil {
			return Organisation{}, err
		}
	}
	now := s.now()
	o := Organisation{
		Name: name, Description: desc, ContactEmail: contact, CreatedAt: now,
		Members: []Member{{UserID: actor.UserID, Role: RoleAdmin, Since: now}},
	}
	if err := s.repo.Insert(ctx, &o); err != nil {
		return Organisation{}, errs.Wrap("organisation: create", err)
	}
	return o, nil
}

// Get returns an organisation's public record. Whether the actor may see its members is
// decided by Members.
func (s *Service) Get(ctx context.Context, id string) (Organisation, error) {
	o, err := s.repo.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Organisation{}, errs.E(errs.NotFound, "organisation not found")
	}
	return o, errs.Wrap("organisation: get", err)
}

// ByIDs loads organisations for batch loaders.
func (s *Service) ByIDs(ctx context.Context, ids []string) (map[string]Organisation, error) {
	m, err := s.repo.ByIDs(ctx, ids)
	return m, errs.Wrap("organisation: by ids", err)
}

// Members returns the staff list, which only members of the organisation may read.
func (s *Service) Members(actor auth.Actor, o Organisation) ([]Member, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	if _, ok := o.RoleOf(actor.UserID); !ok {
		return nil, errs.E(errs.Forbidden, "only members of the organisation can see its members")
	}
	return o.Members, nil
}

// Authorize returns the organisation when the actor holds one of the roles in it. Every domain
// that acts for an organisation calls it before reading or writing the organisation's objects.
func (s *Service) Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...Role) (Organisation, error) {
	if !actor.Authenticated() {
		return Organisation{}, errSignIn
	}
	o, err := s.Get(ctx, orgID)
	if err != nil {
		return Organisation{}, err
	}
	if err := requireRole(o, actor, roles); err != nil {
		return Organisation{}, err
	}
	return o, nil
}

// IsAdmin reports whether the actor is an admin of the organisation.
func (s *Service) IsAdmin(ctx context.Context, actor auth.Actor, orgID string) bool {
	_, err := s.Authorize(ctx, actor, orgID, RoleAdmin)
	return err == nil
}

func requireRole(o Organisation, actor auth.Actor, roles []Role) error {
	role, ok := o.RoleOf(actor.UserID)
	if !ok || !slices.Contains(roles, role) {
		return errs.E(errs.Forbidden, "you need the role %s in this organisation", roles[0])
	}
	return nil
}

// AddMember makes the user with the e-mail a member with role, or changes their role. Admins only.
func (s *Service) AddMember(ctx context.Context, actor auth.Actor, orgID, email string, role Role) (Organisation, error) {
	if _, err := s.Authorize(ctx, actor, orgID, RoleAdmin); err != nil {
		return Organisation{}, err
	}
	if !role.Valid() {
		return Organisation{}, errs.InvalidField("role", "unknown role")
	}
	addr, err := input.Email("email", email)
	if err != nil {
		return Organisation{}, err
	}
	userID, err := s.users.UserIDByEmail(ctx, addr)
	if errors.Is(err, errs.ErrNotFound) {
		return Organisation{}, &errs.Error{Kind: errs.NotFound, Field: "email", Msg: "no account uses this e-mail address; ask the person to register first"}
	}
	if err != nil {
		return Organisation{}, errs.Wrap("organisation: add member", err)
	}
	now := s.now()
	o, err := s.repo.Update(ctx, orgID, func(o *Organisation) error {
		// The record may have changed since Authorize read it.
		if err := requireRole(*o, actor, []Role{RoleAdmin}); err != nil {
			return err
		}
		for i := range o.Members {
			if o.Members[i].UserID == userID {
				if o.Members[i].Role == RoleAdmin && role != RoleAdmin && o.admins() == 1 {
					return &errs.Error{Kind: errs.Conflict, Field: "role", Msg: "an organisation needs at least one admin"}
				}
				o.Members[i].Role = role
				return nil
			}
		}
		if len(o.Members) >= MaxMembers {
			return errs.E(errs.Conflict, "an organisation can have at most %d members", MaxMembers)
		}
		o.Members = append(o.Members, Member{UserID: userID, Role: role, Since: now})
		return nil
	})
	return o, s.updateErr("organisation: add member", err)
}

// RemoveMember removes a user from the staff. Admins may remove anyone; members may leave.
// The last admin cannot go.
func (s *Service) RemoveMember(ctx context.Context, actor auth.Actor, orgID, userID string) (Organisation, error) {
	if !actor.Authenticated() {
		return Organisation{}, errSignIn
	}
	o, err := s.repo.Update(ctx, orgID, func(o *Organisation) error {
		if actor.UserID != userID {
			if err := requireRole(*o, actor, []Role{RoleAdmin}); err != nil {
				return err
			}
		}
		i := slices.IndexFunc(o.Members, func(m Member) bool { return m.UserID == userID })
		if i < 0 {
			return &errs.Error{Kind: errs.NotFound, Field: "userId", Msg: "not a member of this organisation"}
		}
		if o.Members[i].Role == RoleAdmin && o.admins() == 1 {
			return &errs.Error{Kind: errs.Conflict, Field: "userId", Msg: "an organisation needs at least one admin"}
		}
		o.Members = slices.Delete(o.Members, i, i+1)
		return nil
	})
	return o, s.updateErr("organisation: remove member", err)
}

func (s *Service) updateErr(op string, err error) error {
	if errors.Is(err, errs.ErrNotFound) {
		return errs.E(errs.NotFound, "organisation not found")
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	return errs.Wrap(op, err)
}

// Membership is one organisation a user belongs to, with their role there.
type Membership struct {
	Organisation Organisation
	Role         Role
}

// MembershipsOf lists the actor's organisations.
func (s *Service) MembershipsOf(ctx context.Context, actor auth.Actor) ([]Membership, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	orgs, err := s.repo.WithMember(ctx, actor.UserID)
	if err != nil {
		return nil, errs.Wrap("organisation: memberships", err)
	}
	out := make([]Membership, 0, len(orgs))
	for _, o := range orgs {
		role, _ := o.RoleOf(actor.UserID)
		out = append(out, Membership{Organisation: o, Role: role})
	}
	return out, nil
}
