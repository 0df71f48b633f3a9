package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/lease"
)

const (
	collLeases        = "leases"
	collLeaseReleases = "leaseReleases"
)

func init() {
	indexes[collLeases] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiry")},
	}
	indexes[collLeaseReleases] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiry")},
	}
}

// leaseDoc is one claim of a lease. Claims are inserted, never updated: the unique _id
// (job@slot#round) decides between processes, which the embedded store guarantees even
// though it does not isolate conditional updates.
type leaseDoc struct {
	ID         string    `bson:"_id"`
	Job        string    `bson:"job"`
	Owner      string    `bson:"owner"`
	Slot       time.Time `bson:"slot"`
	Round      int       `bson:"round"`
	Tenure     string    `bson:"tenure"`
	AcquiredAt time.Time `bson:"acquiredAt"`
	ExpiresAt  time.Time `bson:"expiresAt"`
}

// leaseReleaseDoc marks a claim released; its _id is the claim's.
type leaseReleaseDoc struct {
	ID         string    `bson:"_id"`
	Owner      string    `bson:"owner"`
	ReleasedAt time.Time `bson:"releasedAt"`
	// ExpiresAt equals ReleasedAt: a marker is pruned with the claims that expired by then,
	// and a claim whose marker goes first merely looks held until it lapses.
	ExpiresAt time.Time `bson:"expiresAt"`
}

// Leases stores the claims of job leases.
type Leases struct{ s *Store }

// Leases returns the lease repository.
func (s *Store) Leases() *Leases { return &Leases{s: s} }

var _ lease.Store = (*Leases)(nil)

// InsertClaim stores a claim; errs.ErrDuplicate when its ID is taken.
func (r *Leases) InsertClaim(ctx context.Context, c lease.Claim) error {
	return insertOne(ctx, r.s, collLeases, leaseDoc{ID: c.ID, Job: c.Job, Owner: c.Owner, Slot: c.Slot.UTC(),
		Round: c.Round, Tenure: c.Tenure, AcquiredAt: c.AcquiredAt.UTC(), ExpiresAt: c.ExpiresAt.UTC()})
}

// Claim returns errs.ErrNotFound for an unknown id.
func (r *Leases) Claim(ctx context.Context, id string) (lease.Claim, error) {
	d, err := findOne[leaseDoc](ctx, r.s, collLeases, id)
	if err != nil {
		return lease.Claim{}, err
	}
	return lease.Claim{ID: d.ID, Job: d.Job, Owner: d.Owner, Slot: d.Slot, Round: d.Round, Tenure: d.Tenure,
		AcquiredAt: d.AcquiredAt, ExpiresAt: d.ExpiresAt}, nil
}

// InsertRelease marks a claim released; a second marker is a no-op.
func (r *Leases) InsertRelease(ctx context.Context, claimID, owner string, at time.Time) error {
	_, err := r.s.coll(collLeaseReleases).InsertOne(ctx, leaseReleaseDoc{ID: claimID, Owner: owner, ReleasedAt: at.UTC(),
		ExpiresAt: at.UTC()})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("store: release lease claim: %w", err)
	}
	return nil
}

// Released reports whether the claim carries a release marker.
func (r *Leases) Released(ctx context.Context, claimID string) (bool, error) {
	_, err := findOne[leaseReleaseDoc](ctx, r.s, collLeaseReleases, claimID)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// PruneClaims deletes claims that expired before t and release markers of the same age.
// Nothing reads a claim of a past slot, so deleting them cannot hand a lease out twice.
func (r *Leases) PruneClaims(ctx context.Context, before time.Time) (int64, error) {
	filter := bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}
	claims, err := r.s.coll(collLeases).DeleteMany(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("store: prune lease claims: %w", err)
	}
	marks, err := r.s.coll(collLeaseReleases).DeleteMany(ctx, filter)
	if err != nil {
		return claims.DeletedCount, fmt.Errorf("store: prune lease releases: %w", err)
	}
	return claims.DeletedCount + marks.DeletedCount, nil
}
