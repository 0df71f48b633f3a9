package account

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// ProxyDomain is the domain of the placeholder addresses of people registered by staff
// without an e-mail address. ".invalid" is reserved (RFC 2606): nothing is ever delivered.
const ProxyDomain = "proxy.mitwirken.invalid"

// IsProxyEmail reports whether an address is a placeholder.
func IsProxyEmail(email string) bool { return strings.HasSuffix(email, "@"+ProxyDomain) }

// RekeyRepo is implemented by repositories that can give a user a new e-mail address and
// password hash.
type RekeyRepo interface {
	// Rekey claims u.Email for the user (errs.ErrDuplicate when taken), stores u and releases
	// the old address.
	Rekey(ctx context.Context, u User, oldEmail string) error
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", errs.Wrap("account: random", err)
	}
	return hex.EncodeToString(b), nil
}

// RegisterProxy creates an account for a person without a smartphone, whom staff act for. It
// has a placeholder address and a random password nobody knows, so nobody can sign in with it
// until the person takes it over.
func (s *Service) RegisterProxy(ctx context.Context, displayName string, locale Locale) (User, error) {
	name, err := input.Text("input.displayName", displayName, 1, MaxDisplayNameRunes)
	if err != nil {
		return User{}, err
	}
	if locale != LocaleEN {
		locale = LocaleDE
	}
	id, err := randomHex(12)
	if err != nil {
		return User{}, err
	}
	secret, err := randomHex(32)
	if err != nil {
		return User{}, err
	}
	hash, err := hashPassword(secret)
	if err != nil {
		return User{}, err
	}
	u := User{Email: "proxy-" + id + "@" + ProxyDomain, DisplayName: name, PasswordHash: hash, Locale: locale, CreatedAt: s.now()}
	if err := s.repo.InsertUser(ctx, &u); err != nil {
		return User{}, errs.Wrap("account: register proxy", err)
	}
	return u, nil
}

// TakeOver gives a proxy account the person's own e-mail address and password and signs
// them in. The caller has checked the takeover code.
func (s *Service) TakeOver(ctx context.Context, userID, email, password, clientAddr string) (Auth, error) {
	addr, err := input.Email("input.email", email)
	if err != nil {
		return Auth{}, err
	}
	if IsProxyEmail(addr) {
		return Auth{}, errs.InvalidField("input.email", "give your own e-mail address")
	}
	if err := validatePassword("input.password", password, addr); err != nil {
		return Auth{}, err
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return Auth{}, err
	}
	if !IsProxyEmail(u.Email) {
		return Auth{}, errs.E(errs.Conflict, "this account was taken over already")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return Auth{}, err
	}
	r, ok := s.repo.(RekeyRepo)
	if !ok {
		return Auth{}, errors.New("account: the store cannot change addresses")
	}
	old := u.Email
	u.Email, u.PasswordHash = addr, hash
	if err := r.Rekey(ctx, u, old); err != nil {
		if errors.Is(err, errs.ErrDuplicate) {
			return Auth{}, &errs.Error{Kind: errs.Conflict, Field: "input.email", Msg: "an account with this e-mail address exists"}
		}
		return Auth{}, errs.Wrap("account: take over", err)
	}
	return s.startSession(ctx, u)
}

// Rekey keeps the in-memory users in step.
func (m *userMemory) Rekey(ctx context.Context, u User, oldEmail string) error {
	r, ok := m.Repo.(RekeyRepo)
	if !ok {
		return errors.New("account: the store cannot change addresses")
	}
	if err := r.Rekey(ctx, u, oldEmail); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.byEmail, oldEmail)
	m.byID[u.ID] = u
	m.byEmail[u.Email] = u.ID
	m.mu.Unlock()
	return nil
}
