package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var testKey = []byte(strings.Repeat("k", 32))

func TestIssuedTokenVerifies(t *testing.T) {
	tok, _ := NewTokens(testKey, nil)
	s, exp, err := tok.Issue(Actor{UserID: "u1", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < 14*time.Minute || d > AccessTokenTTL {
		t.Errorf("expiry in %v, want about %v", d, AccessTokenTTL)
	}
	a, err := tok.Verify(s)
	if err != nil || a.UserID != "u1" || a.Locale != "en" {
		t.Fatalf("Verify = %+v, %v; want u1", a, err)
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, mutate func(*jwt.RegisteredClaims)) string {
	t.Helper()
	now := time.Now()
	c := jwt.RegisteredClaims{
		Issuer: Issuer, Subject: "u1", Audience: jwt.ClaimStrings{Audience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
	}
	if mutate != nil {
		mutate(&c)
	}
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefusesUntrustworthyTokens(t *testing.T) {
	tok, _ := NewTokens(testKey, nil)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
	}{
		{"expired", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) {
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
		})},
		{"no expiry", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil })},
		{"wrong signature", sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), nil)},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)},
		{"RS256 instead of HS256", sign(t, jwt.SigningMethodRS256, rsaKey, nil)},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, testKey, nil)},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"other"} })},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) { c.Issuer = "other" })},
		{"no subject", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) { c.Subject = "" })},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) {
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(time.Hour))
		})},
		{"garbage", "not.a.token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tok.Verify(tt.token)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidToken", a, err)
			}
		})
	}
}

func TestNewTokensRefusesShortKey(t *testing.T) {
	if _, err := NewTokens([]byte("short"), nil); err == nil {
		t.Fatal("NewTokens accepted a 5-byte key")
	}
}

func TestLoadOrCreateKeyKeepsTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "jwt.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) < MinKeyBytes {
		t.Fatalf("second load gave another key")
	}
}
