package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

const (
	collGroups             = "groups"
	collGroupMemberships   = "groupMemberships"
	collMeetingSeries      = "meetingSeries"
	collMeetings           = "meetings"
	collMeetingRSVPs       = "meetingRsvps"
	collGroupCalendarFeeds = "groupCalendarFeeds"
)

func uniqueSparse(key, name string) mongo.IndexModel {
	return mongo.IndexModel{Keys: bson.D{{Key: key, Value: 1}}, Options: options.Index().SetName(name).SetUnique(true).SetSparse(true)}
}

func init() {
	indexes[collGroups] = []mongo.IndexModel{indexModel(bson.D{{Key: "organisationId", Value: 1}}, "organisation")}
	indexes[collGroupMemberships] = []mongo.IndexModel{
		// Anonymity and order rest on these: one current membership per person and group, a
		// pseudonym once per group, and a person's pseudonyms different in each group.
		uniqueSparse("currentKey", "current_unique"),
		uniqueSparse("pseudonymKey", "pseudonym_unique"),
		uniqueSparse("userPseudonymKey", "user_pseudonym_unique"),
		indexModel(bson.D{{Key: "groupId", Value: 1}}, "group"),
		indexModel(bson.D{{Key: "userId", Value: 1}}, "user"),
	}
	indexes[collMeetingSeries] = []mongo.IndexModel{indexModel(bson.D{{Key: "groupId", Value: 1}}, "group")}
	indexes[collMeetings] = []mongo.IndexModel{
		// Expanding a rule again never duplicates an occurrence.
		{Keys: bson.D{{Key: "key", Value: 1}}, Options: options.Index().SetName("occurrence_unique").SetUnique(true)},
		indexModel(bson.D{{Key: "groupId", Value: 1}}, "group"),
		indexModel(bson.D{{Key: "startsAt", Value: 1}}, "start"),
	}
	indexes[collMeetingRSVPs] = []mongo.IndexModel{
		// The capacity invariant, as for shifts: one holder per place, one RSVP per waitlist
		// rank, one current RSVP per member and meeting.
		uniqueSparse("seatKey", "seat_unique"),
		uniqueSparse("waitKey", "wait_unique"),
		uniqueSparse("activeKey", "active_unique"),
		indexModel(bson.D{{Key: "meetingId", Value: 1}}, "meeting"),
		indexModel(bson.D{{Key: "membershipId", Value: 1}}, "membership"),
	}
	indexes[collGroupCalendarFeeds] = []mongo.IndexModel{
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user_unique").SetUnique(true)},
	}
}

type groupDoc struct {
	ID                  string    `bson:"_id"`
	OrganisationID      string    `bson:"organisationId"`
	Name                string    `bson:"name"`
	Description         string    `bson:"description,omitempty"`
	EasyLanguageSummary string    `bson:"easyLanguageSummary,omitempty"`
	Category            string    `bson:"category"`
	Languages           []string  `bson:"languages,omitempty"`
	Mode                string    `bson:"mode"`
	PostalCode          string    `bson:"postalCode,omitempty"`
	HasLocation         bool      `bson:"hasLocation,omitempty"`
	Latitude            float64   `bson:"latitude,omitempty"`
	Longitude           float64   `bson:"longitude,omitempty"`
	Place               string    `bson:"place,omitempty"`
	OnlineURL           string    `bson:"onlineUrl,omitempty"`
	JoinPolicy          string    `bson:"joinPolicy"`
	Sensitive           bool      `bson:"sensitive"`
	Facilitators        []string  `bson:"facilitators"`
	CreatedBy           string    `bson:"createdBy"`
	CreatedAt           time.Time `bson:"createdAt"`
	UpdatedAt           time.Time `bson:"updatedAt"`
	Revision            `bson:",inline"`
}

