package training

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/keylock"
	"github.com/mitwirken/mitwirken/internal/match"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

// Organisations authorises staff and names coordinators for reminders.
type Organisations interface {
	Authorize(ctx context.Context, actor auth.Actor, orgID string, roles ...organisation.Role) (organisation.Organisation, error)
	ByIDs(ctx context.Context, ids []string) (map[string]organisation.Organisation, error)
}

// Users finds volunteers for coordinators and names certificate holders.
type Users interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
	UsersByIDs(ctx context.Context, ids []string) (map[string]account.User, error)
}

// Events records completions.
type Events interface {
	Record(ctx context.Context, events ...engagement.Event)
}

// Feed ranks the catalog for a volunteer, as their discovery feed does; the discovery service
// implements it.
type Feed interface {
	Matching(ctx context.Context, actor auth.Actor) ([]match.Result, error)
}

// Config tunes the service.
type Config struct {
	// Exclusive: this process is the only writer of the store, so it may keep modules and
	// volunteers' holdings in memory.
	Exclusive bool
	// CredentialRetention is how long a credential is kept after the volunteer's last
	// activity in the organisation; DefaultCredentialRetention when zero.
	CredentialRetention time.Duration
	// MaxAttemptsPerDay limits quiz submissions per volunteer, module and day;
	// DefaultMaxAttemptsPerDay when zero.
	MaxAttemptsPerDay int
}

// Defaults of Config.
const (
	DefaultCredentialRetention = 90 * 24 * time.Hour
	DefaultMaxAttemptsPerDay   = 5
)

// Service manages modules, quizzes, completions and credentials.
type Service struct {
	repo   Repo
	creds  CredentialRepo
	orgs   Organisations
	users  Users
	events Events
	feed   Feed
	act    Activity
	log    *slog.Logger
	cfg    Config
	now    func() time.Time

	// moduleLocks serialise edits of one module, so that two edits of a published module
	// cannot publish the same version number twice.
	moduleLocks keylock.Map
	modules     *moduleCache // nil unless Exclusive
	people      *people
	// attempts remembers how many attempt numbers are known to be taken per user, module and
	// day: the next submission starts looking there instead of at 1.
	attemptsMu sync.Mutex
	attempts   map[string]int

	keyMu sync.Mutex
	key   ed25519.PrivateKey

	watchMu  sync.Mutex
	watchers []func(Module)
}

// NewService returns the training service. act may be nil where credentials are not purged.
func NewService(repo Repo, creds CredentialRepo, orgs Organisations, users Users, events Events, act Activity, log *slog.Logger, cfg Config) *Service {
	if cfg.CredentialRetention <= 0 {
		cfg.CredentialRetention = DefaultCredentialRetention
	}
	if cfg.MaxAttemptsPerDay <= 0 {
		cfg.MaxAttemptsPerDay = DefaultMaxAttemptsPerDay
	}
	return &Service{repo: repo, creds: creds, orgs: orgs, users: users, events: events, act: act, log: log, cfg: cfg,
		now: time.Now, people: newPeople(cfg.Exclusive), attempts: map[string]int{}}
}

// SetFeed wires the ranking used for recommendations (the discovery service, which itself
// asks this service what volunteers hold).
func (s *Service) SetFeed(f Feed) { s.feed = f }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Load reads the modules into memory when the service is the only writer.
func (s *Service) Load(ctx context.Context) error {
	if !s.cfg.Exclusive {
		return nil
	}
	list, err := s.repo.Modules(ctx)
	if err != nil {
		return errs.Wrap("training: load modules", err)
	}
	s.modules = newModuleCache(list)
	return nil
}

var errSignIn = errs.E(errs.Unauthenticated, "sign in first")

var staffRoles = []organisation.Role{organisation.RoleAdmin, organisation.RoleCoordinator}

// allModules lists every module, from memory when kept there.
func (s *Service) allModules(ctx context.Context) ([]Module, error) {
	if s.modules != nil {
		return s.modules.all(), nil
	}
	list, err := s.repo.Modules(ctx)
	return list, errs.Wrap("training: modules", err)
}

func (s *Service) module(ctx context.Context, id string) (Module, error) {
	if s.modules != nil {
		if m, ok := s.modules.get(id); ok {
			return m, nil
		}
		return Module{}, errs.E(errs.NotFound, "training module not found")
	}
	m, err := s.repo.Module(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return Module{}, errs.E(errs.NotFound, "training module not found")
	}
	return m, errs.Wrap("training: module", err)
}

// isStaff reports whether the actor coordinates the organisation.
func (s *Service) isStaff(ctx context.Context, actor auth.Actor, orgID string) bool {
	if !actor.Authenticated() || orgID == "" {
		return false
	}
	_, err := s.orgs.Authorize(ctx, actor, orgID, staffRoles...)
	return err == nil
}

// moduleCache holds every module when this process is the only writer.
type moduleCache struct {
	mu sync.RWMutex
	m  map[string]Module
}

func newModuleCache(list []Module) *moduleCache {
	c := &moduleCache{m: make(map[string]Module, len(list))}
	for _, m := range list {
		c.m[m.ID] = m
	}
	return c
}

func (c *moduleCache) get(id string) (Module, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	m, ok := c.m[id]
	return m, ok
}

func (c *moduleCache) put(m Module) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[m.ID] = m
}

func (c *moduleCache) all() []Module {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Module, 0, len(c.m))
	for _, m := range c.m {
		out = append(out, m)
	}
	return out
}

// sortModules orders newest first, then by ID, so that pages are stable.
func sortModules(list []Module) {
	slices.SortFunc(list, func(a, b Module) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// OnChange calls f with every module now and after every write of a module in this process,
// e.g. to keep a search index.
func (s *Service) OnChange(ctx context.Context, f func(Module)) error {
	list, err := s.allModules(ctx)
	if err != nil {
		return err
	}
	s.watchMu.Lock()
	s.watchers = append(s.watchers, f)
	s.watchMu.Unlock()
	for _, m := range list {
		f(m)
	}
	return nil
}

// changed tells the watchers about a written module.
func (s *Service) changed(m Module) {
	s.watchMu.Lock()
	ws := slices.Clone(s.watchers)
	s.watchMu.Unlock()
	for _, f := range ws {
		f(m)
	}
}

// Listed returns a published module, for search results.
func (s *Service) Listed(ctx context.Context, id string) (Module, bool) {
	m, err := s.module(ctx, id)
	return m, err == nil && m.Status == StatusPublished
}

// SetCredentialRetention changes how long credentials are kept after the volunteer's last
// activity in the organisation (from the configuration); zero keeps the default.
func (s *Service) SetCredentialRetention(d time.Duration) {
	if d > 0 {
		s.cfg.CredentialRetention = d
	}
}
