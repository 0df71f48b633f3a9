package privacy

import (
	"context"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// The holders of the domains this package knows; other domains implement Holder themselves
// or through a Func.

// Func is a Holder made of functions.
type Func struct {
	Section  string
	ExportFn func(ctx context.Context, userID string) (any, error)
	EraseFn  func(ctx context.Context, e Erasure) error
}

func (f Func) Name() string                                           { return f.Section }
func (f Func) Export(ctx context.Context, userID string) (any, error) { return f.ExportFn(ctx, userID) }
func (f Func) Erase(ctx context.Context, e Erasure) error             { return f.EraseFn(ctx, e) }

// AccountHolder is the account, its sessions and refresh tokens.
func AccountHolder(a *account.Service) Holder {
	return Func{Section: "account",
		ExportFn: func(ctx context.Context, userID string) (any, error) { return a.ExportOf(ctx, userID) },
		EraseFn:  func(ctx context.Context, e Erasure) error { return a.Erase(ctx, e.UserID) }}
}

// ProfileHolder is the volunteer profile.
func ProfileHolder(p *profile.Service) Holder {
	return Func{Section: "profile",
		ExportFn: func(ctx context.Context, userID string) (any, error) {
			pr, ok, err := p.Stored(ctx, userID)
			if !ok || err != nil {
				return nil, err
			}
			return pr, nil
		},
		EraseFn: func(ctx context.Context, e Erasure) error { return p.Erase(ctx, e.UserID) }}
}

// SignupHolder is the signups, with hours and attendance.
func SignupHolder(s *signup.Service) Holder {
	return Func{Section: "signups",
		ExportFn: func(ctx context.Context, userID string) (any, error) { return s.ExportOf(ctx, userID) },
		EraseFn:  func(ctx context.Context, e Erasure) error { return s.Erase(ctx, e.UserID, e.Pseudonym) }}
}

// SignupRelations tells that a volunteer signed up with an organisation.
type SignupRelations struct{ Signups *signup.Service }

func (r SignupRelations) RelatedTo(ctx context.Context, userID, orgID string) (bool, error) {
	return r.Signups.SignedUpWith(ctx, userID, orgID)
}

// OpportunityHolder is the opportunities the user created as staff (they stay with their
// organisation; the creator is replaced).
func OpportunityHolder(o *opportunity.Service) Holder {
	return Func{Section: "opportunitiesCreated",
		ExportFn: func(ctx context.Context, userID string) (any, error) { return o.CreatedBy(ctx, userID) },
		EraseFn:  func(ctx context.Context, e Erasure) error { return o.ReplaceCreator(ctx, e.UserID, e.Pseudonym) }}
}

// membershipExport is one organisation the user works for.
type membershipExport struct {
	OrganisationID string            `json:"organisationId"`
	Name           string            `json:"name"`
	Role           organisation.Role `json:"role"`
	Since          time.Time         `json:"since"`
}

// organisationHolder is the user's staff roles. An organisation keeps at least one admin, so
// its last admin must hand over before erasing their account.
type organisationHolder struct{ orgs *organisation.Service }

// OrganisationHolder is the user's roles in organisations.
func OrganisationHolder(o *organisation.Service) Holder { return organisationHolder{o} }

func (organisationHolder) Name() string { return "organisations" }

func (h organisationHolder) Export(ctx context.Context, userID string) (any, error) {
	ms, err := h.orgs.MembershipsOf(ctx, auth.Actor{UserID: userID})
	if err != nil {
		return nil, err
	}
	out := []membershipExport{}
	for _, m := range ms {
		me := membershipExport{OrganisationID: m.Organisation.ID, Name: m.Organisation.Name, Role: m.Role}
		for _, mem := range m.Organisation.Members {
			if mem.UserID == userID {
				me.Since = mem.Since
			}
		}
		out = append(out, me)
	}
	return out, nil
}

func (h organisationHolder) CheckErase(ctx context.Context, userID string) error {
	ms, err := h.orgs.MembershipsOf(ctx, auth.Actor{UserID: userID})
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Role != organisation.RoleAdmin {
			continue
		}
		admins := 0
		for _, mem := range m.Organisation.Members {
			if mem.Role == organisation.RoleAdmin {
				admins++
			}
		}
		if admins == 1 {
			return &errs.Error{Kind: errs.Conflict, Msg: "you are the last admin of " + m.Organisation.Name +
				"; make someone else an admin before deleting your account"}
		}
	}
	return nil
}

func (h organisationHolder) Erase(ctx context.Context, e Erasure) error {
	self := auth.Actor{UserID: e.UserID}
	ms, err := h.orgs.MembershipsOf(ctx, self)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := h.orgs.RemoveMember(ctx, self, m.Organisation.ID, e.UserID); err != nil {
			return err
		}
	}
	return nil
}

// RecordsHolder is a kind of records that live only in the store.
func RecordsHolder(r Records, kind Kind, mode Mode, before ...func()) Holder {
	return Func{Section: string(kind),
		ExportFn: func(ctx context.Context, userID string) (any, error) {
			list, err := r.RecordsOf(ctx, kind, userID)
			if list == nil {
				list = []map[string]any{}
			}
			return list, err
		},
		EraseFn: func(ctx context.Context, e Erasure) error {
			// e.g. write the events still buffered, so that they are pseudonymised too.
			for _, f := range before {
				f()
			}
			return r.EraseRecords(ctx, kind, mode, e)
		}}
}
