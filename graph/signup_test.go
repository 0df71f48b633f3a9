package graph_test

import (
	"testing"
	"time"
)

func TestOverlappingShiftsConflictUnlessACoordinatorOverrides(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	base := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	morning := f.addShift(t, a, base, 2*time.Hour, 5)
	overlapping := f.addShift(t, a, base.Add(time.Hour), 2*time.Hour, 5)
	adjacent := f.addShift(t, a, base.Add(2*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vol := a.volunteers(t, 1)[0]
	var me struct {
		Me struct{ ID, Email string }
	}
	a.As(vol).Do(t, `{ me { id email } }`, nil).OK(t, &me)

	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": morning}).OK(t, nil)
	e := a.As(vol).Do(t, signUpMutation, map[string]any{"shift": overlapping}).Fails(t, "CONFLICT", "shiftId")
	if e.Extensions["conflictingShiftId"] != morning {
		t.Fatalf("conflict names %v, want %s", e.Extensions["conflictingShiftId"], morning)
	}
	// Back to back is not an overlap.
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": adjacent}).OK(t, nil)

	// A coordinator signing the volunteer up on their behalf may allow the overlap.
	const onBehalf = `mutation($s: ID!, $e: String!, $o: Boolean) { signUpVolunteer(shiftId: $s, email: $e, allowOverlap: $o) { signup { status volunteer { displayName email } } } }`
	as := a.As(f.coordinator.AccessToken)
	as.Do(t, onBehalf, map[string]any{"s": overlapping, "e": me.Me.Email}).Fails(t, "CONFLICT", "shiftId")
	var out struct {
		SignUpVolunteer struct {
			Signup struct {
				Status    string
				Volunteer struct{ DisplayName, Email string }
			}
		}
	}
	as.Do(t, onBehalf, map[string]any{"s": overlapping, "e": me.Me.Email, "o": true}).OK(t, &out)
	if out.SignUpVolunteer.Signup.Status != "CONFIRMED" || out.SignUpVolunteer.Signup.Volunteer.Email != me.Me.Email {
		t.Fatalf("on behalf = %+v, want CONFIRMED with the contact visible to the coordinator", out.SignUpVolunteer.Signup)
	}
	// A volunteer cannot sign others up.
	a.As(vol).Do(t, onBehalf, map[string]any{"s": adjacent, "e": me.Me.Email}).Fails(t, "FORBIDDEN", "")
}

func TestApprovalTakesAPlaceOrWaitlists(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"requiresApproval": true})
	shiftID := f.addShift(t, a, time.Now().Add(24*time.Hour), time.Hour, 1)
	f.publish(t, a)
	vols := a.volunteers(t, 3)
	ids := make([]string, 3)
	for i, v := range vols {
		var out struct{ SignUp struct{ Signup signupView } }
		a.As(v).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &out)
		if out.SignUp.Signup.Status != "PENDING_APPROVAL" {
			t.Fatalf("signup %d status = %s, want PENDING_APPROVAL", i, out.SignUp.Signup.Status)
		}
		ids[i] = out.SignUp.Signup.ID
	}
	const approve = `mutation($id: ID!) { approveSignup(signupId: $id) { signup { status waitlistPosition } } }`
	const decline = `mutation($id: ID!) { declineSignup(signupId: $id) { signup { status cancelReason } } }`
	as := a.As(f.coordinator.AccessToken)
	a.As(vols[0]).Do(t, approve, map[string]any{"id": ids[0]}).Fails(t, "FORBIDDEN", "")

	var ok struct{ ApproveSignup struct{ Signup signupView } }
	as.Do(t, approve, map[string]any{"id": ids[0]}).OK(t, &ok)
	if ok.ApproveSignup.Signup.Status != "CONFIRMED" {
		t.Fatalf("first approval = %s, want CONFIRMED", ok.ApproveSignup.Signup.Status)
	}
	as.Do(t, approve, map[string]any{"id": ids[1]}).OK(t, &ok)
	if ok.ApproveSignup.Signup.Status != "WAITLISTED" || *ok.ApproveSignup.Signup.WaitlistPosition != 1 {
		t.Fatalf("second approval = %+v, want WAITLISTED at 1", ok.ApproveSignup.Signup)
	}
	var no struct {
		DeclineSignup struct {
			Signup struct{ Status, CancelReason string }
		}
	}
	as.Do(t, decline, map[string]any{"id": ids[2]}).OK(t, &no)
	if no.DeclineSignup.Signup.Status != "CANCELLED" || no.DeclineSignup.Signup.CancelReason != "DECLINED" {
		t.Fatalf("decline = %+v", no.DeclineSignup.Signup)
	}
	as.Do(t, approve, map[string]any{"id": ids[2]}).Fails(t, "CONFLICT", "")

	// The confirmed volunteer leaves: the approved, waitlisted one moves up.
	a.As(vols[0]).Do(t, cancelSignupMutation, map[string]any{"id": ids[0]}).OK(t, nil)
	var mine struct {
		MySignups struct{ Edges []struct{ Node signupView } }
	}
	a.As(vols[1]).Do(t, `{ mySignups { edges { node { id status } } } }`, nil).OK(t, &mine)
	if mine.MySignups.Edges[0].Node.Status != "CONFIRMED" {
		t.Fatalf("waitlisted volunteer after cancellation: %s", mine.MySignups.Edges[0].Node.Status)
	}
}

