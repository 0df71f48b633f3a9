package training

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
)

// CredentialInput is what a coordinator records after seeing a document. The volunteer is
// named by ID or, for someone the coordinator knows by address, by e-mail.
type CredentialInput struct {
	OrganisationID string
	VolunteerID    string
	Email          string
	Kind           string
	DocumentDate   string // YYYY-MM-DD
	SeenDate       string // YYYY-MM-DD; today when empty
	ValidUntil     string // YYYY-MM-DD; the kind's default period from DocumentDate when empty
}

// RecordCredential records (or renews) a volunteer's credential; only the organisation's
// coordinators and admins may. The document itself is never stored.
func (s *Service) RecordCredential(ctx context.Context, actor auth.Actor, in CredentialInput) (Credential, error) {
	if !actor.Authenticated() {
		return Credential{}, errSignIn
	}
	if in.OrganisationID == "" {
		return Credential{}, errs.InvalidField("input.organisationId", "name the organisation that verified the document")
	}
	if _, err := s.orgs.Authorize(ctx, actor, in.OrganisationID, staffRoles...); err != nil {
		return Credential{}, err
	}
	c, err := s.credentialOf(ctx, in)
	if err != nil {
		return Credential{}, err
	}
	c.VerifiedBy, c.RecordedAt = actor.UserID, s.now()
	if err := s.creds.PutCredential(ctx, c); err != nil {
		return Credential{}, errs.Wrap("training: record credential", err)
	}
	s.people.forget(c.UserID)
	return c, nil
}

// credentialOf validates the input into a credential.
func (s *Service) credentialOf(ctx context.Context, in CredentialInput) (Credential, error) {
	kind, err := opportunity.CredentialKind("input.kind", in.Kind)
	if err != nil {
		return Credential{}, err
	}
	userID := in.VolunteerID
	switch {
	case userID != "" && in.Email != "":
		return Credential{}, errs.InvalidField("input.email", "name the volunteer by ID or by e-mail, not both")
	case userID == "" && in.Email == "":
		return Credential{}, errs.InvalidField("input.volunteerId", "name the volunteer")
	case userID != "":
		users, err := s.users.UsersByIDs(ctx, []string{userID})
		if err != nil {
			return Credential{}, errs.Wrap("training: volunteer", err)
		}
		if _, ok := users[userID]; !ok {
			return Credential{}, &errs.Error{Kind: errs.NotFound, Field: "input.volunteerId", Msg: "no such volunteer"}
		}
	default:
		id, err := s.users.UserIDByEmail(ctx, in.Email)
		if errors.Is(err, errs.ErrNotFound) {
			return Credential{}, &errs.Error{Kind: errs.NotFound, Field: "input.email", Msg: "no account uses this e-mail address"}
		}
		if err != nil {
			return Credential{}, errs.Wrap("training: volunteer by e-mail", err)
		}
		userID = id
	}
	today := DateOf(s.now())
	doc, err := ParseDate("input.documentDate", in.DocumentDate)
	if err != nil {
		return Credential{}, err
	}
	if doc.IsZero() {
		return Credential{}, errs.InvalidField("input.documentDate", "give the date the document was issued")
	}
	if doc.After(today) {
		return Credential{}, errs.InvalidField("input.documentDate", "the document's date lies in the future")
	}
	seen, err := ParseDate("input.seenDate", in.SeenDate)
	if err != nil {
		return Credential{}, err
	}
	if seen.IsZero() {
		seen = today
	}
	if seen.After(today) || doc.After(seen) {
		return Credential{}, errs.InvalidField("input.seenDate", "the document is seen on or after its date, and not in the future")
	}
	until, err := ParseDate("input.validUntil", in.ValidUntil)
	if err != nil {
		return Credential{}, err
	}
	if until.IsZero() {
		if years, ok := defaultValidity[kind]; ok {
			until = doc.AddYears(years)
		}
	} else if !until.After(doc) {
		return Credential{}, errs.InvalidField("input.validUntil", "validity ends after the document's date")
	}
	return Credential{ID: in.OrganisationID + ":" + userID + ":" + kind, OrganisationID: in.OrganisationID, UserID: userID,
		Kind: kind, DocumentDate: doc, SeenDate: seen, ValidUntil: until}, nil
}

