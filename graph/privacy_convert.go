package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func consentPayload(st consent.State, err error) (*model.ConsentPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.ConsentPayload{Consent: st}, nil
}

func consentOverview(states []consent.State, history []consent.Record, err error) (*model.ConsentOverview, error) {
	if err != nil {
		return nil, err
	}
	s, _ := pointers(states, nil)
	h, _ := pointers(history, nil)
	if h == nil {
		h = []*consent.Record{}
	}
	return &model.ConsentOverview{States: s, History: h}, nil
}

const auditCursor = "audit"

// auditLog lists a page of the organisation's audit log; one more entry than asked tells
// whether there is a next page.
func (r *Resolver) auditLog(ctx context.Context, orgID string, first *int, after *string) (*model.AuditEntryConnection, error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	before, err := decodeCursor(auditCursor, after)
	if err != nil {
		return nil, err
	}
	list, err := r.Svc.Audit.ListForOrganisation(ctx, viewer(ctx), orgID, n+1, before)
	if err != nil {
		return nil, err
	}
	hasNext := len(list) > n
	if hasNext {
		list = list[:n]
	}
	c := &model.AuditEntryConnection{Edges: make([]*model.AuditEntryEdge, len(list))}
	last := ""
	for i, e := range list {
		last = encodeCursor(auditCursor, e.ID)
		c.Edges[i] = &model.AuditEntryEdge{Cursor: last, Node: e}
	}
	c.PageInfo = pageInfo(hasNext, last)
	return c, nil
}

// auditUser is a person named in an audit entry, or null when their account is gone.
func auditUser(ctx context.Context, id string) (*account.User, error) {
	u, err := load(ctx, loadersFrom(ctx).users, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return u, err
}

func proxyInput(in model.RegisterProxyVolunteerInput) privacy.ProxyInput {
	return privacy.ProxyInput{OrganisationID: in.OrganisationID, DisplayName: in.DisplayName, Phone: in.Phone,
		Locale: deref(in.Locale), ConsentMethod: in.ConsentMethod, ConsentNote: deref(in.ConsentNote)}
}

func proxyPayload(p privacy.ProxyRegistration, err error) (*model.ProxyVolunteerPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.ProxyVolunteerPayload{User: p.User, TakeoverCode: p.TakeoverCode}, nil
}

// volunteerOf is the person of a signup as the viewer may see them. An erased person is only
// "a volunteer"; staff reading the e-mail address on a roster is written to the audit log.
func (r *Resolver) volunteerOf(ctx context.Context, su *signup.Signup) (*model.Volunteer, error) {
	u, err := load(ctx, loadersFrom(ctx).users, su.UserID)
	if errs.Is(err, errs.NotFound) {
		name := "Ehemalige Freiwillige oder ehemaliger Freiwilliger"
		if !viewer(ctx).German() {
			name = "A former volunteer"
		}
		return &model.Volunteer{DisplayName: name}, nil
	}
	if err != nil {
		return nil, err
	}
	staff, err := viewerIsStaff(ctx, su.OrganisationID)
	if err != nil {
		return nil, err
	}
	v := &model.Volunteer{DisplayName: u.DisplayName}
	if !signup.ContactVisible(viewer(ctx), *su, staff) {
		return v, nil
	}
	if slices.Contains(graphql.CollectAllFields(ctx), "email") {
		if err := r.Svc.Privacy.LogRosterContact(ctx, viewer(ctx), su.OrganisationID, su.UserID); err != nil {
			return nil, err
		}
	}
	v.Email = &u.Email
	return v, nil
}