func TestCheckInWindowAttendanceAndHours(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	soon := f.addShift(t, a, time.Now().Add(20*time.Minute), 90*time.Minute, 5)
	later := f.addShift(t, a, time.Now().Add(3*time.Hour), time.Hour, 5)
	f.publish(t, a)
	vols := a.volunteers(t, 2)
	signUp := func(tok, shift string) string {
		var out struct{ SignUp struct{ Signup signupView } }
		a.As(tok).Do(t, signUpMutation, map[string]any{"shift": shift}).OK(t, &out)
		return out.SignUp.Signup.ID
	}
	const checkIn = `mutation($id: ID!) { checkIn(signupId: $id) { signup { status hours hoursConfirmed checkedInAt } } }`
	soonID, laterID := signUp(vols[0], soon), signUp(vols[0], later)
	a.As(vols[0]).Do(t, checkIn, map[string]any{"id": laterID}).Fails(t, "CONFLICT", "")

	var in struct {
		CheckIn struct {
			Signup struct {
				Status         string
				Hours          float64
				HoursConfirmed bool
				CheckedInAt    *string
			}
		}
	}
	// Someone else's signup cannot be checked in.
	a.As(vols[1]).Do(t, checkIn, map[string]any{"id": soonID}).Fails(t, "NOT_FOUND", "")
	a.As(vols[0]).Do(t, checkIn, map[string]any{"id": soonID}).OK(t, &in)
	if in.CheckIn.Signup.Status != "ATTENDED" || in.CheckIn.Signup.Hours != 1.5 || !in.CheckIn.Signup.HoursConfirmed || in.CheckIn.Signup.CheckedInAt == nil {
		t.Fatalf("check-in = %+v, want ATTENDED with 1.5 confirmed hours", in.CheckIn.Signup)
	}
	// Attendance before the start is refused.
	a.As(f.coordinator.AccessToken).Do(t, `mutation($id: ID!) { recordAttendance(signupId: $id, attended: false) { signup { status } } }`,
		map[string]any{"id": laterID}).Fails(t, "CONFLICT", "")

	var hours struct {
		MyHours []struct {
			Organisation struct{ ID string }
			Year         int
			Hours        float64
		}
	}
	a.As(vols[0]).Do(t, `{ myHours { organisation { id } year hours } }`, nil).OK(t, &hours)
	if len(hours.MyHours) != 1 || hours.MyHours[0].Hours != 1.5 || hours.MyHours[0].Organisation.ID != f.orgID {
		t.Fatalf("myHours = %+v", hours.MyHours)
	}
}

