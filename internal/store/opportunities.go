package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/opportunity"
)

const (
	collOpportunities = "opportunities"
	collShifts        = "shifts"
)

type locationDoc struct {
	Address   string  `bson:"address"`
	Latitude  float64 `bson:"lat"`
	Longitude float64 `bson:"lng"`
}

type opportunityDoc struct {
	ID                  string       `bson:"_id"`
	OrganisationID      string       `bson:"organisationId"`
	Title               string       `bson:"title"`
	Description         string       `bson:"description"`
	EasyLanguageSummary string       `bson:"easyLanguageSummary,omitempty"`
	AccessibilityNotes  string       `bson:"accessibilityNotes,omitempty"`
	Category            string       `bson:"category"`
	Mode                string       `bson:"mode"`
	Status              string       `bson:"status"`
	Skills              []string     `bson:"skills"`
	Languages           []string     `bson:"languages"`
	Location            *locationDoc `bson:"location,omitempty"`
	OnlineURL           string       `bson:"onlineUrl,omitempty"`
	RequiresApproval    bool         `bson:"requiresApproval"`
	RequiredModuleIDs   []string     `bson:"requiredModuleIds"`
	RequiredCredentials []string     `bson:"requiredCredentials"`
	MinimumAge          int          `bson:"minimumAge,omitempty"`
	CreatedBy           string       `bson:"createdBy"`
	CreatedAt           time.Time    `bson:"createdAt"`
	UpdatedAt           time.Time    `bson:"updatedAt"`
	PublishedAt         time.Time    `bson:"publishedAt,omitempty"`
	StatusReason        string       `bson:"statusReason,omitempty"`
	Revision            `bson:",inline"`
}

func opportunityToDoc(o *opportunity.Opportunity) opportunityDoc {
	d := opportunityDoc{ID: o.ID, OrganisationID: o.OrganisationID, Title: o.Title, Description: o.Description,
		EasyLanguageSummary: o.EasyLanguageSummary, AccessibilityNotes: o.AccessibilityNotes, Category: o.Category,
		Mode: string(o.Mode), Status: string(o.Status), Skills: o.Skills, Languages: o.Languages, OnlineURL: o.OnlineURL,
		RequiresApproval: o.RequiresApproval, RequiredModuleIDs: o.RequiredModuleIDs, RequiredCredentials: o.RequiredCredentials,
		CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), PublishedAt: o.PublishedAt.UTC(),
		StatusReason: o.StatusReason, MinimumAge: o.MinimumAge}
	if o.Location != nil {
		d.Location = &locationDoc{Address: o.Location.Address, Latitude: o.Location.Latitude, Longitude: o.Location.Longitude}
	}
	return d
}

