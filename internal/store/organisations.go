package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/organisation"
)

const collOrganisations = "organisations"

type memberDoc struct {
	UserID string    `bson:"userId"`
	Role   string    `bson:"role"`
	Since  time.Time `bson:"since"`
}

type organisationDoc struct {
	ID           string      `bson:"_id"`
	Name         string      `bson:"name"`
	Description  string      `bson:"description"`
	ContactEmail string      `bson:"contactEmail,omitempty"`
	Members      []memberDoc `bson:"members"`
	CreatedAt    time.Time   `bson:"createdAt"`
	Revision     `bson:",inline"`
}

func organisationToDoc(o *organisation.Organisation) organisationDoc {
	d := organisationDoc{ID: o.ID, Name: o.Name, Description: o.Description, ContactEmail: o.ContactEmail,
		CreatedAt: o.CreatedAt.UTC(), Members: make([]memberDoc, len(o.Members))}
	for i, m := range o.Members {
		d.Members[i] = memberDoc{UserID: m.UserID, Role: string(m.Role), Since: m.Since.UTC()}
	}
	return d
}

func (d *organisationDoc) organisation() organisation.Organisation {
	o := organisation.Organisation{ID: d.ID, Name: d.Name, Description: d.Description, ContactEmail: d.ContactEmail,
		CreatedAt: d.CreatedAt, Members: make([]organisation.Member, len(d.Members))}
	for i, m := range d.Members {
		o.Members[i] = organisation.Member{UserID: m.UserID, Role: organisation.Role(m.Role), Since: m.Since}
	}
	return o
}

// Organisations is the organisation repository.
type Organisations struct{ s *Store }

// Organisations returns the organisation repository.
func (s *Store) Organisations() *Organisations { return &Organisations{s: s} }

var _ organisation.Repo = (*Organisations)(nil)

// Insert stores a new organisation and gives it an ID.
func (r *Organisations) Insert(ctx context.Context, o *organisation.Organisation) error {
	o.ID = newID()
	if _, err := r.s.coll(collOrganisations).InsertOne(ctx, organisationToDoc(o)); err != nil {
		return fmt.Errorf("store: insert organisation: %w", err)
	}
	return nil
}

// ByID returns errs.ErrNotFound for an unknown id.
func (r *Organisations) ByID(ctx context.Context, id string) (organisation.Organisation, error) {
	d, err := findOne[organisationDoc](ctx, r.s, collOrganisations, id)
	if err != nil {
		return organisation.Organisation{}, err
	}
	return d.organisation(), nil
}

// ByIDs returns the organisations that exist among ids.
func (r *Organisations) ByIDs(ctx context.Context, ids []string) (map[string]organisation.Organisation, error) {
	docs, err := findByIDs(ctx, r.s, collOrganisations, ids, func(d *organisationDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]organisation.Organisation, len(docs))
	for id, d := range docs {
		out[id] = d.organisation()
	}
	return out, nil
}

// Update applies change through the store's read-modify-write path.
func (r *Organisations) Update(ctx context.Context, id string, change func(*organisation.Organisation) error) (organisation.Organisation, error) {
	d, err := updateDoc(ctx, r.s, collOrganisations, id, func(d *organisationDoc) error {
		o := d.organisation()
		if err := change(&o); err != nil {
			return err
		}
		next := organisationToDoc(&o)
		*d = next
		return nil
	})
	if err != nil {
		return organisation.Organisation{}, err
	}
	return d.organisation(), nil
}

// WithMember lists the organisations the user is a member of, by name.
func (r *Organisations) WithMember(ctx context.Context, userID string) ([]organisation.Organisation, error) {
	docs, err := findAll[organisationDoc](ctx, r.s, collOrganisations, bson.D{{Key: "members.userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	out := make([]organisation.Organisation, len(docs))
	for i := range docs {
		out[i] = docs[i].organisation()
	}
	return out, nil
}

// AllOrganisations lists every organisation, for loading them into memory.
func (r *Organisations) AllOrganisations(ctx context.Context) ([]organisation.Organisation, error) {
	docs, err := findAll[organisationDoc](ctx, r.s, collOrganisations, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make([]organisation.Organisation, len(docs))
	for i := range docs {
		out[i] = docs[i].organisation()
	}
	return out, nil
}
