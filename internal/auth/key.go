package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateKey reads the signing key kept at path, creating a random one on first use, so
// that a development server's tokens survive restarts without anyone choosing a secret.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < MinKeyBytes {
			return nil, fmt.Errorf("auth: key file %s has %d bytes, need %d", path, len(key), MinKeyBytes)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("auth: read key: %w", err)
	}
	key = make([]byte, 64)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: generate key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("auth: key dir: %w", err)
	}
	// O_EXCL: of two processes starting at once, one writes and the other reads its key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: create key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("auth: write key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("auth: write key: %w", err)
	}
	return key, nil
}

// TokensFromConfig returns the token service for a configured secret or, when none is
// configured, for the key kept in keyFile (created on first use).
func TokensFromConfig(secret []byte, keyFile string) (*Tokens, error) {
	key := secret
	if len(key) == 0 {
		var err error
		if key, err = LoadOrCreateKey(keyFile); err != nil {
			return nil, err
		}
	}
	return NewTokens(key, nil)
}
