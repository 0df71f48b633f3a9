package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/profile"
)

const collProfiles = "profiles"

type windowDoc struct {
	Weekday int `bson:"weekday"`
	From    int `bson:"from"`
	To      int `bson:"to"`
}

// profileDoc is keyed by the user's ID. Coordinates arrive rounded from the domain.
type profileDoc struct {
	UserID             string      `bson:"_id"`
	Skills             []string    `bson:"skills"`
	Interests          []string    `bson:"interests"`
	Languages          []string    `bson:"languages"`
	Availability       []windowDoc `bson:"availability"`
	TimeZone           string      `bson:"timeZone"`
	HasLocation        bool        `bson:"hasLocation"`
	Latitude           float64     `bson:"lat,omitempty"`
	Longitude          float64     `bson:"lng,omitempty"`
	PostalCode         string      `bson:"postalCode,omitempty"`
	RadiusKm           float64     `bson:"radiusKm"`
	OnlineOnly         bool        `bson:"onlineOnly"`
	AccessibilityNeeds []string    `bson:"accessibilityNeeds"`
	EasyLanguage       bool        `bson:"easyLanguage"`
	Contactable        bool        `bson:"contactable"`
	BirthYear          int         `bson:"birthYear,omitempty"`
	UpdatedAt          time.Time   `bson:"updatedAt"`
}

func (d *profileDoc) profile() profile.Profile {
	p := profile.Profile{UserID: d.UserID, Skills: nonNil(d.Skills), Interests: nonNil(d.Interests), Languages: nonNil(d.Languages),
		TimeZone: d.TimeZone, HasLocation: d.HasLocation, Latitude: d.Latitude, Longitude: d.Longitude, PostalCode: d.PostalCode,
		RadiusKm: d.RadiusKm, OnlineOnly: d.OnlineOnly, AccessibilityNeeds: nonNil(d.AccessibilityNeeds), EasyLanguage: d.EasyLanguage,
		Contactable: d.Contactable, BirthYear: d.BirthYear, UpdatedAt: d.UpdatedAt}
	for _, w := range d.Availability {
		p.Availability = append(p.Availability, profile.Window{Weekday: time.Weekday(w.Weekday), From: w.From, To: w.To})
	}
	return p
}

// Profiles is the profile repository.
type Profiles struct{ s *Store }

// Profiles returns the profile repository.
func (s *Store) Profiles() *Profiles { return &Profiles{s: s} }

var _ profile.Repo = (*Profiles)(nil)

// Get returns errs.ErrNotFound when the user has no profile.
func (r *Profiles) Get(ctx context.Context, userID string) (profile.Profile, error) {
	d, err := findOne[profileDoc](ctx, r.s, collProfiles, userID)
	if err != nil {
		return profile.Profile{}, err
	}
	return d.profile(), nil
}

func profileToDoc(p profile.Profile) profileDoc {
	d := profileDoc{UserID: p.UserID, Skills: p.Skills, Interests: p.Interests, Languages: p.Languages, TimeZone: p.TimeZone,
		HasLocation: p.HasLocation, Latitude: p.Latitude, Longitude: p.Longitude, PostalCode: p.PostalCode, RadiusKm: p.RadiusKm,
		OnlineOnly: p.OnlineOnly, AccessibilityNeeds: p.AccessibilityNeeds, EasyLanguage: p.EasyLanguage, Contactable: p.Contactable,
		BirthYear: p.BirthYear, UpdatedAt: p.UpdatedAt.UTC()}
	for _, w := range p.Availability {
		d.Availability = append(d.Availability, windowDoc{Weekday: int(w.Weekday), From: w.From, To: w.To})
	}
	return d
}

// Put stores the whole profile; the last writer wins, as only its owner writes it.
func (r *Profiles) Put(ctx context.Context, p profile.Profile) error {
	return replaceUpsert(ctx, r.s, collProfiles, p.UserID, profileToDoc(p))
}

// All lists every profile.
func (r *Profiles) All(ctx context.Context) ([]profile.Profile, error) {
	docs, err := findAll[profileDoc](ctx, r.s, collProfiles, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make([]profile.Profile, len(docs))
	for i := range docs {
		out[i] = docs[i].profile()
	}
	return out, nil
}