// RevokeCredential deletes a credential, e.g. when it was recorded by mistake; only the
// organisation's coordinators and admins may.
func (s *Service) RevokeCredential(ctx context.Context, actor auth.Actor, id string) (Credential, error) {
	if !actor.Authenticated() {
		return Credential{}, errSignIn
	}
	c, err := s.creds.Credential(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Credential{}, errs.E(errs.NotFound, "credential not found")
	}
	if err != nil {
		return Credential{}, errs.Wrap("training: credential", err)
	}
	if _, err := s.orgs.Authorize(ctx, actor, c.OrganisationID, staffRoles...); err != nil {
		// Not even whether it exists.
		return Credential{}, errs.E(errs.NotFound, "credential not found")
	}
	if _, err := s.creds.DeleteCredentials(ctx, []string{id}); err != nil {
		return Credential{}, errs.Wrap("training: revoke credential", err)
	}
	s.people.forget(c.UserID)
	return c, nil
}

// MyCredentials lists the actor's own credentials, in every organisation.
func (s *Service) MyCredentials(ctx context.Context, actor auth.Actor) ([]Credential, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	h, err := s.holding(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(h.credentials), nil
}

// OrganisationCredentials lists the credentials an organisation recorded, optionally of one
// volunteer; only its coordinators and admins may read them.
func (s *Service) OrganisationCredentials(ctx context.Context, actor auth.Actor, orgID, volunteerID string) ([]Credential, error) {
	if _, err := s.orgs.Authorize(ctx, actor, orgID, staffRoles...); err != nil {
		return nil, err
	}
	list, err := s.creds.CredentialsOfOrganisation(ctx, orgID)
	if err != nil {
		return nil, errs.Wrap("training: credentials of organisation", err)
	}
	if volunteerID != "" {
		list = slices.DeleteFunc(list, func(c Credential) bool { return c.UserID != volunteerID })
	}
	return list, nil
}

// MyCompletions lists the actor's completions, newest first.
func (s *Service) MyCompletions(ctx context.Context, actor auth.Actor) ([]Completion, error) {
	if !actor.Authenticated() {
		return nil, errSignIn
	}
	h, err := s.holding(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(h.completions)
	slices.SortFunc(out, func(a, b Completion) int { return b.PassedAt.Compare(a.PassedAt) })
	return out, nil
}

// PurgeCredentials deletes the credentials of volunteers whose last activity in the
// organisation (their latest shift there, or the credential's recording if later) lies more
// than the retention period back. It reports how many it deleted.
func (s *Service) PurgeCredentials(ctx context.Context) (int64, error) {
	all, err := s.creds.AllCredentials(ctx)
	if err != nil || len(all) == 0 {
		return 0, errs.Wrap("training: credentials to purge", err)
	}
	var users []string
	for _, c := range all {
		users = append(users, c.UserID)
	}
	slices.Sort(users)
	last, err := s.act.LastActivity(ctx, slices.Compact(users))
	if err != nil {
		return 0, errs.Wrap("training: last activity", err)
	}
	cutoff := s.now().Add(-s.cfg.CredentialRetention)
	var ids, gone []string
	for _, c := range all {
		at := c.RecordedAt
		if t := last[ActivityKey(c.UserID, c.OrganisationID)]; t.After(at) {
			at = t
		}
		if at.Before(cutoff) {
			ids = append(ids, c.ID)
			gone = append(gone, c.UserID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	n, err := s.creds.DeleteCredentials(ctx, ids)
	s.people.forget(gone...)
	return n, errs.Wrap("training: purge credentials", err)
}

// Prune deletes what is no longer needed: credentials after the volunteer's inactivity, and
// quiz attempts of past days. It reports how many records it deleted.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	n, err := s.PurgeCredentials(ctx)
	if err != nil {
		return n, err
	}
	m, err := s.repo.PruneAttempts(ctx, s.now().Add(-48*time.Hour))
	return n + m, errs.Wrap("training: prune attempts", err)
}
