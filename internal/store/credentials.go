package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/training"
)

const collCredentials = "credentials"

func init() {
	indexes[collCredentials] = append(indexes[collCredentials],
		indexModel(bson.D{{Key: "userId", Value: 1}}, "user"),
		indexModel(bson.D{{Key: "organisationId", Value: 1}}, "organisation"))
}

// credentialDoc holds dates only; the document a coordinator saw is never stored. Its _id is
// "<organisation>:<user>:<kind>", so recording the kind again replaces it.
type credentialDoc struct {
	ID             string    `bson:"_id"`
	OrganisationID string    `bson:"organisationId"`
	UserID         string    `bson:"userId"`
	Kind           string    `bson:"kind"`
	DocumentDate   time.Time `bson:"documentDate"`
	SeenDate       time.Time `bson:"seenDate"`
	ValidUntil     time.Time `bson:"validUntil,omitempty"`
	VerifiedBy     string    `bson:"verifiedBy"`
	RecordedAt     time.Time `bson:"recordedAt"`
}

func (d *credentialDoc) credential() training.Credential {
	return training.Credential{ID: d.ID, OrganisationID: d.OrganisationID, UserID: d.UserID, Kind: d.Kind,
		DocumentDate: training.DateFrom(d.DocumentDate), SeenDate: training.DateFrom(d.SeenDate),
		ValidUntil: training.DateFrom(d.ValidUntil), VerifiedBy: d.VerifiedBy, RecordedAt: d.RecordedAt}
}

// Credentials is the repository of verified credentials.
type Credentials struct{ s *Store }

// Credentials returns the credential repository.
func (s *Store) Credentials() *Credentials { return &Credentials{s: s} }

var _ training.CredentialRepo = (*Credentials)(nil)

// PutCredential stores or replaces a credential.
func (r *Credentials) PutCredential(ctx context.Context, c training.Credential) error {
	d := credentialDoc{ID: c.ID, OrganisationID: c.OrganisationID, UserID: c.UserID, Kind: c.Kind,
		DocumentDate: c.DocumentDate.Time(), SeenDate: c.SeenDate.Time(), ValidUntil: c.ValidUntil.Time(),
		VerifiedBy: c.VerifiedBy, RecordedAt: c.RecordedAt.UTC()}
	return replaceUpsert(ctx, r.s, collCredentials, c.ID, d)
}

// Credential returns errs.ErrNotFound for an unknown id.
func (r *Credentials) Credential(ctx context.Context, id string) (training.Credential, error) {
	d, err := findOne[credentialDoc](ctx, r.s, collCredentials, id)
	if err != nil {
		return training.Credential{}, err
	}
	return d.credential(), nil
}

// DeleteCredentials deletes the credentials with the IDs.
func (r *Credentials) DeleteCredentials(ctx context.Context, ids []string) (int64, error) {
	res, err := r.s.coll(collCredentials).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return 0, fmt.Errorf("store: delete credentials: %w", err)
	}
	return res.DeletedCount, nil
}

func (r *Credentials) find(ctx context.Context, filter bson.D) ([]training.Credential, error) {
	docs, err := findAll[credentialDoc](ctx, r.s, collCredentials, filter)
	if err != nil {
		return nil, err
	}
	out := make([]training.Credential, len(docs))
	for i := range docs {
		out[i] = docs[i].credential()
	}
	return out, nil
}

// CredentialsOf lists a volunteer's credentials.
func (r *Credentials) CredentialsOf(ctx context.Context, userID string) ([]training.Credential, error) {
	return r.find(ctx, bson.D{{Key: "userId", Value: userID}})
}

// CredentialsOfOrganisation lists the credentials an organisation recorded.
func (r *Credentials) CredentialsOfOrganisation(ctx context.Context, orgID string) ([]training.Credential, error) {
	return r.find(ctx, bson.D{{Key: "organisationId", Value: orgID}})
}

// AllCredentials lists every credential, for the jobs that purge and remind.
func (r *Credentials) AllCredentials(ctx context.Context) ([]training.Credential, error) {
	return r.find(ctx, bson.D{})
}

// LastActivity returns, per training.ActivityKey(user, organisation), the end of the
// volunteer's latest shift with the organisation, from their signups of any status.
func (r *Signups) LastActivity(ctx context.Context, userIDs []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(userIDs) == 0 {
		return out, nil
	}
	type doc struct {
		UserID         string    `bson:"userId"`
		OrganisationID string    `bson:"organisationId"`
		ShiftEnd       time.Time `bson:"shiftEnd"`
	}
	docs, err := findAll[doc](ctx, r.s, collSignups, bson.D{{Key: "userId", Value: bson.D{{Key: "$in", Value: userIDs}}}},
		options.Find().SetProjection(bson.D{{Key: "userId", Value: 1}, {Key: "organisationId", Value: 1}, {Key: "shiftEnd", Value: 1}}))
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		k := training.ActivityKey(d.UserID, d.OrganisationID)
		if d.ShiftEnd.After(out[k]) {
			out[k] = d.ShiftEnd
		}
	}
	return out, nil
}

// EraseUser deletes a person's quiz attempts, completions, lesson progress and
// credentials, and puts the pseudonym where they appear as the coordinator who verified a
// credential or the author of a module. Running it again changes nothing more.
func (r *Training) EraseUser(ctx context.Context, userID, pseudonym string) error {
	s := r.s
	mine := bson.D{{Key: "userId", Value: userID}}
	for _, coll := range []string{collAttempts, collCompletions, collLessonsDone, collCredentials} {
		if _, err := s.coll(coll).DeleteMany(ctx, mine); err != nil {
			return fmt.Errorf("store: erase %s: %w", coll, err)
		}
	}
	for coll, field := range map[string]string{collCredentials: "verifiedBy", collModules: "createdBy", collModuleVersions: "createdBy"} {
		update := bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: pseudonym}}}}
		if coll == collModules {
			// Edits of a module are conditional on its version: one racing this update fails
			// and retries instead of writing the old author back.
			update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}})
		}
		_, err := s.coll(coll).UpdateMany(ctx, bson.D{{Key: field, Value: userID}}, update)
		if err != nil {
			return fmt.Errorf("store: pseudonymise %s: %w", coll, err)
		}
	}
	return nil
}
