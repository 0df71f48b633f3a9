package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// adminOf says who is admin of which organisation.
type adminOf map[string]string // user → organisation

func (s adminOf) IsAdmin(_ context.Context, actor auth.Actor, orgID string) bool {
	return s[actor.UserID] == orgID
}

func TestRecordAndList(t *testing.T) {
	st := storetest.New(t)
	svc := audit.NewService(st.Audit(), adminOf{"coord-a": "org-a"})
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, e := range []audit.Entry{
		{OrganisationID: "org-a", ActorID: "coord-a", SubjectUserID: "u1", Action: audit.ResolvePseudonym, Target: "membership:m1", Reason: "first reason", At: at},
		{OrganisationID: "org-a", ActorID: "coord-a", SubjectUserID: "u2", Action: audit.ResolvePseudonym, Target: "membership:m2", Reason: "second reason"},
		{OrganisationID: "org-b", ActorID: "coord-b", SubjectUserID: "u1", Action: audit.ResolvePseudonym, Reason: "elsewhere"},
	} {
		if err := svc.Record(t.Context(), e); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	if _, err := svc.ListForOrganisation(t.Context(), auth.Actor{UserID: "coord-b"}, "org-a", 10, ""); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("another organisation's admin: %v, want FORBIDDEN", err)
	}
	if _, err := svc.ListForOrganisation(t.Context(), auth.Actor{}, "org-a", 10, ""); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous: %v, want UNAUTHENTICATED", err)
	}
	page, err := svc.ListForOrganisation(t.Context(), auth.Actor{UserID: "coord-a"}, "org-a", 1, "")
	if err != nil || len(page) != 1 || page[0].Reason != "second reason" {
		t.Fatalf("first page %+v, %v; want the newest", page, err)
	}
	page, err = svc.ListForOrganisation(t.Context(), auth.Actor{UserID: "coord-a"}, "org-a", 10, page[0].ID)
	if err != nil || len(page) != 1 || page[0].Reason != "first reason" || !page[0].At.Equal(at) {
		t.Fatalf("second page %+v, %v", page, err)
	}
	about, err := svc.ListAbout(t.Context(), "u1")
	if err != nil || len(about) != 2 {
		t.Fatalf("entries about u1: %+v, %v", about, err)
	}
	for _, bad := range []string{"", "kurz", strings.Repeat("a", 501)} {
		if _, err := audit.Reason("reason", bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("Reason(%q) = %v, want BAD_USER_INPUT", bad, err)
		}
	}
}
