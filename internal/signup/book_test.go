package signup

import (
	"testing"
	"time"
)

func TestLedgerSeatsAndPositions(t *testing.T) {
	b := newBook()
	put := func(id, user string, status Status, seat, rank int) {
		b.put(entry{SignupID: id, ShiftID: "s", UserID: user, Status: status, Seat: seat, WaitRank: rank})
	}
	put("a", "ua", Confirmed, 1, 0)
	put("b", "ub", Confirmed, 3, 0)
	put("w1", "u1", Waitlisted, 0, 4)
	put("w2", "u2", Waitlisted, 0, 9)
	l := b.ledger("s")
	if got := l.freeSeat(3); got != 2 {
		t.Errorf("freeSeat(3) = %d, want 2 (the lowest free place)", got)
	}
	if got := l.freeSeat(2); got != 0 {
		t.Errorf("freeSeat(2) = %d, want 0 (full)", got)
	}
	if got := l.lowestFree(2); got != 2 {
		t.Errorf("lowestFree(2) = %d, want 2", got)
	}
	if p1, p2 := l.position("w1"), l.position("w2"); p1 != 1 || p2 != 2 {
		t.Errorf("positions = %d, %d; want 1, 2", p1, p2)
	}
	if got := l.nextRank(); got != 10 {
		t.Errorf("nextRank = %d, want 10", got)
	}
	// Cancelling forgets the signup; the user's index follows.
	put("w1", "u1", Cancelled, 0, 0)
	if p := l.position("w2"); p != 1 {
		t.Errorf("position after the first left = %d, want 1", p)
	}
	if _, ok := b.activeOf("s", "u1"); ok {
		t.Error("a cancelled signup is still active")
	}
}

func TestBookOverlapIgnoresAllowedAndWaitlisted(t *testing.T) {
	b := newBook()
	start := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)
	b.put(entry{SignupID: "c", ShiftID: "s1", UserID: "u", Status: Confirmed, Seat: 1, Start: start, End: start.Add(2 * time.Hour)})
	b.put(entry{SignupID: "w", ShiftID: "s2", UserID: "u", Status: Waitlisted, WaitRank: 1, Start: start, End: start.Add(2 * time.Hour)})
	if e, ok := b.overlapping("u", "s3", start.Add(time.Hour), start.Add(3*time.Hour)); !ok || e.SignupID != "c" {
		t.Errorf("overlapping = %v, %v; want the confirmed signup", e.SignupID, ok)
	}
	if _, ok := b.overlapping("u", "s3", start.Add(2*time.Hour), start.Add(3*time.Hour)); ok {
		t.Error("back-to-back shifts overlap")
	}
	b.put(entry{SignupID: "c", ShiftID: "s1", UserID: "u", Status: Confirmed, Seat: 1, Start: start, End: start.Add(2 * time.Hour), AllowOverlap: true})
	if _, ok := b.overlapping("u", "s3", start, start.Add(time.Hour)); ok {
		t.Error("a signup a coordinator allowed to overlap still blocks others")
	}
}
