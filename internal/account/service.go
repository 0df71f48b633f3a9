package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// Policy values for sign-in.
const (
	MaxDisplayNameRunes = 80
	RefreshTokenTTL     = 30 * 24 * time.Hour

	loginWindow            = 15 * time.Minute
	maxLoginFailsAccount   = 5
	maxLoginFailsAddress   = 30
	registerWindow         = time.Hour
	maxRegistersPerAddress = 20
)

// Service registers users and manages their sessions.
type Service struct {
	repo     Repo
	throttle Throttle
	tokens   *auth.Tokens
	log      *slog.Logger
	now      func() time.Time
	// platformAdmins are the e-mail addresses of the platform's operators.
	platformAdmins []string
}

// NewService returns an account service.
func NewService(repo Repo, throttle Throttle, tokens *auth.Tokens, log *slog.Logger) *Service {
	return &Service{repo: repo, throttle: throttle, tokens: tokens, log: log, now: time.Now}
}

// Auth is what a successful sign-in hands to the client.
type Auth struct {
	AccessToken     string
	AccessExpiresAt time.Time
	RefreshToken    string
	User            User
}

// RegisterInput is the data for a new account.
type RegisterInput struct {
	Email       string
	Password    string
	DisplayName string
	Locale      Locale
}

// Register creates an account and signs it in. clientAddr is the caller's network address,
// used only to limit how many accounts one address can create.
func (s *Service) Register(ctx context.Context, in RegisterInput, clientAddr string) (Auth, error) {
	email, err := input.Email("input.email", in.Email)
	if err != nil {
		return Auth{}, err
	}
	name, err := input.Text("input.displayName", in.DisplayName, 1, MaxDisplayNameRunes)
	if err != nil {
		return Auth{}, err
	}
	if err := validatePassword("input.password", in.Password, email); err != nil {
		return Auth{}, err
	}
	locale := in.Locale
	switch locale {
	case "":
		locale = LocaleDE
	case LocaleDE, LocaleEN:
	default:
		return Auth{}, errs.InvalidField("input.locale", "unsupported locale")
	}
	addrKey := "register:addr:" + clientAddr
	if err := s.refuseIfThrottled(ctx, addrKey, registerWindow, maxRegistersPerAddress); err != nil {
		return Auth{}, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return Auth{}, err
	}
	u := User{Email: email, DisplayName: name, PasswordHash: hash, Locale: locale, CreatedAt: s.now()}
	if err := s.repo.InsertUser(ctx, &u); err != nil {
		if errors.Is(err, errs.ErrDuplicate) {
			return Auth{}, &errs.Error{Kind: errs.Conflict, Field: "input.email", Msg: "an account with this e-mail address exists"}
		}
		return Auth{}, errs.Wrap("account: register", err)
	}
	if err := s.throttle.Hit(ctx, addrKey, registerWindow); err != nil {
		s.log.WarnContext(ctx, "account: count registration", "err", err)
	}
	return s.startSession(ctx, u)
}

// LoginInput is what a user signs in with.
type LoginInput struct {
	Email    string
	Password string
}

var errBadCredentials = errs.E(errs.Unauthenticated, "e-mail address or password is wrong")