func (d *opportunityDoc) opportunity() opportunity.Opportunity {
	o := opportunity.Opportunity{ID: d.ID, OrganisationID: d.OrganisationID, Title: d.Title, Description: d.Description,
		EasyLanguageSummary: d.EasyLanguageSummary, AccessibilityNotes: d.AccessibilityNotes, Category: d.Category,
		Mode: opportunity.Mode(d.Mode), Status: opportunity.Status(d.Status), Skills: nonNil(d.Skills), Languages: nonNil(d.Languages),
		OnlineURL: d.OnlineURL, RequiresApproval: d.RequiresApproval, RequiredModuleIDs: nonNil(d.RequiredModuleIDs),
		RequiredCredentials: nonNil(d.RequiredCredentials), CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		PublishedAt: d.PublishedAt, StatusReason: d.StatusReason, MinimumAge: d.MinimumAge}
	if d.Location != nil {
		o.Location = &opportunity.Location{Address: d.Location.Address, Latitude: d.Location.Latitude, Longitude: d.Location.Longitude}
	}
	return o
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type shiftDoc struct {
	ID             string    `bson:"_id"`
	OpportunityID  string    `bson:"opportunityId"`
	OrganisationID string    `bson:"organisationId"`
	StartsAt       time.Time `bson:"startsAt,omitempty"`
	EndsAt         time.Time `bson:"endsAt,omitempty"`
	Deadline       time.Time `bson:"deadline,omitempty"`
	TimeZone       string    `bson:"timeZone"`
	Capacity       int       `bson:"capacity"`
	Status         string    `bson:"status"`
	StatusReason   string    `bson:"statusReason,omitempty"`
	CreatedAt      time.Time `bson:"createdAt"`
	Revision       `bson:",inline"`
}

func shiftToDoc(s *opportunity.Shift) shiftDoc {
	return shiftDoc{ID: s.ID, OpportunityID: s.OpportunityID, OrganisationID: s.OrganisationID, StartsAt: s.StartsAt.UTC(),
		EndsAt: s.EndsAt.UTC(), Deadline: s.Deadline.UTC(), TimeZone: s.TimeZone, Capacity: s.Capacity, Status: string(s.Status),
		StatusReason: s.StatusReason, CreatedAt: s.CreatedAt.UTC()}
}

func (d *shiftDoc) shift() opportunity.Shift {
	return opportunity.Shift{ID: d.ID, OpportunityID: d.OpportunityID, OrganisationID: d.OrganisationID, StartsAt: d.StartsAt,
		EndsAt: d.EndsAt, Deadline: d.Deadline, TimeZone: d.TimeZone, Capacity: d.Capacity, Status: opportunity.ShiftStatus(d.Status),
		StatusReason: d.StatusReason, CreatedAt: d.CreatedAt}
}

// Opportunities is the opportunity and shift repository.
type Opportunities struct{ s *Store }

// Opportunities returns the opportunity repository.
func (s *Store) Opportunities() *Opportunities { return &Opportunities{s: s} }

var _ opportunity.Repo = (*Opportunities)(nil)

// Insert stores a new opportunity and gives it an ID.
func (r *Opportunities) Insert(ctx context.Context, o *opportunity.Opportunity) error {
	o.ID = newID()
	if _, err := r.s.coll(collOpportunities).InsertOne(ctx, opportunityToDoc(o)); err != nil {
		return fmt.Errorf("store: insert opportunity: %w", err)
	}
	return nil
}

// ByID returns errs.ErrNotFound for an unknown id.
func (r *Opportunities) ByID(ctx context.Context, id string) (opportunity.Opportunity, error) {
	d, err := findOne[opportunityDoc](ctx, r.s, collOpportunities, id)
	if err != nil {
		return opportunity.Opportunity{}, err
	}
	return d.opportunity(), nil
}

// ByIDs returns the opportunities that exist among ids.
func (r *Opportunities) ByIDs(ctx context.Context, ids []string) (map[string]opportunity.Opportunity, error) {
	docs, err := findByIDs(ctx, r.s, collOpportunities, ids, func(d *opportunityDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]opportunity.Opportunity, len(docs))
	for id, d := range docs {
		out[id] = d.opportunity()
	}
	return out, nil
}

// Update applies change through the store's read-modify-write path.
func (r *Opportunities) Update(ctx context.Context, id string, change func(*opportunity.Opportunity) error) (opportunity.Opportunity, error) {
	d, err := updateDoc(ctx, r.s, collOpportunities, id, func(d *opportunityDoc) error {
		o := d.opportunity()
		if err := change(&o); err != nil {
			return err
		}
		next := opportunityToDoc(&o)
		*d = next
		return nil
	})
	if err != nil {
		return opportunity.Opportunity{}, err
	}
	return d.opportunity(), nil
}

// List returns the opportunities matching the filter's stored fields, newest first.
func (r *Opportunities) List(ctx context.Context, f opportunity.Filter) ([]opportunity.Opportunity, error) {
	filter := bson.D{}
	if f.OrganisationID != "" {
		filter = append(filter, bson.E{Key: "organisationId", Value: f.OrganisationID})
	}
	if f.Mode != "" {
		filter = append(filter, bson.E{Key: "mode", Value: string(f.Mode)})
	}
	if f.Category != "" {
		filter = append(filter, bson.E{Key: "category", Value: f.Category})
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: statuses}}})
	}
	docs, err := findAll[opportunityDoc](ctx, r.s, collOpportunities, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
	if err != nil {
		return nil, err
	}
	out := make([]opportunity.Opportunity, len(docs))
	for i := range docs {
		out[i] = docs[i].opportunity()
	}
	return out, nil
}

