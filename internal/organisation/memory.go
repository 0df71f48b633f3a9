package organisation

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// All is implemented by repositories that can list every organisation, for loading them.
type All interface {
	AllOrganisations(ctx context.Context) ([]Organisation, error)
}

// memory keeps every organisation in memory in front of the store, for a process that is the
// only writer. Every action for an organisation asks for its roles, and the embedded store
// finds a document by _id with a scan of the collection; here it is a map lookup.
type memory struct {
	Repo

	mu   sync.RWMutex
	byID map[string]Organisation
}

// KeepInMemory loads every organisation and serves lookups from memory from then on. Only a
// process that is the only writer (the embedded store) may do this.
func (s *Service) KeepInMemory(ctx context.Context) error {
	if m, ok := s.repo.(*memory); ok {
		s.repo = m.Repo
	}
	all, ok := s.repo.(All)
	if !ok {
		return errors.New("organisation: the store cannot list all organisations")
	}
	list, err := all.AllOrganisations(ctx)
	if err != nil {
		return errs.Wrap("organisation: load", err)
	}
	m := &memory{Repo: s.repo, byID: make(map[string]Organisation, len(list))}
	for _, o := range list {
		m.byID[o.ID] = o
	}
	s.repo = m
	return nil
}

// copyOf keeps callers from changing the members the memory holds.
func copyOf(o Organisation) Organisation {
	o.Members = slices.Clone(o.Members)
	return o
}

func (m *memory) Insert(ctx context.Context, o *Organisation) error {
	if err := m.Repo.Insert(ctx, o); err != nil {
		return err
	}
	m.mu.Lock()
	m.byID[o.ID] = copyOf(*o)
	m.mu.Unlock()
	return nil
}

func (m *memory) ByID(_ context.Context, id string) (Organisation, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	o, ok := m.byID[id]
	if !ok {
		return Organisation{}, errs.ErrNotFound
	}
	return copyOf(o), nil
}

func (m *memory) ByIDs(_ context.Context, ids []string) (map[string]Organisation, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]Organisation, len(ids))
	for _, id := range ids {
		if o, ok := m.byID[id]; ok {
			out[id] = copyOf(o)
		}
	}
	return out, nil
}

func (m *memory) Update(ctx context.Context, id string, change func(*Organisation) error) (Organisation, error) {
	o, err := m.Repo.Update(ctx, id, change)
	if err != nil {
		return o, err
	}
	m.mu.Lock()
	m.byID[id] = copyOf(o)
	m.mu.Unlock()
	return o, nil
}

func (m *memory) WithMember(_ context.Context, userID string) ([]Organisation, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Organisation
	for _, o := range m.byID {
		if _, ok := o.RoleOf(userID); ok {
			out = append(out, copyOf(o))
		}
	}
	slices.SortFunc(out, func(a, b Organisation) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
