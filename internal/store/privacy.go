package store

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// PrivacyRecords exports and erases the records that live only in the store.
type PrivacyRecords struct{ s *Store }

// PrivacyRecords returns the store's side of data exports and erasures.
func (s *Store) PrivacyRecords() *PrivacyRecords { return &PrivacyRecords{s: s} }

var _ privacy.Records = (*PrivacyRecords)(nil)

// selection is one collection's part of a kind: the documents whose field refers to the user.
type selection struct {
	coll   string
	filter func(userID string) bson.D
	// omit lists fields left out of exports.
	omit []string
}

func byField(field string) func(string) bson.D {
	return func(userID string) bson.D { return bson.D{{Key: field, Value: userID}} }
}

func byEither(a, b string) func(string) bson.D {
	return func(userID string) bson.D {
		return bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: a, Value: userID}}, bson.D{{Key: b, Value: userID}}}}}
	}
}

// replayPrefix matches the replay records of a user: their _id is "<userId>|<key>".
func replayPrefix(userID string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(userID+"|")}}}}
}

var selections = map[privacy.Kind][]selection{
	privacy.KindEvents:   {{coll: collEvents, filter: byEither("userId", "actorId")}},
	privacy.KindCalendar: {{coll: collCalendarFeeds, filter: byField("userId")}},
	privacy.KindNotifications: {
		{coll: collOutbox, filter: byField("userId")},
		{coll: collOutboxReads, filter: byField("userId")},
		{coll: collPreferences, filter: byField("_id")},
	},
	privacy.KindReplays:  {{coll: collReplays, filter: replayPrefix}},
	privacy.KindConsents: {{coll: collConsents, filter: byEither("userId", "recordedBy")}},
	privacy.KindAudit:    {{coll: collAudit, filter: byEither("subjectUserId", "actorId")}},
	privacy.KindProxies:  {{coll: collProxies, filter: byEither("_id", "registeredBy"), omit: []string{"codeHash"}}},
}

// RecordsOf returns the user's records of a kind as plain values.
func (r *PrivacyRecords) RecordsOf(ctx context.Context, kind privacy.Kind, userID string) ([]map[string]any, error) {
	sels, ok := selections[kind]
	if !ok {
		return nil, fmt.Errorf("store: unknown kind of records %q", kind)
	}
	var out []map[string]any
	for _, sel := range sels {
		docs, err := findAll[bson.M](ctx, r.s, sel.coll, sel.filter(userID))
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			for _, f := range sel.omit {
				delete(d, f)
			}
			m := plainValue(d).(map[string]any)
			m["collection"] = sel.coll
			out = append(out, m)
		}
	}
	return out, nil
}

