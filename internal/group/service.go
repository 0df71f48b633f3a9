package group

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/keylock"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Organisations decides who is staff of an organisation.
type Organisations interface {
	Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...organisation.Role) (organisation.Organisation, error)
}

// Users finds people by e-mail (to appoint a facilitator) and by ID (to resolve a pseudonym).
type Users interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
	UsersByIDs(ctx context.Context, ids []string) (map[string]account.User, error)
}

// Events records engagement.
type Events interface {
	Record(ctx context.Context, events ...engagement.Event)
}

// Auditor records resolutions of pseudonyms.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Service runs self-help groups.
type Service struct {
	repo   Repo
	orgs   Organisations
	users  Users
	events Events
	audit  Auditor
	log    *slog.Logger
	now    func() time.Time

	// groupLocks serialise membership changes of a group, meetingLocks the RSVPs of a meeting.
	groupLocks   keylock.Map
	meetingLocks keylock.Map

	mu       sync.Mutex
	watchers []func(g Group)
	notifier Notifier // nil: no notices
}

// NewService returns the group service over repo; see KeepInMemory.
func NewService(repo Repo, orgs Organisations, users Users, events Events, auditor Auditor, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{repo: repo, orgs: orgs, users: users, events: events, audit: auditor, log: log, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// KeepInMemory loads every group, membership, series, meeting and current RSVP and serves
// reads from memory from then on. Call it only when this process is the only writer (the
// embedded store), before serving.
func (s *Service) KeepInMemory(ctx context.Context) error {
	m, err := loadMemory(ctx, s.repo)
	if err != nil {
		return errs.Wrap("group: load", err)
	}
	s.repo = m
	return nil
}

// OnChange registers f, which is called with every group at once and after every change
// of a group (the search index follows groups through it).
func (s *Service) OnChange(ctx context.Context, f func(g Group)) error {
	list, err := s.repo.Groups(ctx)
	if err != nil {
		return errs.Wrap("group: list", err)
	}
	s.mu.Lock()
	s.watchers = append(s.watchers, f)
	s.mu.Unlock()
	for _, g := range list {
		f(g)
	}
	return nil
}

func (s *Service) changed(g Group) {
	s.mu.Lock()
	ws := slices.Clone(s.watchers)
	s.mu.Unlock()
	for _, f := range ws {
		f(g)
	}
}

var (
	errSignIn       = errs.E(errs.Unauthenticated, "sign in first")
	errGroupMissing = errs.E(errs.NotFound, "group not found")
)

// AreaInput is where a group meets, coarsely.
type AreaInput struct {
	PostalCode          string
	Latitude, Longitude *float64
}

// CreateInput describes a new group.
type CreateInput struct {
	OrganisationID      string
	Name                string
	Description         string
	EasyLanguageSummary string
	Category            string
	Languages           []string
	Mode                opportunity.Mode
	Area                *AreaInput
	Place               string
	OnlineURL           string
	JoinPolicy          JoinPolicy
	// Sensitive nil means: sensitive when the category is health-related.
	Sensitive *bool
}

func (in CreateInput) group() (Group, error) {
	var g Group
	var err error
	if g.Name, err = input.Text("input.name", in.Name, 1, MaxNameRunes); err != nil {
		return g, err
	}
	if g.Description, err = input.Text("input.description", in.Description, 0, MaxDescriptionRunes); err != nil {
		return g, err
	}
	if g.EasyLanguageSummary, err = input.Text("input.easyLanguageSummary", in.EasyLanguageSummary, 0, MaxSummaryRunes); err != nil {
		return g, err
	}
	if g.Category, err = opportunity.CleanCategory("input.category", in.Category); err != nil {
		return g, err
	}
	if g.Languages, err = opportunity.CleanLanguages("input.languages", in.Languages); err != nil {
		return g, err
	}
	if err = opportunity.ValidMode("input.mode", in.Mode); err != nil {
		return g, err
	}
	g.Mode = in.Mode
	if g.Area, err = cleanArea("input.area", in.Area); err != nil {
		return g, err
	}
	if g.Place, err = input.Text("input.place", in.Place, 0, MaxPlaceRunes); err != nil {
		return g, err
	}
	if g.OnlineURL, err = opportunity.CleanOnlineURL("input.onlineUrl", in.OnlineURL); err != nil {
		return g, err
	}
	if err = checkMode(g.Mode, g.Place, g.OnlineURL, "input."); err != nil {
		return g, err
	}
	if g.JoinPolicy, err = cleanJoinPolicy("input.joinPolicy", in.JoinPolicy); err != nil {
		return g, err
	}
	g.Sensitive = SensitiveByDefault(g.Category)
	if in.Sensitive != nil {
		g.Sensitive = *in.Sensitive
	}
	return g, nil
}

// Create creates a group. The organisation's staff may create one, and so may a person who
// facilitates another group of the organisation (whom its staff appointed). The creator
// facilitates the new group.
func (s *Service) Create(ctx context.Context, actor auth.Actor, in CreateInput) (View, error) {
	if !actor.Authenticated() {
		return View{}, errSignIn
	}
	if in.OrganisationID == "" {
		return View{}, errs.InvalidField("input.organisationId", "give the organisation")
	}
	if !s.isStaff(ctx, actor, in.OrganisationID) && !s.facilitatesIn(ctx, actor.UserID, in.OrganisationID) {
		return View{}, errs.E(errs.Forbidden, "only the organisation's coordinators and its facilitators can create groups")
	}
	g, err := in.group()
	if err != nil {
		return View{}, err
	}
	now := s.now()
	g.ID, g.OrganisationID, g.CreatedBy, g.CreatedAt, g.UpdatedAt = s.repo.NewID(), in.OrganisationID, actor.UserID, now, now
	g.Facilitators = []string{actor.UserID}
	if err := s.repo.InsertGroup(ctx, g); err != nil {
		return View{}, errs.Wrap("group: insert", err)
	}
	s.changed(g)
	return s.view(ctx, actor, g)
}

// AddFacilitator appoints the person with the e-mail address as a facilitator of the group.
// Staff only: it joins an identity to the group.
func (s *Service) AddFacilitator(ctx context.Context, actor auth.Actor, groupID, email string) (View, error) {
	g, err := s.group(ctx, actor, groupID)
	if err != nil {
		return View{}, err
	}
	if !s.isStaff(ctx, actor, g.OrganisationID) {
		return View{}, errs.E(errs.Forbidden, "only the organisation's coordinators can appoint facilitators")
	}
	addr, err := input.Email("email", email)
	if err != nil {
		return View{}, err
	}
	userID, err := s.users.UserIDByEmail(ctx, addr)
	if errors.Is(err, errs.ErrNotFound) {
		return View{}, &errs.Error{Kind: errs.NotFound, Field: "email", Msg: "no account uses this e-mail address"}
	}
	if err != nil {
		return View{}, errs.Wrap("group: find facilitator", err)
	}
	g, err = s.repo.UpdateGroup(ctx, g.ID, func(g *Group) error {
		if !g.IsFacilitator(userID) {
			g.Facilitators = append(g.Facilitators, userID)
			g.UpdatedAt = s.now()
		}
		return nil
	})
	if err != nil {
		return View{}, errs.Wrap("group: add facilitator", err)
	}
	s.changed(g)
	return s.view(ctx, actor, g)
}

// Get returns a group as the actor may see it. Anyone may see that a group exists and what
// it is about; the place, the link and the members are for members.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (View, error) {
	g, err := s.group(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, actor, g)
}

// Public returns a group for search and recommendations, without the viewer's relation.
func (s *Service) Public(ctx context.Context, id string) (Group, error) {
	return s.group(ctx, auth.Actor{}, id)
}

func (s *Service) group(ctx context.Context, _ auth.Actor, id string) (Group, error) {
	if id == "" {
		return Group{}, errGroupMissing
	}
	g, err := s.repo.Group(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Group{}, errGroupMissing
	}
	return g, errs.Wrap("group: get", err)
}

// Filter narrows the list of groups.
type Filter struct {
	OrganisationID string
	Category       string
	Mode           opportunity.Mode
	// PostalCode matches groups whose area's postal code starts with it ("10" is Berlin Mitte
	// and more).
	PostalCode string
}

// Page is a page of a list.
type Page[T any] struct {
	Items   []T
	HasNext bool
	Total   int
}

// Browse lists groups by category and area, by name, after the group with ID after.
func (s *Service) Browse(ctx context.Context, actor auth.Actor, f Filter, first int, after string) (Page[View], error) {
	if f.Category != "" {
		c, err := opportunity.CleanCategory("filter.category", f.Category)
		if err != nil {
			return Page[View]{}, err
		}
		f.Category = c
	}
	f.PostalCode = strings.TrimSpace(f.PostalCode)
	all, err := s.repo.Groups(ctx)
	if err != nil {
		return Page[View]{}, errs.Wrap("group: list", err)
	}
	list := all[:0:0]
	for _, g := range all {
		if (f.OrganisationID == "" || g.OrganisationID == f.OrganisationID) && (f.Category == "" || g.Category == f.Category) &&
			(f.Mode == "" || g.Mode == f.Mode) && (f.PostalCode == "" || strings.HasPrefix(g.Area.PostalCode, f.PostalCode)) {
			list = append(list, g)
		}
	}
	slices.SortFunc(list, func(a, b Group) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	p := Page[View]{Total: len(list)}
	if after != "" {
		i := slices.IndexFunc(list, func(g Group) bool { return g.ID == after })
		list = list[i+1:]
	}
	if len(list) > first {
		list, p.HasNext = list[:first], true
	}
	view := s.Viewer(ctx, actor)
	for _, g := range list {
		v, err := view(g)
		if err != nil {
			return Page[View]{}, err
		}
		p.Items = append(p.Items, v)
	}
	return p, nil
}

func (s *Service) isStaff(ctx context.Context, actor auth.Actor, orgID string) bool {
	if !actor.Authenticated() {
		return false
	}
	_, err := s.orgs.Authorize(ctx, actor, orgID, organisation.RoleCoordinator, organisation.RoleAdmin)
	return err == nil
}

// facilitatesIn reports whether the user facilitates a group of the organisation.
func (s *Service) facilitatesIn(ctx context.Context, userID, orgID string) bool {
	all, err := s.repo.Groups(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "group: list for facilitator check", "err", err)
		return false
	}
	return slices.ContainsFunc(all, func(g Group) bool { return g.OrganisationID == orgID && g.IsFacilitator(userID) })
}

func (s *Service) record(ctx context.Context, g Group, e engagement.Event) {
	e.OrganisationID, e.GroupID = g.OrganisationID, g.ID
	if g.Sensitive {
		// Counts only: nothing ties a person to a sensitive group in the statistics.
		e.UserID, e.ActorID = "", ""
	}
	s.events.Record(ctx, e)
}