// InsertShift stores a new shift and gives it an ID.
func (r *Opportunities) InsertShift(ctx context.Context, sh *opportunity.Shift) error {
	sh.ID = newID()
	if _, err := r.s.coll(collShifts).InsertOne(ctx, shiftToDoc(sh)); err != nil {
		return fmt.Errorf("store: insert shift: %w", err)
	}
	return nil
}

// ShiftByID returns errs.ErrNotFound for an unknown id.
func (r *Opportunities) ShiftByID(ctx context.Context, id string) (opportunity.Shift, error) {
	d, err := findOne[shiftDoc](ctx, r.s, collShifts, id)
	if err != nil {
		return opportunity.Shift{}, err
	}
	return d.shift(), nil
}

// ShiftsByIDs returns the shifts that exist among ids.
func (r *Opportunities) ShiftsByIDs(ctx context.Context, ids []string) (map[string]opportunity.Shift, error) {
	docs, err := findByIDs(ctx, r.s, collShifts, ids, func(d *shiftDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := make(map[string]opportunity.Shift, len(docs))
	for id, d := range docs {
		out[id] = d.shift()
	}
	return out, nil
}

// UpdateShift applies change through the store's read-modify-write path.
func (r *Opportunities) UpdateShift(ctx context.Context, id string, change func(*opportunity.Shift) error) (opportunity.Shift, error) {
	d, err := updateDoc(ctx, r.s, collShifts, id, func(d *shiftDoc) error {
		sh := d.shift()
		if err := change(&sh); err != nil {
			return err
		}
		next := shiftToDoc(&sh)
		*d = next
		return nil
	})
	if err != nil {
		return opportunity.Shift{}, err
	}
	return d.shift(), nil
}

// ShiftsOf returns the shifts of the opportunities, by opportunity.
func (r *Opportunities) ShiftsOf(ctx context.Context, opportunityIDs []string) (map[string][]opportunity.Shift, error) {
	out := make(map[string][]opportunity.Shift, len(opportunityIDs))
	if len(opportunityIDs) == 0 {
		return out, nil
	}
	docs, err := findAll[shiftDoc](ctx, r.s, collShifts, bson.D{{Key: "opportunityId", Value: bson.D{{Key: "$in", Value: opportunityIDs}}}})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		out[docs[i].OpportunityID] = append(out[docs[i].OpportunityID], docs[i].shift())
	}
	return out, nil
}

// AllShifts lists every shift, for loading them into memory.
func (r *Opportunities) AllShifts(ctx context.Context) ([]opportunity.Shift, error) {
	return r.shifts(ctx, bson.D{})
}

func (r *Opportunities) shifts(ctx context.Context, filter bson.D) ([]opportunity.Shift, error) {
	docs, err := findAll[shiftDoc](ctx, r.s, collShifts, filter)
	if err != nil {
		return nil, err
	}
	out := make([]opportunity.Shift, len(docs))
	for i := range docs {
		out[i] = docs[i].shift()
	}
	return out, nil
}

// ShiftsStarting lists the timed shifts starting in (from, to]. It scans on the embedded store;
// the weekly digest calls it once per run.
func (r *Opportunities) ShiftsStarting(ctx context.Context, from, to time.Time) ([]opportunity.Shift, error) {
	return r.shifts(ctx, bson.D{{Key: "startsAt", Value: bson.D{{Key: "$gt", Value: from.UTC()}, {Key: "$lte", Value: to.UTC()}}}})
}
