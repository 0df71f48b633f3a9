package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/signup"
)

const collSignups = "signups"

// signupDoc carries three keys with sparse unique indexes, present only while they apply:
// activeKey (one active signup per volunteer and shift), seatKey (one holder per place) and
// waitKey (one signup per waitlist rank). Places are numbered within the capacity, so the
// place key alone keeps a shift from being oversold, whatever the processes writing.
type signupDoc struct {
	ID             string    `bson:"_id"`
	ShiftID        string    `bson:"shiftId"`
	OpportunityID  string    `bson:"opportunityId"`
	OrganisationID string    `bson:"organisationId"`
	UserID         string    `bson:"userId"`
	Status         string    `bson:"status"`
	Seat           int       `bson:"seat,omitempty"`
	WaitRank       int       `bson:"waitRank,omitempty"`
	ActiveKey      string    `bson:"activeKey,omitempty"`
	SeatKey        string    `bson:"seatKey,omitempty"`
	WaitKey        string    `bson:"waitKey,omitempty"`
	ShiftStart     time.Time `bson:"shiftStart,omitempty"`
	ShiftEnd       time.Time `bson:"shiftEnd"`
	AllowOverlap   bool      `bson:"allowOverlap,omitempty"`
	Hours          float64   `bson:"hours,omitempty"`
	HoursConfirmed bool      `bson:"hoursConfirmed,omitempty"`
	CheckedInAt    time.Time `bson:"checkedInAt,omitempty"`
	CancelReason   string    `bson:"cancelReason,omitempty"`
	CreatedBy      string    `bson:"createdBy"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
	Revision       `bson:",inline"`
}

func signupToDoc(s signup.Signup) signupDoc {
	d := signupDoc{ID: s.ID, ShiftID: s.ShiftID, OpportunityID: s.OpportunityID, OrganisationID: s.OrganisationID,
		UserID: s.UserID, Status: string(s.Status), Seat: s.Seat, WaitRank: s.WaitRank, ShiftStart: s.ShiftStart.UTC(),
		ShiftEnd: s.ShiftEnd.UTC(), AllowOverlap: s.AllowOverlap, Hours: s.Hours, HoursConfirmed: s.HoursConfirmed,
		CheckedInAt: s.CheckedInAt.UTC(), CancelReason: s.CancelReason, CreatedBy: s.CreatedBy,
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
	if s.Status.Active() {
		d.ActiveKey = s.ShiftID + "|" + s.UserID
	}
	if s.Seat > 0 {
		d.SeatKey = s.ShiftID + "|" + strconv.Itoa(s.Seat)
	}
	if s.WaitRank > 0 {
		d.WaitKey = s.ShiftID + "|" + strconv.Itoa(s.WaitRank)
	}
	return d
}

func (d *signupDoc) signup() signup.Signup {
	return signup.Signup{ID: d.ID, ShiftID: d.ShiftID, OpportunityID: d.OpportunityID, OrganisationID: d.OrganisationID,
		UserID: d.UserID, Status: signup.Status(d.Status), Seat: d.Seat, WaitRank: d.WaitRank, ShiftStart: d.ShiftStart,
		ShiftEnd: d.ShiftEnd, AllowOverlap: d.AllowOverlap, Hours: d.Hours, HoursConfirmed: d.HoursConfirmed,
		CheckedInAt: d.CheckedInAt, CancelReason: d.CancelReason, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// Signups is the signup repository.
type Signups struct{ s *Store }

// Signups returns the signup repository.
func (s *Store) Signups() *Signups { return &Signups{s: s} }

var _ signup.Repo = (*Signups)(nil)

// NewID returns a fresh signup ID; the service needs it before the insert.
func (r *Signups) NewID() string { return newID() }

// Insert stores a signup; errs.ErrDuplicate when one of its keys is taken.
func (r *Signups) Insert(ctx context.Context, su signup.Signup) error {
	return insertOne(ctx, r.s, collSignups, signupToDoc(su))
}

// ByID returns errs.ErrNotFound for an unknown id.
func (r *Signups) ByID(ctx context.Context, id string) (signup.Signup, error) {
	d, err := findOne[signupDoc](ctx, r.s, collSignups, id)
	if err != nil {
		return signup.Signup{}, err
	}
	return d.signup(), nil
}

// ByIDs returns the signups that exist among ids.
func (r *Signups) ByIDs(ctx context.Context, ids []string) (map[string]signup.Signup, error) {
	docs, err := findByIDs(ctx, r.s, collSignups, ids, func(d *signupDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]signup.Signup, len(docs))
	for id, d := range docs {
		out[id] = d.signup()
	}
	return out, nil
}

// Update applies change through the store's read-modify-write path; the keys follow the
// new state, and a taken key fails with errs.ErrDuplicate.
func (r *Signups) Update(ctx context.Context, id string, change func(*signup.Signup) error) (signup.Signup, error) {
	d, err := updateDoc(ctx, r.s, collSignups, id, func(d *signupDoc) error {
		su := d.signup()
		if err := change(&su); err != nil {
			return err
		}
		next := signupToDoc(su)
		*d = next
		return nil
	})
	if err != nil {
		return signup.Signup{}, err
	}
	return d.signup(), nil
}

var currentStatuses = []string{string(signup.Confirmed), string(signup.Waitlisted), string(signup.PendingApproval),
	string(signup.Attended), string(signup.NoShow)}

// Current lists the signups that are active or hold a place.
func (r *Signups) Current(ctx context.Context, from time.Time, shiftID, userID string) ([]signup.Signup, error) {
	filter := bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: currentStatuses}}}}
	if !from.IsZero() {
		filter = append(filter, bson.E{Key: "shiftEnd", Value: bson.D{{Key: "$gte", Value: from.UTC()}}})
	}
	if shiftID != "" {
		filter = append(filter, bson.E{Key: "shiftId", Value: shiftID})
	}
	if userID != "" {
		filter = append(filter, bson.E{Key: "userId", Value: userID})
	}
	return r.find(ctx, filter)
}

// OfShift lists all signups of a shift, oldest first.
func (r *Signups) OfShift(ctx context.Context, shiftID string) ([]signup.Signup, error) {
	return r.find(ctx, bson.D{{Key: "shiftId", Value: shiftID}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
}

// OfUser lists a volunteer's signups, newest first; limit 0 means all.
func (r *Signups) OfUser(ctx context.Context, userID, beforeID string, limit int) ([]signup.Signup, error) {
	filter, opts := newestFirst("userId", userID, beforeID, limit)
	return r.find(ctx, filter, opts)
}

// CountOfUser counts a volunteer's signups.
func (r *Signups) CountOfUser(ctx context.Context, userID string) (int, error) {
	n, err := r.s.coll(collSignups).CountDocuments(ctx, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return 0, fmt.Errorf("store: count signups: %w", err)
	}
	return int(n), nil
}

func (r *Signups) find(ctx context.Context, filter bson.D, opts ...options.Lister[options.FindOptions]) ([]signup.Signup, error) {
	docs, err := findAll[signupDoc](ctx, r.s, collSignups, filter, opts...)
	if err != nil {
		return nil, err
	}
	out := make([]signup.Signup, len(docs))
	for i := range docs {
		out[i] = docs[i].signup()
	}
	return out, nil
}

// SetShiftTimes copies a shift's new times into its signups. The version moves on, so that a
// concurrent read-modify-write of one of them starts again from the new times.
func (r *Signups) SetShiftTimes(ctx context.Context, shiftID string, start, end time.Time) error {
	set := bson.D{{Key: "shiftEnd", Value: end.UTC()}}
	if !start.IsZero() {
		set = append(set, bson.E{Key: "shiftStart", Value: start.UTC()})
	}
	_, err := r.s.coll(collSignups).UpdateMany(ctx, bson.D{{Key: "shiftId", Value: shiftID}},
		bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return fmt.Errorf("store: shift times of signups: %w", err)
	}
	return nil
}
