package privacy

import (
	"context"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Contact is a volunteer's contact details as staff see them.
type Contact struct {
	UserID      string
	DisplayName string
	Email       string
	Phone       string
}

// Phones finds the phone number of a person registered without a smartphone.
type Phones interface {
	PhoneOf(ctx context.Context, userID string) (string, error)
}

// SetPhones wires where phone numbers come from.
func (s *Service) SetPhones(p Phones) { s.phones = p }

// Contact gives staff of an organisation the contact details of a volunteer who dealt with
// it, and logs who asked, when and why. Anyone else learns nothing, not even whether the
// person exists.
func (s *Service) Contact(ctx context.Context, actor auth.Actor, orgID, userID, reason string) (Contact, error) {
	if _, err := s.staff.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return Contact{}, err
	}
	why, err := audit.Reason("reason", reason)
	if err != nil {
		return Contact{}, err
	}
	u, err := s.related(ctx, userID, orgID)
	if err != nil {
		return Contact{}, err
	}
	c := Contact{UserID: u.ID, DisplayName: u.DisplayName, Email: u.Email}
	if s.phones != nil {
		if c.Phone, err = s.phones.PhoneOf(ctx, userID); err != nil {
			return Contact{}, err
		}
	}
	if err := s.audit.Record(ctx, audit.Entry{ActorID: actor.UserID, SubjectUserID: userID, OrganisationID: orgID,
		Action: audit.ContactViewed, Reason: why}); err != nil {
		return Contact{}, err
	}
	return c, nil
}

// LogRosterContact records that staff saw a volunteer's e-mail address on the roster of a
// shift the volunteer signed up for (the signup is the reason). The volunteer reading their
// own address is not logged.
func (s *Service) LogRosterContact(ctx context.Context, actor auth.Actor, orgID, userID string) error {
	if actor.UserID == userID {
		return nil
	}
	return s.audit.Record(ctx, audit.Entry{ActorID: actor.UserID, SubjectUserID: userID, OrganisationID: orgID,
		Action: audit.ContactViewed, Reason: "signup roster"})
}

// related returns the user when they dealt with the organisation, else NotFound.
func (s *Service) related(ctx context.Context, userID, orgID string) (account.User, error) {
	notFound := &errs.Error{Kind: errs.NotFound, Field: "userId", Msg: "no volunteer of this organisation has this ID"}
	u, err := s.accounts.User(ctx, userID)
	if errs.Is(err, errs.NotFound) {
		return account.User{}, notFound
	}
	if err != nil {
		return account.User{}, err
	}
	for _, r := range s.relations {
		ok, err := r.RelatedTo(ctx, userID, orgID)
		if err != nil {
			return account.User{}, errs.Wrap("privacy: relation", err)
		}
		if ok {
			return u, nil
		}
	}
	return account.User{}, notFound
}