// EraseRecords deletes or pseudonymises the user's records of a kind.
func (r *PrivacyRecords) EraseRecords(ctx context.Context, kind privacy.Kind, mode privacy.Mode, e privacy.Erasure) error {
	switch {
	case kind == privacy.KindEvents && mode == privacy.Pseudonymise:
		// "statQueue" holds copies of new events until the statistics job has read them.
		for _, coll := range []string{collEvents, "statQueue"} {
			for _, field := range []string{"userId", "actorId"} {
				if err := r.setWhere(ctx, coll, field, e.UserID, e.Pseudonym); err != nil {
					return err
				}
			}
		}
		return nil
	case kind == privacy.KindAudit && mode == privacy.Pseudonymise:
		return r.s.Audit().PseudonymiseAudit(ctx, e.UserID, e.Pseudonym)
	case kind == privacy.KindConsents && mode == privacy.Delete:
		if err := r.deleteWhere(ctx, collConsents, byField("userId")(e.UserID)); err != nil {
			return err
		}
		// Consents this person recorded as staff stay, without saying who recorded them.
		return r.setWhere(ctx, collConsents, "recordedBy", e.UserID, e.Pseudonym)
	case kind == privacy.KindProxies && mode == privacy.Delete:
		if err := r.deleteWhere(ctx, collProxies, byField("_id")(e.UserID)); err != nil {
			return err
		}
		// People this person registered as staff stay with their organisation.
		return r.setWhere(ctx, collProxies, "registeredBy", e.UserID, e.Pseudonym)
	case kind == privacy.KindNotifications && mode == privacy.Delete:
		return r.eraseNotifications(ctx, e.UserID)
	case mode == privacy.Delete:
		for _, sel := range selections[kind] {
			if err := r.deleteWhere(ctx, sel.coll, sel.filter(e.UserID)); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("store: cannot erase %s in mode %d", kind, mode)
}

// eraseNotifications deletes the user's messages with everything that refers to them: delivery
// attempts and results, read marks, preferences, and the user's items in the delivery queue
// and in the feed of new messages (which hold copies of the messages).
func (r *PrivacyRecords) eraseNotifications(ctx context.Context, userID string) error {
	var ids []string
	msgs, err := findAll[struct {
		ID string `bson:"_id"`
	}](ctx, r.s, collOutbox, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	if len(ids) > 0 {
		for _, coll := range []string{collOutboxAttempts, collOutboxResults} {
			if err := r.deleteWhere(ctx, coll, bson.D{{Key: "messageId", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
				return err
			}
		}
	}
	if err := r.pruneItems(ctx, collOutboxQueue, "items.m.userId", userID, func(item map[string]any) bool {
		m, _ := item["m"].(map[string]any)
		return m != nil && m["userId"] == userID
	}); err != nil {
		return err
	}
	if err := r.pruneItems(ctx, collFeed, "items.userId", userID, func(item map[string]any) bool { return item["userId"] == userID }); err != nil {
		return err
	}
	for _, sel := range selections[privacy.KindNotifications] {
		if err := r.deleteWhere(ctx, sel.coll, sel.filter(userID)); err != nil {
			return err
		}
	}
	return nil
}

// pruneItems removes the items matching drop from the documents of coll whose path matches
// the user, rewriting each such document (they are batches; no positional update is needed).
func (r *PrivacyRecords) pruneItems(ctx context.Context, coll, path, userID string, drop func(map[string]any) bool) error {
	docs, err := findAll[bson.M](ctx, r.s, coll, bson.D{{Key: path, Value: userID}})
	if err != nil {
		return err
	}
	for _, d := range docs {
		items, _ := d["items"].(bson.A)
		kept := bson.A{}
		for _, it := range items {
			// Nested documents decode as bson.D; compare their plain form.
			if m, ok := plainValue(it).(map[string]any); ok && drop(m) {
				continue
			}
			kept = append(kept, it)
		}
		if len(kept) == len(items) {
			continue
		}
		if _, err := r.s.coll(coll).UpdateOne(ctx, bson.D{{Key: "_id", Value: d["_id"]}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "items", Value: kept}}}}); err != nil {
			return fmt.Errorf("store: erase from %s: %w", coll, err)
		}
	}
	return nil
}

func (r *PrivacyRecords) deleteWhere(ctx context.Context, coll string, filter bson.D) error {
	if _, err := r.s.coll(coll).DeleteMany(ctx, filter); err != nil {
		return fmt.Errorf("store: erase from %s: %w", coll, err)
	}
	return nil
}

func (r *PrivacyRecords) setWhere(ctx context.Context, coll, field, from, to string) error {
	if _, err := r.s.coll(coll).UpdateMany(ctx, bson.D{{Key: field, Value: from}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: to}}}}); err != nil {
		return fmt.Errorf("store: pseudonymise in %s: %w", coll, err)
	}
	return nil
}

// plainValue turns decoded BSON into values encoding/json writes plainly.
func plainValue(v any) any {
	switch x := v.(type) {
	case bson.M:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = plainValue(val)
		}
		return m
	case bson.D:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = plainValue(e.Value)
		}
		return m
	case bson.A:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = plainValue(val)
		}
		return out
	case bson.DateTime:
		return x.Time().UTC().Format(time.RFC3339Nano)
	case bson.ObjectID:
		return x.Hex()
	default:
		return v
	}
}

// Dump returns every document of every collection as plain values, by collection. Tests use
// it to prove that an export misses nothing and an erasure leaves nothing.
func (s *Store) Dump(ctx context.Context) (map[string][]map[string]any, error) {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: list collections: %w", err)
	}
	out := make(map[string][]map[string]any, len(names))
	for _, name := range names {
		docs, err := findAll[bson.M](ctx, s, name, bson.D{})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			out[name] = append(out[name], plainValue(d).(map[string]any))
		}
	}
	return out, nil
}

