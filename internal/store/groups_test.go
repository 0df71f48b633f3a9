package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// TestGroupKeys: the anonymity and capacity invariants of groups rest on unique keys that the
// store enforces, whatever the service decided.
func TestGroupKeys(t *testing.T) {
	s := storetest.New(t)
	for _, tt := range []struct{ coll, index string }{
		{"groupMemberships", "current_unique"}, {"groupMemberships", "pseudonym_unique"},
		{"groupMemberships", "user_pseudonym_unique"}, {"meetings", "occurrence_unique"},
		{"meetingRsvps", "seat_unique"}, {"meetingRsvps", "wait_unique"}, {"meetingRsvps", "active_unique"},
		{"groupCalendarFeeds", "user_unique"},
	} {
		names, err := s.IndexNames(t.Context(), tt.coll)
		if err != nil || !slices.Contains(names, tt.index) {
			t.Errorf("indexes of %s = %v, %v; want %s", tt.coll, names, err, tt.index)
		}
	}
	r := s.Groups()
	now := time.Now()
	m := func(id, groupID, userID, pseudonym string) group.Membership {
		return group.Membership{ID: id, GroupID: groupID, UserID: userID, Pseudonym: pseudonym, Status: group.Active, CreatedAt: now}
	}
	if err := r.InsertMembership(t.Context(), m("m1", "g1", "u1", "Kiebitz")); err != nil {
		t.Fatal(err)
	}
	for name, dup := range map[string]group.Membership{
		"same pseudonym in the group":       m("m2", "g1", "u2", "KIEBITZ "),
		"same person in the group":          m("m3", "g1", "u1", "Amsel"),
		"same person's pseudonym elsewhere": m("m4", "g2", "u1", "kiebitz"),
	} {
		if err := r.InsertMembership(t.Context(), dup); !errors.Is(err, errs.ErrDuplicate) {
			t.Errorf("%s: %v, want ErrDuplicate", name, err)
		}
	}
	// Once left, the name and the place in the group are free again.
	if _, err := r.UpdateMembership(t.Context(), "m1", func(x *group.Membership) error { x.Status = group.Left; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.InsertMembership(t.Context(), m("m5", "g1", "u2", "Kiebitz")); err != nil {
		t.Fatal(err)
	}
	seat := func(id, membership string, n int) group.RSVP {
		return group.RSVP{ID: id, MeetingID: "mt1", MembershipID: membership, Status: group.Attending, Seat: n, CreatedAt: now}
	}
	if err := r.InsertRSVP(t.Context(), seat("r1", "m5", 1)); err != nil {
		t.Fatal(err)
	}
	if err := r.InsertRSVP(t.Context(), seat("r2", "m6", 1)); !errors.Is(err, errs.ErrDuplicate) {
		t.Errorf("a second holder of place 1: %v, want ErrDuplicate", err)
	}
	if err := r.InsertRSVP(t.Context(), seat("r3", "m5", 2)); !errors.Is(err, errs.ErrDuplicate) {
		t.Errorf("a second RSVP of one member: %v, want ErrDuplicate", err)
	}
}
