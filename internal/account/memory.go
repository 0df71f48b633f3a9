package account

import (
	"context"
	"errors"
	"sync"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// AllUsers is implemented by repositories that can list every user, for loading them.
type AllUsers interface {
	AllUsers(ctx context.Context) ([]User, error)
}

// userMemory keeps every user in memory in front of the store, for a process that is the
// only writer. The embedded store finds a document by _id with a scan of the collection (its
// query does not use the _id index), so a lookup costs time in proportion to the number of
// users (34 ms at 20,000, docs/BENCHMARKS.md); here it costs a map lookup.
type userMemory struct {
	Repo

	mu      sync.RWMutex
	byID    map[string]User
	byEmail map[string]string
}

// KeepUsersInMemory loads every user and serves user lookups from memory from then on. Only
// a process that is the only writer (the embedded store) may do this.
// Calling it again reloads the users (tools and tests that write users around the service).
func (s *Service) KeepUsersInMemory(ctx context.Context) error {
	if m, ok := s.repo.(*userMemory); ok {
		s.repo = m.Repo
	}
	all, ok := s.repo.(AllUsers)
	if !ok {
		return errors.New("account: the store cannot list all users")
	}
	users, err := all.AllUsers(ctx)
	if err != nil {
		return errs.Wrap("account: load users", err)
	}
	m := &userMemory{Repo: s.repo, byID: make(map[string]User, len(users)), byEmail: make(map[string]string, len(users))}
	for _, u := range users {
		m.byID[u.ID] = u
		m.byEmail[u.Email] = u.ID
	}
	s.repo = m
	return nil
}

func (m *userMemory) InsertUser(ctx context.Context, u *User) error {
	if err := m.Repo.InsertUser(ctx, u); err != nil {
		return err
	}
	m.mu.Lock()
	m.byID[u.ID] = *u
	m.byEmail[u.Email] = u.ID
	m.mu.Unlock()
	return nil
}

func (m *userMemory) UserByEmail(_ context.Context, email string) (User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.byID[m.byEmail[email]]
	if !ok {
		return User{}, errs.ErrNotFound
	}
	return u, nil
}

func (m *userMemory) UserByID(_ context.Context, id string) (User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.byID[id]
	if !ok {
		return User{}, errs.ErrNotFound
	}
	return u, nil
}

func (m *userMemory) UsersByIDs(_ context.Context, ids []string) (map[string]User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[string]User, len(ids))
	for _, id := range ids {
		if u, ok := m.byID[id]; ok {
			out[id] = u
		}
	}
	return out, nil
}
