package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ReplaceUser puts the pseudonym in place of an erased user in their memberships, RSVPs and
// schedules, and blanks their pseudonyms. The memberships have ended by then, so they hold no
// unique keys; a plain update of many suffices, and running it again matches nothing.
func (r *Groups) ReplaceUser(ctx context.Context, userID, pseudonym string) error {
	steps := []struct {
		coll, field string
		set         bson.D
	}{
		{collGroupMemberships, "userId", bson.D{{Key: "userId", Value: pseudonym}, {Key: "pseudonym", Value: ""}}},
		{collMeetingRSVPs, "userId", bson.D{{Key: "userId", Value: pseudonym}}},
		{collMeetingSeries, "createdBy", bson.D{{Key: "createdBy", Value: pseudonym}}},
	}
	for _, st := range steps {
		if _, err := r.s.coll(st.coll).UpdateMany(ctx, bson.D{{Key: st.field, Value: userID}}, bson.D{{Key: "$set", Value: st.set}}); err != nil {
			return fmt.Errorf("store: replace user in %s: %w", st.coll, err)
		}
	}
	return nil
}
