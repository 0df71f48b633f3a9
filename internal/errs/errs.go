// Package errs holds the error vocabulary shared by every domain package: an error carries a
// kind that the transport maps to a client-facing code, and, for bad input, the field at fault.
package errs

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the client. The zero value is Internal, so an error that
// nobody classified never leaks as something more specific.
type Kind int

const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Unauthenticated
	Conflict
	RateLimited
)

// String returns the client-facing code of the kind.
func (k Kind) String() string {
	switch k {
	case Invalid:
		return "BAD_USER_INPUT"
	case NotFound:
		return "NOT_FOUND"
	case Forbidden:
		return "FORBIDDEN"
	case Unauthenticated:
		return "UNAUTHENTICATED"
	case Conflict:
		return "CONFLICT"
	case RateLimited:
		return "RATE_LIMITED"
	default:
		return "INTERNAL"
	}
}

// Error is a classified error. Msg is safe to show to the client; Err is the cause, which is
// logged but never shown.
type Error struct {
	Kind  Kind
	Field string // input field at fault, dotted from the argument, e.g. "input.email"
	Msg   string
	// RetryAfter tells a rate-limited client when to try again.
	RetryAfter time.Duration
	// Detail carries machine-readable facts for the client, such as the ID of a conflicting
	// object; each becomes an extension of the error.
	Detail map[string]string
	Err    error
}

func (e *Error) Error() string {
	var s string
	if e.Field != "" {
		s = e.Field + ": "
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of the given kind with a client-safe message.
func E(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// InvalidField reports bad input in one field.
func InvalidField(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Wrap classifies a cause as an internal error with an operation prefix.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// KindOf reports the kind of err; an error without a kind is Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err carries the given kind.
func Is(err error, kind Kind) bool {
	return err != nil && KindOf(err) == kind
}

// ErrNotFound is returned by repositories when a record does not exist; domain services turn
// it into a NotFound error naming the object.
var ErrNotFound = errors.New("errs: not found")

// ErrDuplicate is returned by repositories when a unique index rejects a write.
var ErrDuplicate = errors.New("errs: duplicate key")
