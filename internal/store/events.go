package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

const collEvents = "events"

type eventDoc struct {
	ID             string    `bson:"_id"`
	Kind           string    `bson:"kind"`
	At             time.Time `bson:"at"`
	UserID         string    `bson:"userId,omitempty"`
	ActorID        string    `bson:"actorId,omitempty"`
	OrganisationID string    `bson:"organisationId,omitempty"`
	OpportunityID  string    `bson:"opportunityId,omitempty"`
	ShiftID        string    `bson:"shiftId,omitempty"`
	SignupID       string    `bson:"signupId,omitempty"`
	GroupID        string    `bson:"groupId,omitempty"`
	MeetingID      string    `bson:"meetingId,omitempty"`
	ModuleID       string    `bson:"moduleId,omitempty"`
	Count          int       `bson:"count,omitempty"`
	Hours          float64   `bson:"hours,omitempty"`
}

// Events is the append-only engagement event log.
type Events struct{ s *Store }

// Events returns the event log.
func (s *Store) Events() *Events { return &Events{s: s} }

var _ engagement.Store = (*Events)(nil)

// AppendEvents inserts the events; they are never updated.
func (r *Events) AppendEvents(ctx context.Context, events ...engagement.Event) error {
	docs := make([]eventDoc, len(events))
	for i, e := range events {
		docs[i] = newEventDoc(e)
	}
	if _, err := r.s.coll(collEvents).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("store: append events: %w", err)
	}
	// The statistics job reads new events from this queue (and empties it), because reading
	// the log scans all of it on the embedded store.
	if _, err := r.s.coll(collStatQueue).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("store: queue events for statistics: %w", err)
	}
	return nil
}

// EventsOf lists the events about one signup in order, for tests and exports.
func (r *Events) EventsOf(ctx context.Context, field, value string) ([]engagement.Event, error) {
	docs, err := findAll[eventDoc](ctx, r.s, collEvents, bson.D{{Key: field, Value: value}})
	if err != nil {
		return nil, err
	}
	out := make([]engagement.Event, len(docs))
	for i := range docs {
		out[i] = docs[i].event()
	}
	return out, nil
}

func newEventDoc(e engagement.Event) eventDoc {
	return eventDoc{ID: newID(), Kind: string(e.Kind), At: e.At.UTC(), UserID: e.UserID, ActorID: e.ActorID,
		OrganisationID: e.OrganisationID, OpportunityID: e.OpportunityID, ShiftID: e.ShiftID, SignupID: e.SignupID,
		GroupID: e.GroupID, MeetingID: e.MeetingID, ModuleID: e.ModuleID, Count: e.Count, Hours: e.Hours}
}

func (d *eventDoc) event() engagement.Event {
	return engagement.Event{Kind: engagement.Kind(d.Kind), At: d.At, UserID: d.UserID, ActorID: d.ActorID,
		OrganisationID: d.OrganisationID, OpportunityID: d.OpportunityID, ShiftID: d.ShiftID, SignupID: d.SignupID,
		GroupID: d.GroupID, MeetingID: d.MeetingID, ModuleID: d.ModuleID, Count: d.Count, Hours: d.Hours}
}
