package privacy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Accounts is what the service needs of accounts.
type Accounts interface {
	User(ctx context.Context, id string) (account.User, error)
	CheckPassword(ctx context.Context, userID, password, field string) (account.User, error)
}

// Staff authorises staff for an organisation.
type Staff interface {
	Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...organisation.Role) (organisation.Organisation, error)
}

// Relations tells whether a person has dealt with an organisation, which is what entitles its
// staff to act on the person's request.
type Relations interface {
	RelatedTo(ctx context.Context, userID, orgID string) (bool, error)
}

// Service exports and erases people's data across all holders.
type Service struct {
	accounts  Accounts
	staff     Staff
	audit     *audit.Service
	log       *slog.Logger
	now       func() time.Time
	holders   []Holder
	last      []Holder
	relations []Relations
	phones    Phones
	ages      Ages
	proxies   ProxyDeps
	retention retention
	erasedIDs erasedTokens

	// gates keep an erasure and new records about the same person apart: writers that create
	// records about a person (a signup) hold the person's gate for reading until the record is
	// stored; an erasure holds it for writing. Striped by user, as a lock per user would
	// have to be cleaned up.
	gates [64]sync.RWMutex
}

// NewService returns a privacy service; register holders before serving.
func NewService(accounts Accounts, staff Staff, auditLog *audit.Service, log *slog.Logger) *Service {
	return &Service{accounts: accounts, staff: staff, audit: auditLog, log: log, now: time.Now}
}

// Register adds holders. The erasure runs them in order, after the account (which shuts the
// person out) and before the holders registered with RegisterLast.
func (s *Service) Register(hs ...Holder) { s.holders = append(s.holders, hs...) }

// RegisterLast adds holders that run after all others, such as the event log, which the
// erasures of other holders add to.
func (s *Service) RegisterLast(hs ...Holder) { s.last = append(s.last, hs...) }

func (s *Service) all() []Holder { return append(append([]Holder{}, s.holders...), s.last...) }

// AddRelations adds a way to tell that a person dealt with an organisation.
func (s *Service) AddRelations(r Relations) { s.relations = append(s.relations, r) }

// Holders lists the registered holders' names, for tests and documentation.
func (s *Service) Holders() []string {
	all := s.all()
	names := make([]string, len(all))
	for i, h := range all {
		names[i] = h.Name()
	}
	return names
}

func (s *Service) gate(userID string) *sync.RWMutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(userID))
	return &s.gates[h.Sum32()%uint32(len(s.gates))]
}

// Hold keeps the person's erasure from running until release is called, and fails with
// NotFound when the person's account no longer exists. Writers call it before storing a new
// record about a person.
func (s *Service) Hold(ctx context.Context, userID string) (release func(), err error) {
	g := s.gate(userID)
	g.RLock()
	if _, err := s.accounts.User(ctx, userID); err != nil {
		g.RUnlock()
		if errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.NotFound, "this account no longer exists")
		}
		return nil, err
	}
	return g.RUnlock, nil
}

// Document is the export: everything held about a person, by holder.
type Document struct {
	SchemaVersion int            `json:"schemaVersion"`
	ExportedAt    time.Time      `json:"exportedAt"`
	UserID        string         `json:"userId"`
	Sections      map[string]any `json:"sections"`
}

// Export returns the actor's data as one JSON document.
func (s *Service) Export(ctx context.Context, actor auth.Actor) (string, error) {
	if !actor.Authenticated() {
		return "", errs.E(errs.Unauthenticated, "sign in first")
	}
	if _, err := s.accounts.User(ctx, actor.UserID); err != nil {
		if errs.Is(err, errs.NotFound) {
			return "", errs.E(errs.Unauthenticated, "sign in first")
		}
		return "", err
	}
	doc := Document{SchemaVersion: SchemaVersion, ExportedAt: s.now().UTC(), UserID: actor.UserID, Sections: map[string]any{}}
	for _, h := range s.all() {
		v, err := h.Export(ctx, actor.UserID)
		if err != nil {
			return "", errs.Wrap("privacy: export "+h.Name(), err)
		}
		doc.Sections[h.Name()] = v
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", errs.Wrap("privacy: export", err)
	}
	return string(b), nil
}

// DeleteMyAccount erases the actor's account after checking their password. A wrong password
// changes nothing.
func (s *Service) DeleteMyAccount(ctx context.Context, actor auth.Actor, password string) error {
	if !actor.Authenticated() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if password == "" {
		return errs.InvalidField("password", "enter your password to confirm")
	}
	u, err := s.accounts.CheckPassword(ctx, actor.UserID, password, "password")
	if err != nil {
		return err
	}
	return s.erase(ctx, u)
}

// EraseVolunteer erases a volunteer's account on their request, by staff of an organisation
// the volunteer dealt with (signed up with, or was registered by); the request is logged with
// its reason before anything is erased.
func (s *Service) EraseVolunteer(ctx context.Context, actor auth.Actor, orgID, userID, reason string) error {
	if _, err := s.staff.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return err
	}
	why, err := audit.Reason("reason", reason)
	if err != nil {
		return err
	}
	if userID == actor.UserID {
		return &errs.Error{Kind: errs.Invalid, Field: "userId", Msg: "use deleteMyAccount to erase your own account"}
	}
	u, err := s.related(ctx, userID, orgID)
	if err != nil {
		return err
	}
	if err := s.check(ctx, userID); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, audit.Entry{ActorID: actor.UserID, SubjectUserID: userID, OrganisationID: orgID,
		Action: audit.VolunteerErased, Reason: why}); err != nil {
		return err
	}
	return s.eraseChecked(ctx, u)
}

func (s *Service) check(ctx context.Context, userID string) error {
	for _, h := range s.all() {
		if c, ok := h.(Checker); ok {
			if err := c.CheckErase(ctx, userID); err != nil {
				return err
			}
		}
	}
	return nil
}

// erase runs every holder's erasure with the person's gate held, so that no new signup of
// the person is stored meanwhile and none after (the account is gone by then).
func (s *Service) erase(ctx context.Context, u account.User) error {
	if err := s.check(ctx, u.ID); err != nil {
		return err
	}
	return s.eraseChecked(ctx, u)
}

// eraseChecked is erase once the holders have agreed (check).
func (s *Service) eraseChecked(ctx context.Context, u account.User) error {
	pseudonym, err := newPseudonym()
	if err != nil {
		return err
	}
	e := Erasure{UserID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Pseudonym: pseudonym}
	g := s.gate(u.ID)
	g.Lock()
	defer g.Unlock()
	s.erasedIDs.add(u.ID, time.Now())
	// The erasure goes on when the client gives up: a half-erased account is worse than a
	// late answer.
	ctx = context.WithoutCancel(ctx)
	for _, h := range s.all() {
		if err := h.Erase(ctx, e); err != nil {
			s.log.ErrorContext(ctx, "privacy: erasure incomplete", "holder", h.Name(), "err", err)
			return errs.Wrap("privacy: erase "+h.Name(), err)
		}
	}
	s.log.InfoContext(ctx, "privacy: account erased")
	return nil
}

// newPseudonym returns a random stand-in for an erased person. It is not derived from the
// person, so nothing leads back.
func newPseudonym() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", errs.Wrap("privacy: pseudonym", err)
	}
	return "erased-" + hex.EncodeToString(b), nil
}
