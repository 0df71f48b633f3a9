package account

import (
	"context"
	"errors"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// EraseRepo is implemented by repositories that can export and delete a user's records.
type EraseRepo interface {
	SessionsOf(ctx context.Context, userID string) ([]Session, error)
	// DeleteUser removes the user, the e-mail claim, sessions and refresh tokens.
	DeleteUser(ctx context.Context, u User) error
}

// CheckPassword confirms a signed-in user's password before an irreversible step. A wrong
// password is an error on field, and counts as a failed sign-in (limited per account).
func (s *Service) CheckPassword(ctx context.Context, userID, password, field string) (User, error) {
	u, err := s.repo.UserByID(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return User{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	if err != nil {
		return User{}, errs.Wrap("account: check password", err)
	}
	key := "login:account:" + digest(u.Email)
	if err := s.refuseIfThrottled(ctx, key, loginWindow, maxLoginFailsAccount); err != nil {
		return User{}, err
	}
	if len(password) > MaxPasswordBytes {
		return User{}, errs.InvalidField(field, "the password is wrong")
	}
	ok, err := verifyPassword(password, u.PasswordHash)
	if err != nil {
		return User{}, errs.Wrap("account: check password", err)
	}
	if !ok {
		if err := s.throttle.Hit(ctx, key, loginWindow); err != nil {
			return User{}, errs.Wrap("account: check password", err)
		}
		return User{}, errs.InvalidField(field, "the password is wrong")
	}
	return u, nil
}

// User returns a user by ID; errs.NotFound when there is none.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	u, err := s.repo.UserByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return User{}, errs.E(errs.NotFound, "user not found")
	}
	return u, errs.Wrap("account: user", err)
}

// Export is the account's part of a data export. The password hash is left out: it is a
// secret derived from the password, useless to the person and harmful if leaked.
type Export struct {
	ID          string          `json:"id"`
	Email       string          `json:"email"`
	DisplayName string          `json:"displayName"`
	Locale      Locale          `json:"locale"`
	CreatedAt   time.Time       `json:"createdAt"`
	Sessions    []SessionExport `json:"sessions"`
}

// SessionExport is a sign-in on a device.
type SessionExport struct {
	ID        string     `json:"id"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

func (s *Service) eraseRepo() (EraseRepo, error) {
	r, ok := s.repo.(EraseRepo)
	if !ok {
		return nil, errors.New("account: the store cannot erase users")
	}
	return r, nil
}

// ExportOf returns what the account holds about the user.
func (s *Service) ExportOf(ctx context.Context, userID string) (Export, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return Export{}, err
	}
	r, err := s.eraseRepo()
	if err != nil {
		return Export{}, err
	}
	sessions, err := r.SessionsOf(ctx, userID)
	if err != nil {
		return Export{}, errs.Wrap("account: export sessions", err)
	}
	out := Export{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Locale: u.Locale, CreatedAt: u.CreatedAt, Sessions: []SessionExport{}}
	for _, sess := range sessions {
		se := SessionExport{ID: sess.ID, CreatedAt: sess.CreatedAt}
		if !sess.RevokedAt.IsZero() {
			se.RevokedAt = &sess.RevokedAt
		}
		out.Sessions = append(out.Sessions, se)
	}
	return out, nil
}

// Erase deletes the account with its sessions; access tokens already issued stop working for
// everything that looks the user up. Erasing an erased account does nothing.
func (s *Service) Erase(ctx context.Context, userID string) error {
	u, err := s.repo.UserByID(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return errs.Wrap("account: erase", err)
	}
	r, err := s.eraseRepo()
	if err != nil {
		return err
	}
	if err := r.DeleteUser(ctx, u); err != nil {
		return errs.Wrap("account: erase", err)
	}
	// The failed sign-ins counted under the address go too.
	return errs.Wrap("account: erase", s.throttle.Reset(ctx, "login:account:"+digest(u.Email), loginWindow))
}

// SessionsOf and DeleteUser keep the in-memory users in step.
func (m *userMemory) SessionsOf(ctx context.Context, userID string) ([]Session, error) {
	r, ok := m.Repo.(EraseRepo)
	if !ok {
		return nil, errors.New("account: the store cannot erase users")
	}
	return r.SessionsOf(ctx, userID)
}

func (m *userMemory) DeleteUser(ctx context.Context, u User) error {
	r, ok := m.Repo.(EraseRepo)
	if !ok {
		return errors.New("account: the store cannot erase users")
	}
	// Out of memory first: from here on the user is gone for every request of this process.
	m.mu.Lock()
	delete(m.byID, u.ID)
	delete(m.byEmail, u.Email)
	m.mu.Unlock()
	return r.DeleteUser(ctx, u)
}
