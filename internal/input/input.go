// Package input holds the rules every domain applies to text that people type: trimmed,
// bounded, printable; e-mail addresses normalised.
package input

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// MaxEmailBytes is the longest address SMTP can carry.
const MaxEmailBytes = 254

// Email trims and lower-cases an address and checks it is a bare address.
func Email(field, raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return "", errs.InvalidField(field, "e-mail address is required")
	}
	if len(s) > MaxEmailBytes {
		return "", errs.InvalidField(field, "e-mail address must be at most %d characters", MaxEmailBytes)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", errs.InvalidField(field, "not a valid e-mail address")
	}
	return s, nil
}

// Text trims s and checks its length in characters and that it has no control characters.
// It is the common rule for names and titles shown to other people.
func Text(field, raw string, minRunes, maxRunes int) (string, error) {
	s := strings.TrimSpace(raw)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return "", errs.InvalidField(field, "must be valid UTF-8")
	case n < minRunes && minRunes == 1:
		return "", errs.InvalidField(field, "must not be empty")
	case n < minRunes:
		return "", errs.InvalidField(field, "must have at least %d characters", minRunes)
	case n > maxRunes:
		return "", errs.InvalidField(field, "must be at most %d characters", maxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", errs.InvalidField(field, "must not contain control characters")
		}
	}
	return s, nil
}
