package account

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// Password rules.
const (
	MinPasswordRunes = 10
	MaxPasswordBytes = 256 // argon2 takes any length; the cap bounds the work per request
)

// argonParams are the OWASP recommendation for argon2id (19 MiB, 2 passes, 1 lane).
// Hashes record their parameters, so raising them later keeps old hashes verifiable.
type argonParams struct {
	memoryKiB uint32
	time      uint32
	threads   uint8
	keyLen    uint32
}

var defaultParams = argonParams{memoryKiB: 19 * 1024, time: 2, threads: 1, keyLen: 32}

// hashSlots bounds concurrent hashing: each hash takes 19 MiB, and a burst of logins must not
// exhaust memory.
var hashSlots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := make(map[string]bool)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

func validatePassword(field, password, email string) error {
	switch {
	case len(password) > MaxPasswordBytes:
		return errs.InvalidField(field, "password must be at most %d bytes", MaxPasswordBytes)
	case utf8.RuneCountInString(password) < MinPasswordRunes:
		return errs.InvalidField(field, "password must have at least %d characters", MinPasswordRunes)
	case commonPasswords[strings.ToLower(password)]:
		return errs.InvalidField(field, "password is too common; choose another")
	case email != "" && strings.EqualFold(password, email):
		return errs.InvalidField(field, "password must not be the e-mail address")
	}
	return nil
}

// hashPassword returns an argon2id hash in the PHC string format.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	p := defaultParams
	key := deriveKey([]byte(password), salt, p)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memoryKiB, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func deriveKey(password, salt []byte, p argonParams) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, p.time, p.memoryKiB, p.threads, p.keyLen)
}

var errMalformedHash = errors.New("account: malformed password hash")

// verifyPassword reports whether password matches the encoded hash, in constant time.
func verifyPassword(password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errMalformedHash
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.time, &p.threads); err != nil {
		return false, errMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errMalformedHash
	}
	p.keyLen = uint32(len(want))
	got := deriveKey([]byte(password), salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an e-mail is unknown, so that a failed login takes the
// same time whether or not the account exists.
var dummyHash = func() string {
	h, err := hashPassword(string(bytes.Repeat([]byte("x"), MinPasswordRunes)))
	if err != nil {
		panic(err)
	}
	return h
}()

// HashPassword returns the argon2id hash of a password, for tools that create accounts in
// bulk (demonstration data); the service hashes on its own.
func HashPassword(password string) (string, error) { return hashPassword(password) }
