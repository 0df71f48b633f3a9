// Package replay makes mutations safe to repeat: the app, back online, may send a mutation
// again with the same client-generated key, and gets the first result without a second effect.
package replay

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/keylock"
)

// Record remembers the result of a keyed mutation.
type Record struct {
	ID        string // user and key
	Operation string // the mutation and its target, e.g. "signUp:<shiftId>"
	ResultID  string
	CreatedAt time.Time
}

// Store keeps records; Put fails with errs.ErrDuplicate when the ID exists.
type Store interface {
	Replay(ctx context.Context, id string) (Record, error)
	PutReplay(ctx context.Context, r Record) error
}

// Service runs keyed mutations once.
type Service struct {
	store Store
	locks keylock.Map
	now   func() time.Time
}

// NewService returns a replay service.
func NewService(store Store) *Service { return &Service{store: store, now: time.Now} }

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_:.-]{8,128}$`)

// Do runs run once per actor and key: a repeat with the same key loads the first result
// instead. A key reused for another operation is a conflict. Failed runs are not remembered,
// so a repeat tries again. Without a key, run simply runs.
func Do[T any](ctx context.Context, s *Service, actor auth.Actor, key, operation string,
	run func() (T, string, error), load func(resultID string) (T, error)) (T, error) {
	var zero T
	if key == "" {
		v, _, err := run()
		return v, err
	}
	if !actor.Authenticated() {
		return zero, errs.E(errs.Unauthenticated, "sign in first")
	}
	if !keyPattern.MatchString(key) {
		return zero, errs.InvalidField("idempotencyKey", "use 8 to 128 letters, digits or _ : . -, e.g. a UUID")
	}
	id := actor.UserID + "|" + key
	// Repeats arriving together (a flaky connection) wait for the first here.
	unlock := s.locks.Lock(id)
	defer unlock()
	rec, err := s.store.Replay(ctx, id)
	switch {
	case err == nil && rec.Operation != operation:
		return zero, errs.InvalidField("idempotencyKey", "this key was used for another operation")
	case err == nil:
		return load(rec.ResultID)
	case !errors.Is(err, errs.ErrNotFound):
		return zero, errs.Wrap("replay: read", err)
	}
	v, resultID, err := run()
	if err != nil {
		return zero, err
	}
	err = s.store.PutReplay(ctx, Record{ID: id, Operation: operation, ResultID: resultID, CreatedAt: s.now()})
	if err != nil && !errors.Is(err, errs.ErrDuplicate) {
		return zero, errs.Wrap("replay: remember", err)
	}
	return v, nil
}
