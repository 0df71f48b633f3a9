package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/group"
)

// membershipDoc carries its unique keys only while the membership is current (active or
// requested), so that a person who left can join again and their pseudonym becomes free.
type membershipDoc struct {
	ID               string    `bson:"_id"`
	GroupID          string    `bson:"groupId"`
	OrganisationID   string    `bson:"organisationId"`
	UserID           string    `bson:"userId"`
	Pseudonym        string    `bson:"pseudonym"`
	Status           string    `bson:"status"`
	CurrentKey       string    `bson:"currentKey,omitempty"`
	PseudonymKey     string    `bson:"pseudonymKey,omitempty"`
	UserPseudonymKey string    `bson:"userPseudonymKey,omitempty"`
	CreatedAt        time.Time `bson:"createdAt"`
	UpdatedAt        time.Time `bson:"updatedAt"`
	Revision         `bson:",inline"`
}

func membershipToDoc(m group.Membership) membershipDoc {
	d := membershipDoc{ID: m.ID, GroupID: m.GroupID, OrganisationID: m.OrganisationID, UserID: m.UserID, Pseudonym: m.Pseudonym,
		Status: string(m.Status), CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC()}
	if m.Status.Current() {
		folded := group.Fold(m.Pseudonym)
		d.CurrentKey = m.GroupID + "|" + m.UserID
		d.PseudonymKey = m.GroupID + "|" + folded
		d.UserPseudonymKey = m.UserID + "|" + folded
	}
	return d
}

func (d *membershipDoc) membership() group.Membership {
	return group.Membership{ID: d.ID, GroupID: d.GroupID, OrganisationID: d.OrganisationID, UserID: d.UserID,
		Pseudonym: d.Pseudonym, Status: group.Status(d.Status), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// InsertMembership stores a membership; errs.ErrDuplicate when the person is a member already,
// the pseudonym is taken in the group, or the person uses it in another group.
func (r *Groups) InsertMembership(ctx context.Context, m group.Membership) error {
	return r.insert(ctx, collGroupMemberships, membershipToDoc(m))
}

// UpdateMembership changes a membership; its keys follow its status.
func (r *Groups) UpdateMembership(ctx context.Context, id string, change func(*group.Membership) error) (group.Membership, error) {
	return updateAs(ctx, r.s, collGroupMemberships, id, membershipToDoc, (*membershipDoc).membership, change)
}

// Membership returns errs.ErrNotFound for an unknown id.
func (r *Groups) Membership(ctx context.Context, id string) (group.Membership, error) {
	return findOneAs(ctx, r.s, collGroupMemberships, id, (*membershipDoc).membership)
}

// MembershipsOfGroup lists every membership of a group, current or not.
func (r *Groups) MembershipsOfGroup(ctx context.Context, groupID string) ([]group.Membership, error) {
	return findAs(ctx, r.s, collGroupMemberships, bson.D{{Key: "groupId", Value: groupID}}, (*membershipDoc).membership)
}

// MembershipsOfUser lists every membership of a person.
func (r *Groups) MembershipsOfUser(ctx context.Context, userID string) ([]group.Membership, error) {
	return findAs(ctx, r.s, collGroupMemberships, bson.D{{Key: "userId", Value: userID}}, (*membershipDoc).membership)
}

// AllMemberships lists every membership, for keeping them in memory.
func (r *Groups) AllMemberships(ctx context.Context) ([]group.Membership, error) {
	return findAs(ctx, r.s, collGroupMemberships, bson.D{}, (*membershipDoc).membership)
}