// Login checks the credentials and starts a session. Failures are limited per account and per
// client address; an unknown e-mail and a wrong password look and take the same.
func (s *Service) Login(ctx context.Context, in LoginInput, clientAddr string) (Auth, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if email == "" {
		return Auth{}, errs.InvalidField("input.email", "e-mail address is required")
	}
	if in.Password == "" {
		return Auth{}, errs.InvalidField("input.password", "password is required")
	}
	if len(in.Password) > MaxPasswordBytes {
		return Auth{}, errBadCredentials
	}
	accountKey := "login:account:" + digest(email)
	addrKey := "login:addr:" + clientAddr
	if err := s.refuseIfThrottled(ctx, accountKey, loginWindow, maxLoginFailsAccount); err != nil {
		return Auth{}, err
	}
	if err := s.refuseIfThrottled(ctx, addrKey, loginWindow, maxLoginFailsAddress); err != nil {
		return Auth{}, err
	}

	u, err := s.repo.UserByEmail(ctx, email)
	hash := u.PasswordHash
	switch {
	case errors.Is(err, errs.ErrNotFound):
		hash = dummyHash
	case err != nil:
		return Auth{}, errs.Wrap("account: login", err)
	}
	ok, err := verifyPassword(in.Password, hash)
	if err != nil {
		return Auth{}, errs.Wrap("account: login", err)
	}
	if !ok || u.ID == "" {
		for _, key := range []string{accountKey, addrKey} {
			if err := s.throttle.Hit(ctx, key, loginWindow); err != nil {
				return Auth{}, errs.Wrap("account: login", err)
			}
		}
		return Auth{}, errBadCredentials
	}
	if err := s.throttle.Reset(ctx, accountKey, loginWindow); err != nil {
		s.log.WarnContext(ctx, "account: reset login failures", "err", err)
	}
	return s.startSession(ctx, u)
}

func (s *Service) refuseIfThrottled(ctx context.Context, key string, window time.Duration, limit int) error {
	n, windowEnd, err := s.throttle.Count(ctx, key, window)
	if err != nil {
		return errs.Wrap("account: throttle", err)
	}
	if n < limit {
		return nil
	}
	retry := max(windowEnd.Sub(s.now()).Round(time.Second), time.Second)
	return &errs.Error{Kind: errs.RateLimited, Msg: "too many attempts; try again later", RetryAfter: retry}
}

func (s *Service) startSession(ctx context.Context, u User) (Auth, error) {
	sess := Session{UserID: u.ID, CreatedAt: s.now()}
	if err := s.repo.InsertSession(ctx, &sess); err != nil {
		return Auth{}, errs.Wrap("account: start session", err)
	}
	return s.issue(ctx, u, sess.ID, "")
}

// issue mints an access token and the next refresh token of a session.
func (s *Service) issue(ctx context.Context, u User, sessionID, parentHash string) (Auth, error) {
	raw, hash, err := newRefreshToken()
	if err != nil {
		return Auth{}, err
	}
	now := s.now()
	rt := RefreshToken{Hash: hash, SessionID: sessionID, ParentHash: parentHash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(RefreshTokenTTL)}
	if err := s.repo.InsertRefreshToken(ctx, rt); err != nil {
		if errors.Is(err, errs.ErrDuplicate) {
			return Auth{}, errDuplicateChild
		}
		return Auth{}, errs.Wrap("account: store refresh token", err)
	}
	access, exp, err := s.tokens.Issue(auth.Actor{UserID: u.ID, Locale: string(u.Locale)})
	if err != nil {
		return Auth{}, errs.Wrap("account: issue access token", err)
	}
	return Auth{AccessToken: access, AccessExpiresAt: exp, RefreshToken: raw, User: u}, nil
}

var errDuplicateChild = errors.New("account: refresh token used twice")

var errBadRefresh = errs.E(errs.Unauthenticated, "refresh token is invalid or expired; sign in again")