func TestMicroTaskHoursAreLoggedThenConfirmed(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, map[string]any{"mode": "ONLINE", "onlineUrl": "https://pad.example.org/texte", "location": nil})
	var out struct {
		AddShift struct{ Shift struct{ ID string } }
	}
	a.As(f.coordinator.AccessToken).Do(t, addShiftMutation, map[string]any{"input": map[string]any{
		"opportunityId": f.oppID, "deadline": time.Now().Add(7 * 24 * time.Hour).Format(time.RFC3339), "capacity": 10,
	}}).OK(t, &out)
	shiftID := out.AddShift.Shift.ID
	f.publish(t, a)
	vol := a.volunteers(t, 1)[0]
	var su struct{ SignUp struct{ Signup signupView } }
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &su)
	id := su.SignUp.Signup.ID

	const logHours = `mutation($id: ID!, $h: Float!) { logHours(signupId: $id, hours: $h) { signup { status hours hoursConfirmed } } }`
	const confirm = `mutation($id: ID!, $h: Float) { confirmHours(signupId: $id, hours: $h) { signup { hours hoursConfirmed } } }`
	a.As(vol).Do(t, logHours, map[string]any{"id": id, "h": 0}).Fails(t, "BAD_USER_INPUT", "hours")
	a.As(vol).Do(t, logHours, map[string]any{"id": id, "h": 2.5}).OK(t, nil)
	a.As(vol).Do(t, confirm, map[string]any{"id": id}).Fails(t, "FORBIDDEN", "")
	var c struct {
		ConfirmHours struct {
			Signup struct {
				Hours          float64
				HoursConfirmed bool
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, confirm, map[string]any{"id": id, "h": 2.0}).OK(t, &c)
	if c.ConfirmHours.Signup.Hours != 2 || !c.ConfirmHours.Signup.HoursConfirmed {
		t.Fatalf("confirm = %+v", c.ConfirmHours.Signup)
	}
	a.As(vol).Do(t, logHours, map[string]any{"id": id, "h": 3}).Fails(t, "CONFLICT", "")
}

func TestShiftAcrossTheClockChangeHasItsRealLength(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	for _, tt := range []struct{ zone, start, end string }{
		// The last Sunday of October 2027: clocks go back from 03:00 to 02:00.
		{"Europe/Berlin", "2027-10-31T00:30:00+02:00", "2027-10-31T05:30:00+01:00"},
		{"Europe/Zurich", "2027-10-31T00:30:00+02:00", "2027-10-31T05:30:00+01:00"},
		// And forward in March 2028: 02:00 becomes 03:00.
		{"Europe/Berlin", "2028-03-26T00:30:00+01:00", "2028-03-26T05:30:00+02:00"},
	} {
		var out struct {
			AddShift struct {
				Shift struct{ ID, StartsAt, EndsAt, TimeZone string }
			}
		}
		a.As(f.coordinator.AccessToken).Do(t, addShiftMutation, map[string]any{"input": map[string]any{
			"opportunityId": f.oppID, "startsAt": tt.start, "endsAt": tt.end, "capacity": 2, "timeZone": tt.zone,
		}}).OK(t, &out)
		sh := out.AddShift.Shift
		if sh.StartsAt != tt.start || sh.EndsAt != tt.end || sh.TimeZone != tt.zone {
			t.Errorf("shift shown as %s to %s in %s, want %s to %s", sh.StartsAt, sh.EndsAt, sh.TimeZone, tt.start, tt.end)
		}
		start, _ := time.Parse(time.RFC3339, sh.StartsAt)
		end, _ := time.Parse(time.RFC3339, sh.EndsAt)
		want := 6 * time.Hour
		if tt.start[5:7] == "03" {
			want = 4 * time.Hour
		}
		if end.Sub(start) != want {
			t.Errorf("%s shift lasts %v, want %v", tt.zone, end.Sub(start), want)
		}
	}
}

func TestCapacityChangesKeepTheInvariant(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	shiftID := f.addShift(t, a, time.Now().Add(24*time.Hour), time.Hour, 2)
	f.publish(t, a)
	vols := a.volunteers(t, 4)
	for _, v := range vols {
		a.As(v).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, nil)
	}
	const resize = `mutation($id: ID!, $c: Int!) { updateShift(id: $id, input: {capacity: $c}) { shift { capacity confirmedCount waitlistCount } } }`
	as := a.As(f.coordinator.AccessToken)
	as.Do(t, resize, map[string]any{"id": shiftID, "c": 1}).Fails(t, "CONFLICT", "input.capacity")
	var out struct {
		UpdateShift struct {
			Shift struct{ Capacity, ConfirmedCount, WaitlistCount int }
		}
	}
	as.Do(t, resize, map[string]any{"id": shiftID, "c": 3}).OK(t, &out)
	if s := out.UpdateShift.Shift; s.Capacity != 3 || s.ConfirmedCount != 3 || s.WaitlistCount != 1 {
		t.Fatalf("after growing to 3: %+v, want 3 confirmed and 1 waiting", s)
	}
}

