package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// Issuer and Audience are checked on every access token so that a token minted for another
	// service with the same key is refused.
	Issuer   = "mitwirken"
	Audience = "mitwirken-api"

	// AccessTokenTTL is short because access tokens cannot be revoked; refresh tokens can.
	AccessTokenTTL = 15 * time.Minute

	// MinKeyBytes is the shortest signing key accepted: HS256 needs 256 bits of secret.
	MinKeyBytes = 32
)

// signingMethod is the one algorithm tokens are signed and accepted with.
var signingMethod = jwt.SigningMethodHS256

// ErrInvalidToken is returned for any token that must not be trusted; the reason is wrapped
// for logs only.
var ErrInvalidToken = errors.New("auth: invalid access token")

// Tokens issues and verifies access tokens.
type Tokens struct {
	key []byte
	now func() time.Time
}

// NewTokens returns a token service signing with key.
func NewTokens(key []byte, now func() time.Time) (*Tokens, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("auth: signing key has %d bytes, need at least %d", len(key), MinKeyBytes)
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{key: key, now: now}, nil
}

type claims struct {
	jwt.RegisteredClaims
	Locale string `json:"loc,omitempty"`
}

// Issue returns a signed access token for the actor and its expiry.
func (t *Tokens) Issue(a Actor) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(AccessTokenTTL)
	claims := claims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    Issuer,
		Subject:   a.UserID,
		Audience:  jwt.ClaimStrings{Audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}, Locale: a.Locale}
	s, err := jwt.NewWithClaims(signingMethod, claims).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign: %w", err)
	}
	return s, exp, nil
}

// Verify checks signature, algorithm, issuer, audience and lifetime and returns the actor.
func (t *Tokens) Verify(token string) (Actor, error) {
	var claims claims
	_, err := jwt.ParseWithClaims(token, &claims,
		func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return Actor{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" {
		return Actor{}, fmt.Errorf("%w: no subject", ErrInvalidToken)
	}
	return Actor{UserID: claims.Subject, Locale: claims.Locale}, nil
}