// Refresh exchanges a refresh token for a new pair. A token can be used once: presenting it
// again means it was stolen or replayed, so the whole session is revoked.
func (s *Service) Refresh(ctx context.Context, rawToken string) (Auth, error) {
	rt, err := s.repo.RefreshToken(ctx, hashToken(rawToken))
	if errors.Is(err, errs.ErrNotFound) {
		return Auth{}, errBadRefresh
	}
	if err != nil {
		return Auth{}, errs.Wrap("account: refresh", err)
	}
	if err := s.checkSession(ctx, rt.SessionID); err != nil {
		return Auth{}, err
	}
	if !s.now().Before(rt.ExpiresAt) {
		return Auth{}, errBadRefresh
	}
	u, err := s.repo.UserByID(ctx, rt.UserID)
	if errors.Is(err, errs.ErrNotFound) {
		return Auth{}, errBadRefresh
	}
	if err != nil {
		return Auth{}, errs.Wrap("account: refresh", err)
	}
	a, err := s.issue(ctx, u, rt.SessionID, rt.Hash)
	if errors.Is(err, errDuplicateChild) {
		s.log.WarnContext(ctx, "account: refresh token reused; revoking session", "session", rt.SessionID)
		if err := s.repo.RevokeSession(ctx, rt.SessionID, s.now()); err != nil {
			return Auth{}, errs.Wrap("account: revoke reused session", err)
		}
		return Auth{}, errBadRefresh
	}
	if err != nil {
		return Auth{}, err
	}
	// A reuse detected by a concurrent request may have revoked the session after the check
	// above; the new token must not outlive that.
	if err := s.checkSession(ctx, rt.SessionID); err != nil {
		return Auth{}, err
	}
	if err := s.repo.TouchSession(ctx, rt.SessionID, s.now()); err != nil {
		s.log.WarnContext(ctx, "account: touch session", "err", err)
	}
	return a, nil
}

// Prune deletes what sign-in leaves behind once it can no longer be used: sessions idle for
// longer than a refresh token lives, expired refresh tokens, and ended throttle windows.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := s.repo.PruneSessions(ctx, now.Add(-RefreshTokenTTL), now)
	if err != nil {
		return n, errs.Wrap("account: prune sessions", err)
	}
	m, err := s.throttle.Prune(ctx, now)
	return n + m, errs.Wrap("account: prune throttle", err)
}

func (s *Service) checkSession(ctx context.Context, id string) error {
	sess, err := s.repo.Session(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return errBadRefresh
	}
	if err != nil {
		return errs.Wrap("account: session", err)
	}
	if !sess.RevokedAt.IsZero() {
		return errBadRefresh
	}
	return nil
}

// Logout ends the session the refresh token belongs to. It reports whether the token was known.
func (s *Service) Logout(ctx context.Context, rawToken string) (bool, error) {
	rt, err := s.repo.RefreshToken(ctx, hashToken(rawToken))
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, errs.Wrap("account: logout", err)
	}
	if err := s.repo.RevokeSession(ctx, rt.SessionID, s.now()); err != nil {
		return false, errs.Wrap("account: logout", err)
	}
	return true, nil
}

// Me returns the signed-in user, or false for an anonymous actor or a user that no longer exists.
func (s *Service) Me(ctx context.Context, actor auth.Actor) (User, bool, error) {
	if !actor.Authenticated() {
		return User{}, false, nil
	}
	u, err := s.repo.UserByID(ctx, actor.UserID)
	if errors.Is(err, errs.ErrNotFound) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, errs.Wrap("account: me", err)
	}
	return u, true, nil
}

// UsersByIDs loads users for the transport's batch loaders. It returns records, not views: the
// caller decides which fields the actor may see (see Visible).
func (s *Service) UsersByIDs(ctx context.Context, ids []string) (map[string]User, error) {
	m, err := s.repo.UsersByIDs(ctx, ids)
	return m, errs.Wrap("account: users by ids", err)
}

// EmailVisibleTo reports whether actor may read u's e-mail address: only the user themself.
func EmailVisibleTo(actor auth.Actor, u User) bool {
	return actor.Authenticated() && actor.UserID == u.ID
}

func newRefreshToken() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("account: random token: %w", err)
	}
	raw = "mwr_" + base64.RawURLEncoding.EncodeToString(b)
	return raw, hashToken(raw), nil
}

// hashToken is a plain SHA-256: refresh tokens carry 256 bits of randomness, so a slow hash
// adds nothing.
func hashToken(raw string) string { return digest(raw) }

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// UserIDByEmail finds an account by its e-mail address for staff management.
func (s *Service) UserIDByEmail(ctx context.Context, email string) (string, error) {
	u, err := s.repo.UserByEmail(ctx, email)
	return u.ID, err
}
