// Package organisation holds the organisations that publish opportunities and the roles of
// their staff. It is the place every other domain asks "may this actor act for this
// organisation?".
package organisation

import (
	"context"
	"time"
)

// Role is what a member may do in an organisation.
type Role string

const (
	// RoleAdmin manages members and everything a coordinator can do.
	RoleAdmin Role = "ADMIN"
	// RoleCoordinator publishes opportunities and works with volunteers.
	RoleCoordinator Role = "COORDINATOR"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleCoordinator }

// Member is a user's role in an organisation.
type Member struct {
	UserID string
	Role   Role
	Since  time.Time
}

// Organisation is a welfare association, club, counselling service or contact point. Its
// staff are few, so members live in the organisation's own record.
type Organisation struct {
	ID           string
	Name         string
	Description  string
	ContactEmail string
	Members      []Member
	CreatedAt    time.Time
}

// RoleOf returns the user's role, if they are a member.
func (o Organisation) RoleOf(userID string) (Role, bool) {
	for _, m := range o.Members {
		if m.UserID == userID {
			return m.Role, true
		}
	}
	return "", false
}

func (o Organisation) admins() int {
	n := 0
	for _, m := range o.Members {
		if m.Role == RoleAdmin {
			n++
		}
	}
	return n
}

// Repo is the storage the organisation service needs.
type Repo interface {
	Insert(ctx context.Context, o *Organisation) error
	// ByID returns errs.ErrNotFound when there is no such organisation.
	ByID(ctx context.Context, id string) (Organisation, error)
	ByIDs(ctx context.Context, ids []string) (map[string]Organisation, error)
	// Update applies change to the current record and stores the result, with no other write
	// to the same organisation in between. A change that returns an error stores nothing.
	Update(ctx context.Context, id string, change func(*Organisation) error) (Organisation, error)
	// WithMember lists the organisations the user is a member of.
	WithMember(ctx context.Context, userID string) ([]Organisation, error)
}

// Users finds accounts by e-mail for adding members.
type Users interface {
	// UserIDByEmail returns errs.ErrNotFound for an unknown address.
	UserIDByEmail(ctx context.Context, email string) (string, error)
}
