package training

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Certificate is a signed record of a completion that anyone can verify without an account:
// module, version, holder, date and validity.
type Certificate struct {
	CompletionID string    `json:"c"`
	ModuleID     string    `json:"m"`
	ModuleTitle  string    `json:"t"`
	Version      int       `json:"v"`
	HolderName   string    `json:"n"`
	PassedAt     time.Time `json:"p"`
	ValidUntil   time.Time `json:"u,omitzero"`
	// Token is the certificate as one string: the record and its Ed25519 signature.
	Token string `json:"-"`
}

// Certificate returns the signed certificate of one of the actor's completions.
func (s *Service) Certificate(ctx context.Context, actor auth.Actor, completionID string) (Certificate, error) {
	if !actor.Authenticated() {
		return Certificate{}, errSignIn
	}
	c, err := s.repo.Completion(ctx, completionID)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && c.UserID != actor.UserID) {
		return Certificate{}, errs.E(errs.NotFound, "completion not found")
	}
	if err != nil {
		return Certificate{}, errs.Wrap("training: completion", err)
	}
	users, err := s.users.UsersByIDs(ctx, []string{c.UserID})
	if err != nil {
		return Certificate{}, errs.Wrap("training: holder", err)
	}
	cert := Certificate{CompletionID: c.ID, ModuleID: c.ModuleID, ModuleTitle: c.ModuleTitle, Version: c.Version,
		HolderName: users[c.UserID].DisplayName, PassedAt: c.PassedAt.UTC().Truncate(time.Second), ValidUntil: c.ValidUntil.UTC().Truncate(time.Second)}
	key, err := s.certificateKey(ctx)
	if err != nil {
		return Certificate{}, err
	}
	body, err := json.Marshal(cert)
	if err != nil {
		return Certificate{}, errs.Wrap("training: certificate", err)
	}
	enc := base64.RawURLEncoding
	cert.Token = enc.EncodeToString(body) + "." + enc.EncodeToString(ed25519.Sign(key, body))
	return cert, nil
}

// Verification is what checking a certificate found.
type Verification struct {
	Certificate Certificate
	// Valid: the completion counts now; a genuine but expired certificate is not valid.
	Valid bool
}

// VerifyCertificate checks a certificate's signature; it needs no account. A token that is
// not a certificate of this platform is bad input.
func (s *Service) VerifyCertificate(ctx context.Context, token string) (Verification, error) {
	bad := errs.InvalidField("token", "this is not a genuine certificate of this platform")
	body64, sig64, ok := strings.Cut(strings.TrimSpace(token), ".")
	enc := base64.RawURLEncoding
	body, err1 := enc.DecodeString(body64)
	sig, err2 := enc.DecodeString(sig64)
	if !ok || err1 != nil || err2 != nil || len(token) > 4096 {
		return Verification{}, bad
	}
	key, err := s.certificateKey(ctx)
	if err != nil {
		return Verification{}, err
	}
	if !ed25519.Verify(key.Public().(ed25519.PublicKey), body, sig) {
		return Verification{}, bad
	}
	var cert Certificate
	if err := json.Unmarshal(body, &cert); err != nil {
		return Verification{}, bad
	}
	cert.Token = token
	now := s.now()
	return Verification{Certificate: cert, Valid: cert.ValidUntil.IsZero() || now.Before(cert.ValidUntil)}, nil
}

// certificateKey reads the signing key once; it never changes.
func (s *Service) certificateKey(ctx context.Context) (ed25519.PrivateKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		key, err := s.repo.CertificateKey(ctx)
		if err != nil {
			return nil, errs.Wrap("training: certificate key", err)
		}
		s.key = key
	}
	return s.key, nil
}