func groupToDoc(g group.Group) groupDoc {
	return groupDoc{ID: g.ID, OrganisationID: g.OrganisationID, Name: g.Name, Description: g.Description,
		EasyLanguageSummary: g.EasyLanguageSummary, Category: g.Category, Languages: g.Languages, Mode: string(g.Mode),
		PostalCode: g.Area.PostalCode, HasLocation: g.Area.HasLocation, Latitude: g.Area.Latitude, Longitude: g.Area.Longitude,
		Place: g.Place, OnlineURL: g.OnlineURL, JoinPolicy: string(g.JoinPolicy), Sensitive: g.Sensitive,
		Facilitators: g.Facilitators, CreatedBy: g.CreatedBy, CreatedAt: g.CreatedAt.UTC(), UpdatedAt: g.UpdatedAt.UTC()}
}

func (d *groupDoc) group() group.Group {
	return group.Group{ID: d.ID, OrganisationID: d.OrganisationID, Name: d.Name, Description: d.Description,
		EasyLanguageSummary: d.EasyLanguageSummary, Category: d.Category, Languages: d.Languages, Mode: opportunity.Mode(d.Mode),
		Area:  group.Area{PostalCode: d.PostalCode, HasLocation: d.HasLocation, Latitude: d.Latitude, Longitude: d.Longitude},
		Place: d.Place, OnlineURL: d.OnlineURL, JoinPolicy: group.JoinPolicy(d.JoinPolicy), Sensitive: d.Sensitive,
		Facilitators: d.Facilitators, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// Groups is the repository of self-help groups, their memberships, meetings and RSVPs.
type Groups struct{ s *Store }

// Groups returns the group repository.
func (s *Store) Groups() *Groups { return &Groups{s: s} }

var (
	_ group.Repo   = (*Groups)(nil)
	_ group.Loader = (*Groups)(nil)
)

// NewID returns a fresh ID for a group, series, meeting or RSVP.
func (r *Groups) NewID() string { return newID() }

// insert stores a document; errs.ErrDuplicate when one of its unique keys is taken.
func (r *Groups) insert(ctx context.Context, coll string, doc any) error {
	return insertOne(ctx, r.s, coll, doc)
}

// InsertGroup stores a new group.
func (r *Groups) InsertGroup(ctx context.Context, g group.Group) error {
	return r.insert(ctx, collGroups, groupToDoc(g))
}

// UpdateGroup changes a group through the read-modify-write path.
func (r *Groups) UpdateGroup(ctx context.Context, id string, change func(*group.Group) error) (group.Group, error) {
	return updateAs(ctx, r.s, collGroups, id, groupToDoc, (*groupDoc).group, change)
}

// Group returns errs.ErrNotFound for an unknown id.
func (r *Groups) Group(ctx context.Context, id string) (group.Group, error) {
	return findOneAs(ctx, r.s, collGroups, id, (*groupDoc).group)
}

// Groups lists every group.
func (r *Groups) Groups(ctx context.Context) ([]group.Group, error) {
	return findAs(ctx, r.s, collGroups, bson.D{}, (*groupDoc).group)
}

// updateAs runs updateDoc on a document that converts to and from a domain value.
func updateAs[D any, PD interface {
	*D
	versioned
}, T any](ctx context.Context, s *Store, coll, id string, toDoc func(T) D, of func(PD) T, change func(*T) error) (T, error) {
	d, err := updateDoc(ctx, s, coll, id, func(d PD) error {
		v := of(d)
		if err := change(&v); err != nil {
			return err
		}
		*d = toDoc(v) // updateDoc sets the version after this
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return of(&d), nil
}

// findAs decodes the matching documents and converts them to domain values.
func findAs[D, T any](ctx context.Context, s *Store, coll string, filter any, of func(*D) T, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	docs, err := findAll[D](ctx, s, coll, filter, opts...)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(docs))
	for i := range docs {
		out[i] = of(&docs[i])
	}
	return out, nil
}

// findOneAs decodes the document with the id and converts it.
func findOneAs[D, T any](ctx context.Context, s *Store, coll, id string, of func(*D) T) (T, error) {
	d, err := findOne[D](ctx, s, coll, id)
	if err != nil {
		var zero T
		return zero, err
	}
	return of(&d), nil
}