// SessionsOf lists a user's sessions, for their data export.
func (a *Accounts) SessionsOf(ctx context.Context, userID string) ([]account.Session, error) {
	docs, err := findAll[sessionDoc](ctx, a.s, collSessions, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	out := make([]account.Session, len(docs))
	for i, d := range docs {
		out[i] = account.Session{ID: d.ID, UserID: d.UserID, CreatedAt: d.CreatedAt}
		if d.RevokedAt != nil {
			out[i].RevokedAt = *d.RevokedAt
		}
	}
	return out, nil
}

// DeleteUser removes the user, the claim on their e-mail address, their sessions and refresh
// tokens. The user goes first, so that a refresh racing with it finds no user.
func (a *Accounts) DeleteUser(ctx context.Context, u account.User) error {
	steps := []struct {
		coll   string
		filter bson.D
	}{
		{collUsers, bson.D{{Key: "_id", Value: u.ID}}},
		{collEmails, bson.D{{Key: "userId", Value: u.ID}}},
		{collRefreshTokens, bson.D{{Key: "userId", Value: u.ID}}},
		{collSessions, bson.D{{Key: "userId", Value: u.ID}}},
	}
	for _, st := range steps {
		if _, err := a.s.coll(st.coll).DeleteMany(ctx, st.filter); err != nil {
			return fmt.Errorf("store: delete user from %s: %w", st.coll, err)
		}
	}
	return nil
}

// CreatedBy lists the signups a user made for others.
func (r *Signups) CreatedBy(ctx context.Context, userID string) ([]signup.Signup, error) {
	return r.find(ctx, bson.D{{Key: "createdBy", Value: userID}, {Key: "userId", Value: bson.D{{Key: "$ne", Value: userID}}}})
}

// Delete removes a user's profile.
func (r *Profiles) Delete(ctx context.Context, userID string) error {
	if _, err := r.s.coll(collProfiles).DeleteOne(ctx, bson.D{{Key: "_id", Value: userID}}); err != nil {
		return fmt.Errorf("store: delete profile: %w", err)
	}
	return nil
}

// Rekey claims the user's new address, stores the user and releases the old address.
func (a *Accounts) Rekey(ctx context.Context, u account.User, oldEmail string) error {
	if err := insertOne(ctx, a.s, collEmails, emailDoc{Email: u.Email, UserID: u.ID}); err != nil {
		return err
	}
	if _, err := a.s.coll(collUsers).UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "email", Value: u.Email}, {Key: "passwordHash", Value: u.PasswordHash}}}}); err != nil {
		_, _ = a.s.coll(collEmails).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: u.Email}})
		return fmt.Errorf("store: rekey user: %w", err)
	}
	if _, err := a.s.coll(collEmails).DeleteOne(ctx, bson.D{{Key: "_id", Value: oldEmail}}); err != nil {
		return fmt.Errorf("store: release email: %w", err)
	}
	return nil
}

// LastActivity returns, by user, the latest of: account created, session started or
// refreshed, signup made or changed, consent decided. It reads the collections once each
// (a daily job), with projections.
func (r *PrivacyRecords) LastActivity(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	exists := map[string]bool{}
	sources := []struct {
		coll, user string
		times      []string
	}{
		{collUsers, "_id", []string{"createdAt"}},
		{collSessions, "userId", []string{"createdAt", "lastUsedAt"}},
		{collSignups, "userId", []string{"createdAt", "updatedAt"}},
		{collConsents, "userId", []string{"at"}},
	}
	for _, src := range sources {
		proj := bson.D{{Key: src.user, Value: 1}}
		for _, f := range src.times {
			proj = append(proj, bson.E{Key: f, Value: 1})
		}
		docs, err := findAll[bson.M](ctx, r.s, src.coll, bson.D{}, options.Find().SetProjection(proj))
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			id, _ := d[src.user].(string)
			if id == "" {
				continue
			}
			if src.coll == collUsers {
				exists[id] = true
			}
			for _, f := range src.times {
				if t, ok := d[f].(bson.DateTime); ok && t.Time().After(out[id]) {
					out[id] = t.Time()
				}
			}
		}
	}
	// Only accounts count: other collections may name people who are gone.
	for id := range out {
		if !exists[id] {
			delete(out, id)
		}
	}
	return out, nil
}
