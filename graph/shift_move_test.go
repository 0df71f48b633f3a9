package graph_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/notify"
)

// TestMovedShiftCarriesItsSignups: when a coordinator moves a shift, the signups follow: the
// overlap check uses the new times, the stored copies change, and the people signed up are
// told the new time.
func TestMovedShiftCarriesItsSignups(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a, nil)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := time.Now().In(berlin).AddDate(0, 0, 10)
	at := func(days, hour int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day()+days, hour, 0, 0, 0, berlin)
	}
	moving := f.addShift(t, a, at(0, 10), 2*time.Hour, 5)
	oldSlot := f.addShift(t, a, at(0, 10), 2*time.Hour, 5) // where the shift was
	newSlot := f.addShift(t, a, at(1, 15), 2*time.Hour, 5) // where it goes
	f.publish(t, a)
	vol := a.volunteers(t, 1)[0]
	var su struct{ SignUp struct{ Signup signupView } }
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": moving}).OK(t, &su)

	const move = `mutation($id: ID!, $s: DateTime!, $e: DateTime!) { updateShift(id: $id, input: {startsAt: $s, endsAt: $e}) { shift { startsAt confirmedCount } } }`
	var moved struct {
		UpdateShift struct {
			Shift struct {
				StartsAt       time.Time
				ConfirmedCount int
			}
		}
	}
	a.As(f.coordinator.AccessToken).Do(t, move, map[string]any{"id": moving,
		"s": at(1, 14).Format(time.RFC3339), "e": at(1, 16).Format(time.RFC3339)}).OK(t, &moved)
	if !moved.UpdateShift.Shift.StartsAt.Equal(at(1, 14)) || moved.UpdateShift.Shift.ConfirmedCount != 1 {
		t.Fatalf("moved shift = %+v", moved.UpdateShift.Shift)
	}

	// The old slot is free now; the new one clashes.
	a.As(vol).Do(t, signUpMutation, map[string]any{"shift": oldSlot}).OK(t, nil)
	e := a.As(vol).Do(t, signUpMutation, map[string]any{"shift": newSlot}).Fails(t, "CONFLICT", "")
	if !strings.Contains(e.Message, "overlaps") {
		t.Fatalf("conflict message %q", e.Message)
	}
	stored, err := a.store.Signups().ByID(t.Context(), su.SignUp.Signup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.ShiftStart.Equal(at(1, 14)) || !stored.ShiftEnd.Equal(at(1, 16)) {
		t.Fatalf("stored signup has %v–%v, want the new times", stored.ShiftStart, stored.ShiftEnd)
	}

	// The notices job tells her, once.
	a.events.Flush()
	jobs := notify.NewJobs(a.store.NotifyStores(), nil, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n, err := jobs.Notices.Run(t.Context()); err != nil || n != 1 {
		t.Fatalf("notices created %d (%v), want 1", n, err)
	}
	if n, err := jobs.Notices.Run(t.Context()); err != nil || n != 0 {
		t.Fatalf("re-run created %d (%v), want 0", n, err)
	}
	var inbox struct {
		Notifications struct {
			Edges []struct {
				Node struct{ Kind, Title, Body string }
			}
		}
	}
	// The server learns of messages other processes create from the feed it polls.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		a.As(vol).Do(t, `{ notifications { edges { node { kind title body } } } }`, nil).OK(t, &inbox)
		if len(inbox.Notifications.Edges) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(inbox.Notifications.Edges) != 1 {
		t.Fatalf("notifications = %+v", inbox.Notifications.Edges)
	}
	n := inbox.Notifications.Edges[0].Node
	if n.Kind != "SHIFT_CHANGED" || n.Title != "Neue Zeit: Ausgabe an der Tafel" || !strings.Contains(n.Body, notify.When(at(1, 14), "de")) {
		t.Fatalf("notice = %+v", n)
	}
}
