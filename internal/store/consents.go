package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/consent"
)

const collConsents = "consents"

func init() {
	indexes[collConsents] = append(indexes[collConsents], indexModel(bson.D{{Key: "userId", Value: 1}, {Key: "_id", Value: 1}}, "user"))
}

// consentDoc is one decision; decisions are inserted, never updated.
type consentDoc struct {
	ID             string    `bson:"_id"`
	UserID         string    `bson:"userId"`
	Purpose        string    `bson:"purpose"`
	Version        int       `bson:"version"`
	Granted        bool      `bson:"granted"`
	Method         string    `bson:"method"`
	RecordedBy     string    `bson:"recordedBy"`
	OrganisationID string    `bson:"organisationId,omitempty"`
	Note           string    `bson:"note,omitempty"`
	At             time.Time `bson:"at"`
}

// Consents is the append-only consent history.
type Consents struct{ s *Store }

// Consents returns the consent history.
func (s *Store) Consents() *Consents { return &Consents{s: s} }

var _ consent.Store = (*Consents)(nil)

// AppendConsent inserts a decision.
func (r *Consents) AppendConsent(ctx context.Context, c consent.Record) error {
	d := consentDoc{ID: newID(), UserID: c.UserID, Purpose: string(c.Purpose), Version: c.Version, Granted: c.Granted,
		Method: string(c.Method), RecordedBy: c.RecordedBy, OrganisationID: c.OrganisationID, Note: c.Note, At: c.At.UTC()}
	if _, err := r.s.coll(collConsents).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: append consent: %w", err)
	}
	return nil
}

// ConsentsOf lists a user's decisions, oldest first (IDs grow with time).
func (r *Consents) ConsentsOf(ctx context.Context, userID string) ([]consent.Record, error) {
	docs, err := findAll[consentDoc](ctx, r.s, collConsents, bson.D{{Key: "userId", Value: userID}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]consent.Record, len(docs))
	for i, d := range docs {
		out[i] = consent.Record{ID: d.ID, UserID: d.UserID, Purpose: consent.Purpose(d.Purpose), Version: d.Version, Granted: d.Granted,
			Method: consent.Method(d.Method), RecordedBy: d.RecordedBy, OrganisationID: d.OrganisationID, Note: d.Note, At: d.At}
	}
	return out, nil
}
