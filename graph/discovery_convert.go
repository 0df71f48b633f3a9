package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/discovery"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/profile"
)

var weekdays = map[model.Weekday]time.Weekday{
	model.WeekdayMonday: time.Monday, model.WeekdayTuesday: time.Tuesday, model.WeekdayWednesday: time.Wednesday,
	model.WeekdayThursday: time.Thursday, model.WeekdayFriday: time.Friday, model.WeekdaySaturday: time.Saturday,
	model.WeekdaySunday: time.Sunday,
}

func profileInput(in model.VolunteerProfileInput) profile.Input {
	out := profile.Input{
		Skills: optionalList(in.Skills), Interests: optionalList(in.Interests), Languages: optionalList(in.Languages),
		PostalCode: in.PostalCode, RadiusKm: in.RadiusKm, OnlineOnly: in.OnlineOnly,
		AccessibilityNeeds: optionalList(in.AccessibilityNeeds), EasyLanguage: in.EasyLanguage, TimeZone: in.TimeZone,
		Contactable: in.Contactable, ClearLocation: deref(in.ClearLocation), BirthYear: in.BirthYear,
	}
	if in.Location != nil {
		out.Location = &profile.LocationInput{Latitude: in.Location.Latitude, Longitude: in.Location.Longitude}
	}
	if in.Availability != nil {
		ws := make([]profile.WindowInput, len(in.Availability))
		for i, a := range in.Availability {
			ws[i] = profile.WindowInput{Weekday: weekdays[a.Weekday], From: a.From, To: a.To}
		}
		out.Availability = &ws
	}
	return out
}

func availability(ws []profile.Window) []*model.Availability {
	out := make([]*model.Availability, len(ws))
	for i, w := range ws {
		var day model.Weekday
		for k, v := range weekdays {
			if v == w.Weekday {
				day = k
			}
		}
		out[i] = &model.Availability{Weekday: day, From: clock(w.From), To: clock(w.To)}
	}
	return out
}

func clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

func vocabulary(german bool) *model.Vocabulary {
	terms := func(list []profile.Term) []*model.VocabularyTerm {
		out := make([]*model.VocabularyTerm, len(list))
		for i, t := range list {
			out[i] = &model.VocabularyTerm{Key: t.Key, Label: t.Label(german)}
		}
		return out
	}
	return &model.Vocabulary{Skills: terms(profile.Skills), Interests: terms(profile.Interests), AccessibilityNeeds: terms(profile.AccessibilityNeeds)}
}

func distance(has bool, km float64) *float64 {
	if !has {
		return nil
	}
	return &km
}

func matchConnection(p discovery.Page[match.Result]) *model.OpportunityMatchConnection {
	c := &model.OpportunityMatchConnection{Edges: make([]*model.OpportunityMatchEdge, len(p.Items)), TotalCount: p.Total}
	last := ""
	for i, r := range p.Items {
		last = encodeCursor("match", r.Entry.Opportunity.ID)
		c.Edges[i] = &model.OpportunityMatchEdge{Cursor: last, Node: model.OpportunityMatch{
			Opportunity: r.Entry.Opportunity, Shift: r.Slot.Shift, Score: r.Score, Reasons: r.Reasons,
			DistanceKm: distance(r.HasDistance, r.DistanceKm),
		}}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

// searchConnection converts search hits; view shows a found group as the caller sees it.
func searchConnection(p discovery.Page[discovery.Hit], view func(group.Group) group.View) *model.SearchResultConnection {
	c := &model.SearchResultConnection{Edges: make([]*model.SearchResultEdge, len(p.Items)), TotalCount: p.Total}
	last := ""
	for i, h := range p.Items {
		last = encodeCursor("search", string(h.Kind)+":"+h.ID)
		o := h.Opportunity
		c.Edges[i] = &model.SearchResultEdge{Cursor: last, Node: &o, Score: h.Score}
		if h.Module != nil {
			c.Edges[i].Node = h.Module
		}
		if h.Group != nil {
			v := view(*h.Group)
			c.Edges[i].Node = &v
		}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c
}

func suggestions(ctx context.Context, list []discovery.Suggestion) ([]*model.VolunteerSuggestion, error) {
	out := make([]*model.VolunteerSuggestion, len(list))
	// All users asked for first, so that they load in one batch.
	users := make([]func() (account.User, error), len(list))
	for i, s := range list {
		users[i] = loadersFrom(ctx).users.LoadThunk(ctx, s.UserID)
	}
	for i, s := range list {
		u, err := loaded(users[i]())
		if err != nil {
			return nil, err
		}
		out[i] = &model.VolunteerSuggestion{VolunteerID: s.UserID, DisplayName: u.DisplayName, Score: s.Score,
			Reasons: s.Reasons, DistanceKm: distance(s.HasDistance, s.DistanceKm)}
	}
	return out, nil
}
