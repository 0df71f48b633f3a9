// Package audit keeps an append-only record of acts that look behind the platform's privacy
// promises: a coordinator resolving the pseudonym of a self-help group member, an export or
// erasure done for someone. Entries are never changed or deleted by the application; each
// names who acted, about whom, why and when.
package audit

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// Actions recorded.
const (
	// ResolvePseudonym: a coordinator learnt who is behind a group member's pseudonym.
	ResolvePseudonym = "RESOLVE_PSEUDONYM"
)

// Entry is one audited act.
type Entry struct {
	ID             string
	OrganisationID string
	ActorID        string
	// SubjectUserID is the person the act was about.
	SubjectUserID string
	Action        string
	// Target names the object acted on, e.g. "membership:<id>".
	Target string
	Reason string
	At     time.Time
}

// Store appends and lists entries; it has no way to change one.
type Store interface {
	AppendAudit(ctx context.Context, e Entry) error
	// AuditOfOrganisation lists an organisation's entries, newest first, older than the
	// entry with ID before (if any); limit 0 means all.
	AuditOfOrganisation(ctx context.Context, orgID, before string, limit int) ([]Entry, error)
	// AuditAbout lists the entries about a person, newest first.
	AuditAbout(ctx context.Context, userID string) ([]Entry, error)
}

// Admins decides who may read an organisation's log: its admins, who answer for how the
// organisation handles personal data, not every coordinator whose accesses it records.
type Admins interface {
	IsAdmin(ctx context.Context, actor auth.Actor, orgID string) bool
}

// Service records and lists entries.
type Service struct {
	store  Store
	admins Admins
	now    func() time.Time
}

// NewService returns the audit service.
func NewService(store Store, admins Admins) *Service {
	return &Service{store: store, admins: admins, now: time.Now}
}

// Limits of a reason.
const (
	MinReasonRunes = 10
	MaxReasonRunes = 500
)

// Reason checks the reason someone gives for an audited act: it must say something.
func Reason(field, raw string) (string, error) {
	return input.Text(field, raw, MinReasonRunes, MaxReasonRunes)
}

// Record writes the entry, stamping its time. The act it describes must wait for it: an
// act that cannot be recorded must not happen.
func (s *Service) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	if err := s.store.AppendAudit(ctx, e); err != nil {
		return errs.Wrap("audit: record", err)
	}
	return nil
}

// ListForOrganisation lists the organisation's entries for its admins, newest first.
func (s *Service) ListForOrganisation(ctx context.Context, actor auth.Actor, orgID string, first int, before string) ([]Entry, error) {
	if !actor.Authenticated() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	if !s.admins.IsAdmin(ctx, actor, orgID) {
		return nil, errs.E(errs.Forbidden, "only the organisation's admins can read its audit log")
	}
	list, err := s.store.AuditOfOrganisation(ctx, orgID, before, first)
	return list, errs.Wrap("audit: list", err)
}

// ListAbout lists the entries about a person, for their data export.
func (s *Service) ListAbout(ctx context.Context, userID string) ([]Entry, error) {
	list, err := s.store.AuditAbout(ctx, userID)
	return list, errs.Wrap("audit: list about", err)
}
