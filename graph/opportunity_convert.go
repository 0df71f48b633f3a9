package graph

import (
	"context"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/replay"
	"github.com/mitwirken/mitwirken/internal/signup"
)

func createDetails(in model.CreateOpportunityInput) opportunity.Details {
	d := opportunity.Details{
		Title: &in.Title, Description: in.Description, EasyLanguageSummary: in.EasyLanguageSummary,
		AccessibilityNotes: in.AccessibilityNotes, Category: in.Category, Mode: &in.Mode, OnlineURL: in.OnlineURL,
		RequiresApproval: in.RequiresApproval, Skills: optionalList(in.Skills), Languages: optionalList(in.Languages),
		RequiredModuleIDs: optionalList(in.RequiredModuleIds), RequiredCredentials: optionalList(in.RequiredCredentials),
		MinimumAge: in.MinimumAge,
	}
	if in.Location != nil {
		loc := location(in.Location)
		d.Location = &loc
	}
	return d
}

func updateDetails(in model.UpdateOpportunityInput) opportunity.Details {
	d := opportunity.Details{
		Title: in.Title, Description: in.Description, EasyLanguageSummary: in.EasyLanguageSummary,
		AccessibilityNotes: in.AccessibilityNotes, Category: in.Category, Mode: in.Mode, OnlineURL: in.OnlineURL,
		RequiresApproval: in.RequiresApproval, Skills: optionalList(in.Skills), Languages: optionalList(in.Languages),
		RequiredModuleIDs: optionalList(in.RequiredModuleIds), RequiredCredentials: optionalList(in.RequiredCredentials),
		MinimumAge: in.MinimumAge,
	}
	if in.Location != nil {
		loc := location(in.Location)
		d.Location = &loc
	}
	return d
}

func location(in *model.LocationInput) *opportunity.Location {
	return &opportunity.Location{Address: deref(in.Address), Latitude: in.Latitude, Longitude: in.Longitude}
}

// optionalList keeps "not given" (nil) apart from "given empty".
func optionalList(l []string) *[]string {
	if l == nil {
		return nil
	}
	return &l
}

func opportunityFilter(f *model.OpportunityFilter) opportunity.Filter {
	if f == nil {
		return opportunity.Filter{}
	}
	out := opportunity.Filter{OrganisationID: deref(f.OrganisationID), Mode: deref(f.Mode), Category: deref(f.Category),
		OnlyWithFreePlaces: deref(f.OnlyWithFreePlaces)}
	if f.From != nil {
		out.From = *f.From
	}
	if f.To != nil {
		out.To = *f.To
	}
	return out
}

// opportunityPayload converts a write's result; the warnings are localised for the viewer.
func opportunityPayload(ctx context.Context) func(opportunity.Opportunity, []opportunity.Warning, error) (*model.OpportunityPayload, error) {
	return func(o opportunity.Opportunity, warnings []opportunity.Warning, err error) (*model.OpportunityPayload, error) {
		if err != nil {
			return nil, err
		}
		german := viewer(ctx).German()
		out := &model.OpportunityPayload{Opportunity: &o, Warnings: make([]*model.Warning, len(warnings))}
		for i, w := range warnings {
			out.Warnings[i] = &model.Warning{Code: w.Code, Message: w.Message(german), Field: optional(w.Field)}
		}
		return out, nil
	}
}

func opportunityConnection(ctx context.Context, p opportunity.Page) *model.OpportunityConnection {
	l := loadersFrom(ctx)
	c := &model.OpportunityConnection{Edges: make([]*model.OpportunityEdge, len(p.Opportunities)), TotalCount: p.Total}
	last := ""
	for i, o := range p.Opportunities {
		// Edges back to these opportunities (shift → opportunity) need no second lookup.
		l.opportunities.Prime(o.ID, o)
		last = encodeCursor("opportunity", o.ID)
		c.Edges[i] = &model.OpportunityEdge{Cursor: last, Node: o}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

func shiftPayload(sh opportunity.Shift, err error) (*model.ShiftPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.ShiftPayload{Shift: &sh}, nil
}

func signupPayload(su signup.Signup, err error) (*model.SignupPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.SignupPayload{Signup: &su}, nil
}

func signupConnection(p signup.Page) *model.SignupConnection {
	c := &model.SignupConnection{Edges: make([]*model.SignupEdge, len(p.Signups)), TotalCount: p.Total}
	last := ""
	for i, su := range p.Signups {
		last = encodeCursor("signup", su.ID)
		c.Edges[i] = &model.SignupEdge{Cursor: last, Node: su}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

// once runs a signup mutation at most once per idempotency key; a repeat returns the signup
// as it is now.
func (r *mutationResolver) once(ctx context.Context, key *string, operation string, run func() (signup.Signup, error)) (signup.Signup, error) {
	return replay.Do(ctx, r.Svc.Replays, viewer(ctx), deref(key), operation,
		func() (signup.Signup, string, error) {
			su, err := run()
			return su, su.ID, err
		},
		func(id string) (signup.Signup, error) { return r.Svc.Signups.Get(ctx, viewer(ctx), id) })
}
