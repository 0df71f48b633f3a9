package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/audit"
)

const collAudit = "audit"

func init() {
	indexes[collAudit] = append(indexes[collAudit],
		indexModel(bson.D{{Key: "organisationId", Value: 1}, {Key: "_id", Value: -1}}, "organisation"),
		indexModel(bson.D{{Key: "subjectUserId", Value: 1}}, "subject"),
		indexModel(bson.D{{Key: "at", Value: 1}}, "at"))
}

// auditDoc is one access; it is inserted and never updated, except that an erasure replaces
// the people in it by a pseudonym.
type auditDoc struct {
	ID             string    `bson:"_id"`
	At             time.Time `bson:"at"`
	ActorID        string    `bson:"actorId"`
	SubjectUserID  string    `bson:"subjectUserId"`
	OrganisationID string    `bson:"organisationId,omitempty"`
	Action         string    `bson:"action"`
	Target         string    `bson:"target,omitempty"`
	Reason         string    `bson:"reason,omitempty"`
}

func (d *auditDoc) entry() audit.Entry {
	return audit.Entry{ID: d.ID, At: d.At, ActorID: d.ActorID, SubjectUserID: d.SubjectUserID, OrganisationID: d.OrganisationID,
		Action: d.Action, Target: d.Target, Reason: d.Reason}
}

// Audit is the append-only audit log.
type Audit struct{ s *Store }

// Audit returns the audit log.
func (s *Store) Audit() *Audit { return &Audit{s: s} }

var _ audit.Store = (*Audit)(nil)

// AppendAudit inserts an entry; its ID orders entries by time.
func (r *Audit) AppendAudit(ctx context.Context, e audit.Entry) error {
	d := auditDoc{ID: newID(), At: e.At.UTC(), ActorID: e.ActorID, SubjectUserID: e.SubjectUserID, OrganisationID: e.OrganisationID,
		Action: e.Action, Target: e.Target, Reason: e.Reason}
	if _, err := r.s.coll(collAudit).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

// AuditOfOrganisation lists an organisation's entries, newest first; limit 0 means all.
func (r *Audit) AuditOfOrganisation(ctx context.Context, orgID, beforeID string, limit int) ([]audit.Entry, error) {
	filter, opts := newestFirst("organisationId", orgID, beforeID, limit)
	return r.find(ctx, filter, opts)
}

// newestFirst selects the documents whose field has the value, newest first (IDs grow with
// time), older than the cursor ID if any, at most limit (0: all).
func newestFirst(field, value, beforeID string, limit int) (bson.D, *options.FindOptionsBuilder) {
	filter := bson.D{{Key: field, Value: value}}
	if beforeID != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: beforeID}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return filter, opts
}

// AuditAbout lists the entries whose subject or actor is the user, newest first.
func (r *Audit) AuditAbout(ctx context.Context, userID string) ([]audit.Entry, error) {
	return r.find(ctx, bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "subjectUserId", Value: userID}}, bson.D{{Key: "actorId", Value: userID}}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
}

// PseudonymiseAudit replaces the user by the pseudonym wherever they appear, so that the log
// still shows that an access happened without saying to or by whom.
func (r *Audit) PseudonymiseAudit(ctx context.Context, userID, pseudonym string) error {
	for _, field := range []string{"subjectUserId", "actorId"} {
		if _, err := r.s.coll(collAudit).UpdateMany(ctx, bson.D{{Key: field, Value: userID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: pseudonym}}}}); err != nil {
			return fmt.Errorf("store: pseudonymise audit: %w", err)
		}
	}
	return nil
}

// PruneAudit deletes entries older than before.
func (r *Audit) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := r.s.coll(collAudit).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune audit: %w", err)
	}
	return res.DeletedCount, nil
}

func (r *Audit) find(ctx context.Context, filter bson.D, opts ...options.Lister[options.FindOptions]) ([]audit.Entry, error) {
	docs, err := findAll[auditDoc](ctx, r.s, collAudit, filter, opts...)
	if err != nil {
		return nil, err
	}
	out := make([]audit.Entry, len(docs))
	for i := range docs {
		out[i] = docs[i].entry()
	}
	return out, nil
}
