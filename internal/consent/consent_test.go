package consent_test

import (
	"testing"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// TestNewVersionAsksAgain: agreeing to version 1 of the terms satisfies version 1; when the
// terms move to version 2, the same history asks again, and only the new version is accepted.
func TestNewVersionAsksAgain(t *testing.T) {
	st := storetest.New(t)
	actor := auth.Actor{UserID: "user-1"}
	v1 := consent.NewService(st.Consents(), consent.Versions{consent.Terms: 1, consent.Processing: 1, consent.Email: 1})
	for _, p := range []consent.Purpose{consent.Terms, consent.Processing, consent.Email} {
		if _, err := v1.Give(t.Context(), actor, p, 1); err != nil {
			t.Fatal(err)
		}
	}
	if req, err := v1.Required(t.Context(), actor.UserID); err != nil || len(req) != 0 {
		t.Fatalf("Required under version 1 = %+v, %v; want nothing", req, err)
	}
	v2 := consent.NewService(st.Consents(), consent.Versions{consent.Terms: 2, consent.Processing: 1, consent.Email: 3})
	req, err := v2.Required(t.Context(), actor.UserID)
	if err != nil {
		t.Fatal(err)
	}
	var got []consent.Purpose
	for _, s := range req {
		got = append(got, s.Purpose)
		if s.Version >= s.CurrentVersion || !s.Granted {
			t.Errorf("%s: version %d of %d, granted %v", s.Purpose, s.Version, s.CurrentVersion, s.Granted)
		}
	}
	if len(got) != 2 || got[0] != consent.Terms || got[1] != consent.Email {
		t.Fatalf("Required under new versions = %v, want TERMS and EMAIL", got)
	}
	if _, err := v2.Give(t.Context(), actor, consent.Terms, 1); err == nil {
		t.Fatal("an outdated version was accepted")
	}
	if _, err := v2.Give(t.Context(), actor, consent.Terms, 2); err != nil {
		t.Fatal(err)
	}
	_, history, err := v2.Of(t.Context(), actor.UserID)
	if err != nil || len(history) != 4 {
		t.Fatalf("history = %d records, %v; want 4, none changed", len(history), err)
	}
}
