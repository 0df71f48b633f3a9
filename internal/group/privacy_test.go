package group_test

import (
	"testing"

	"github.com/mitwirken/mitwirken/internal/group"
)

// TestEraseLeavesOnlyThePseudonym: after erasure no membership or RSVP carries the account,
// the place goes to the waitlist, the pseudonym is free, and counts stay.
func TestEraseLeavesOnlyThePseudonym(t *testing.T) {
	for _, exclusive := range []bool{true, false} {
		w := newWorld(t)
		s := w.service(t, exclusive)
		coord, g, m, members := meetingWithMembers(t, w, s, 1, 2, true)
		anna, bernd := members[0], members[1]
		for _, a := range members {
			if _, err := s.RSVP(t.Context(), a, m.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddFacilitator(t.Context(), coord, g.ID, mustEmail(t, w, anna.UserID)); err != nil {
			t.Fatal(err)
		}
		export, err := s.ExportOf(t.Context(), anna.UserID)
		if err != nil || len(export) != 1 || export[0].Pseudonym != "Stern 0" || len(export[0].Meetings) != 1 {
			t.Fatalf("export = %+v, %v", export, err)
		}
		for range 2 { // a second run changes nothing more
			if err := s.Erase(t.Context(), anna.UserID, "erased-1"); err != nil {
				t.Fatal(err)
			}
		}
		if mine, _ := w.st.Groups().MembershipsOfUser(t.Context(), anna.UserID); len(mine) != 0 {
			t.Fatalf("memberships still name the account: %+v", mine)
		}
		kept, _ := w.st.Groups().MembershipsOfUser(t.Context(), "erased-1")
		if len(kept) != 1 || kept[0].Pseudonym != "" || kept[0].Status != group.Left {
			t.Fatalf("kept membership %+v", kept)
		}
		v, err := s.Meeting(t.Context(), bernd, m.ID)
		if err != nil || v.My == nil || v.My.Status != group.Attending || v.Attending != 1 {
			t.Fatalf("the waiting member did not get the place: %+v, %v", v.My, err)
		}
		gv, _ := s.Get(t.Context(), coord, g.ID)
		if gv.IsFacilitator(anna.UserID) || gv.MemberCount != 1 {
			t.Fatalf("after erasure: facilitators %v, %d members", gv.Facilitators, gv.MemberCount)
		}
		late := w.user(t, "Neu")
		mustJoin(t, s, late, g.ID, "Stern 0")
	}
}
