package graph_test

import (
	"testing"
	"time"
)

// TestGroupManagement walks a facilitator's tools: requests to an ON_REQUEST group, a
// facilitator appointed by e-mail, cancelling and moving one meeting, attendance only once a
// meeting began, removing a member.
func TestGroupManagement(t *testing.T) {
	a := newAPI(t)
	f := newGroupFixture(t, a, map[string]any{"joinPolicy": "ON_REQUEST"})
	meetings := f.schedule(t, a, 5, false)
	ps := a.groupMembers(t, 3)
	facilitator, member, other := ps[0], ps[1], ps[2]
	coord := a.As(f.coordinator.AccessToken)
	coord.Do(t, `mutation($g: ID!, $e: String!) { addGroupFacilitator(groupId: $g, email: $e) { group { id } } }`,
		map[string]any{"g": f.groupID, "e": facilitator.email}).OK(t, nil)
	fac := a.As(facilitator.token)

	var joined struct {
		JoinGroup struct{ Membership struct{ ID, Status string } }
	}
	a.As(member.token).Do(t, joinGroupMutation, map[string]any{"g": f.groupID, "p": "Eisvogel"}).OK(t, &joined)
	if joined.JoinGroup.Membership.Status != "PENDING" {
		t.Fatalf("joining an ON_REQUEST group: %s", joined.JoinGroup.Membership.Status)
	}
	otherID := a.join(t, other.token, f.groupID, "Specht")
	// A pending requester is no member yet: no place, no RSVP.
	a.As(member.token).Do(t, rsvpMutation, map[string]any{"m": meetings[0].ID, "yes": true}).Fails(t, "FORBIDDEN", "")
	var reqs struct {
		Group struct {
			MembershipRequests []struct{ ID, Pseudonym string }
		}
	}
	fac.Do(t, `query($g: ID!) { group(id: $g) { membershipRequests { id pseudonym } } }`, map[string]any{"g": f.groupID}).OK(t, &reqs)
	if len(reqs.Group.MembershipRequests) != 2 {
		t.Fatalf("requests %+v", reqs.Group.MembershipRequests)
	}
	a.As(member.token).Do(t, `mutation($m: ID!) { acceptGroupMembershipRequest(membershipId: $m) { membership { status } } }`,
		map[string]any{"m": otherID}).Fails(t, "NOT_FOUND", "")
	var acc struct {
		AcceptGroupMembershipRequest struct{ Membership struct{ Status string } }
	}
	fac.Do(t, `mutation($m: ID!) { acceptGroupMembershipRequest(membershipId: $m) { membership { status } } }`,
		map[string]any{"m": joined.JoinGroup.Membership.ID}).OK(t, &acc)
	fac.Do(t, `mutation($m: ID!) { declineGroupMembershipRequest(membershipId: $m) { membership { status } } }`,
		map[string]any{"m": otherID}).OK(t, nil)
	if acc.AcceptGroupMembershipRequest.Membership.Status != "ACTIVE" {
		t.Fatalf("accepted: %s", acc.AcceptGroupMembershipRequest.Membership.Status)
	}
	a.As(member.token).Do(t, rsvpMutation, map[string]any{"m": meetings[0].ID, "yes": true}).OK(t, nil)

	var cancelled struct {
		CancelMeeting struct {
			Meeting struct{ Status, CancelReason string }
		}
	}
	fac.Do(t, `mutation($m: ID!) { cancelMeeting(meetingId: $m, reason: "Raum belegt") { meeting { status cancelReason } } }`,
		map[string]any{"m": meetings[0].ID}).OK(t, &cancelled)
	if cancelled.CancelMeeting.Meeting.Status != "CANCELLED" {
		t.Fatalf("cancel: %+v", cancelled)
	}
	a.As(member.token).Do(t, rsvpMutation, map[string]any{"m": meetings[0].ID, "yes": true}).Fails(t, "CONFLICT", "")
	to := meetings[1].StartsAt.Add(24 * time.Hour)
	var moved struct {
		MoveMeeting struct {
			Meeting struct {
				StartsAt, EndsAt time.Time
				Moved            bool
			}
		}
	}
	fac.Do(t, `mutation($m: ID!, $s: DateTime!) { moveMeeting(meetingId: $m, startsAt: $s) { meeting { startsAt endsAt moved } } }`,
		map[string]any{"m": meetings[1].ID, "s": to.Format(time.RFC3339)}).OK(t, &moved)
	if mv := moved.MoveMeeting.Meeting; !mv.Moved || !mv.StartsAt.Equal(to) || mv.EndsAt.Sub(mv.StartsAt) != 2*time.Hour {
		t.Fatalf("moved: %+v", mv)
	}
	a.As(member.token).Do(t, `mutation($m: ID!, $s: DateTime!) { moveMeeting(meetingId: $m, startsAt: $s) { meeting { id } } }`,
		map[string]any{"m": meetings[2].ID, "s": to.Format(time.RFC3339)}).Fails(t, "FORBIDDEN", "")
	fac.Do(t, `mutation($m: ID!) { recordMeetingAttendance(meetingId: $m, count: 4) { meeting { attendedCount } } }`,
		map[string]any{"m": meetings[2].ID}).Fails(t, "CONFLICT", "")
	fac.Do(t, `mutation($m: ID!) { recordMeetingAttendance(meetingId: $m, count: -1) { meeting { attendedCount } } }`,
		map[string]any{"m": meetings[2].ID}).Fails(t, "BAD_USER_INPUT", "count")

	fac.Do(t, `mutation($m: ID!) { removeGroupMember(membershipId: $m) { membership { status } } }`,
		map[string]any{"m": joined.JoinGroup.Membership.ID}).OK(t, nil)
	var mine struct{ MyGroups []struct{ ID string } }
	a.As(member.token).Do(t, `{ myGroups { id } }`, nil).OK(t, &mine)
	if len(mine.MyGroups) != 0 {
		t.Fatalf("a removed member still has %v", mine.MyGroups)
	}
}