func TestCoordinatorRecordsAttendanceOnceTheShiftBegins(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	start := time.Now().Add(1500 * time.Millisecond)
	shiftID := f.addShift(t, a, start, 3*time.Hour, 5)
	f.publish(t, a)
	vols := a.volunteers(t, 2)
	ids := make([]string, 2)
	for i, v := range vols {
		var out struct{ SignUp struct{ Signup signupView } }
		a.As(v).Do(t, signUpMutation, map[string]any{"shift": shiftID}).OK(t, &out)
		ids[i] = out.SignUp.Signup.ID
	}
	time.Sleep(time.Until(start) + 100*time.Millisecond)
	// Too late to sign up or, for the volunteer, to cancel.
	late := a.volunteers(t, 1)[0]
	a.As(late).Do(t, signUpMutation, map[string]any{"shift": shiftID}).Fails(t, "CONFLICT", "")
	a.As(vols[1]).Do(t, cancelSignupMutation, map[string]any{"id": ids[1]}).Fails(t, "CONFLICT", "")

	const record = `mutation($id: ID!, $a: Boolean!, $h: Float) { recordAttendance(signupId: $id, attended: $a, hours: $h) { signup { status hours hoursConfirmed } } }`
	var out struct {
		RecordAttendance struct {
			Signup struct {
				Status         string
				Hours          *float64
				HoursConfirmed bool
			}
		}
	}
	as := a.As(f.coordinator.AccessToken)
	as.Do(t, record, map[string]any{"id": ids[0], "a": true}).OK(t, &out)
	if s := out.RecordAttendance.Signup; s.Status != "ATTENDED" || s.Hours == nil || *s.Hours != 3 || !s.HoursConfirmed {
		t.Fatalf("attended = %+v, want 3 confirmed hours (the shift's length)", s)
	}
	as.Do(t, record, map[string]any{"id": ids[1], "a": false, "h": 2}).Fails(t, "BAD_USER_INPUT", "hours")
	as.Do(t, record, map[string]any{"id": ids[1], "a": false}).OK(t, &out)
	if s := out.RecordAttendance.Signup; s.Status != "NO_SHOW" || s.Hours != nil {
		t.Fatalf("no-show = %+v", s)
	}
	as.Do(t, record, map[string]any{"id": ids[0], "a": true, "h": 2.5}).OK(t, &out)
	if s := out.RecordAttendance.Signup; *s.Hours != 2.5 {
		t.Fatalf("corrected hours = %v, want 2.5", *s.Hours)
	}
	events := a.eventsOf(t, "shiftId", shiftID)
	if !containsKind(events, "ATTENDED") || !containsKind(events, "NO_SHOW") {
		t.Fatalf("attendance events missing: %+v", events)
	}
}
