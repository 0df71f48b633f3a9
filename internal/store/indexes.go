package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes lists every secondary index. Unique indexes carry invariants; the others serve
// queries that MongoDB would otherwise answer by scanning.
var indexes = map[string][]mongo.IndexModel{
	collUsers: {
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_unique").SetUnique(true)},
	},
	collRefreshTokens: {
		// One successor per token: a replayed refresh token cannot fork the session.
		{Keys: bson.D{{Key: "parentHash", Value: 1}}, Options: options.Index().SetName("parent_unique").SetUnique(true).SetSparse(true)},
		{Keys: bson.D{{Key: "sessionId", Value: 1}}, Options: options.Index().SetName("session")},
	},
	collOrganisations: {
		{Keys: bson.D{{Key: "members.userId", Value: 1}}, Options: options.Index().SetName("member")},
	},
	collOpportunities: {
		{Keys: bson.D{{Key: "organisationId", Value: 1}}, Options: options.Index().SetName("organisation")},
		{Keys: bson.D{{Key: "status", Value: 1}}, Options: options.Index().SetName("status")},
	},
	collShifts: {
		{Keys: bson.D{{Key: "opportunityId", Value: 1}}, Options: options.Index().SetName("opportunity")},
	},
	collSignups: {
		// The capacity invariant: one holder per place, one signup per waitlist rank, one
		// active signup per volunteer and shift.
		{Keys: bson.D{{Key: "seatKey", Value: 1}}, Options: options.Index().SetName("seat_unique").SetUnique(true).SetSparse(true)},
		{Keys: bson.D{{Key: "waitKey", Value: 1}}, Options: options.Index().SetName("wait_unique").SetUnique(true).SetSparse(true)},
		{Keys: bson.D{{Key: "activeKey", Value: 1}}, Options: options.Index().SetName("active_unique").SetUnique(true).SetSparse(true)},
		{Keys: bson.D{{Key: "shiftId", Value: 1}}, Options: options.Index().SetName("shift")},
		{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("user")},
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "shiftEnd", Value: 1}}, Options: options.Index().SetName("current")},
	},
	collCalendarFeeds: {
		// One feed per user, also when two servers create one at the same moment.
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user_unique").SetUnique(true)},
	},
	collEvents: {
		{Keys: bson.D{{Key: "organisationId", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("organisation_time")},
	},
}

// ensureIndexes creates missing indexes; creating an existing index is a no-op, so every
// start-up runs it.
func (s *Store) ensureIndexes(ctx context.Context) error {
	for coll, models := range indexes {
		// One at a time: the embedded store panics on some createIndexes commands that
		// carry several indexes.
		for _, m := range models {
			if _, err := s.coll(coll).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("store: create indexes on %s: %w", coll, err)
			}
		}
	}
	return nil
}

// IndexNames lists the indexes of a collection, for tests that assert invariants rest on them.
func (s *Store) IndexNames(ctx context.Context, collection string) ([]string, error) {
	specs, err := s.coll(collection).Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list indexes: %w", err)
	}
	names := make([]string, len(specs))
	for i, sp := range specs {
		names[i] = sp.Name
	}
	return names, nil
}

func indexModel(keys bson.D, name string) mongo.IndexModel {
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)}
}
