package privacy

import (
	"sync"
	"time"
)

// erasedTokens remembers accounts erased by this process for as long as an access token
// issued before the erasure may still be presented, so that such a token is refused at once
// instead of writing new records about a person who is gone.
type erasedTokens struct {
	mu  sync.Mutex
	ids map[string]time.Time // until
}

// accessTokenLife bounds how long an erased account's access tokens must be refused.
const accessTokenLife = 20 * time.Minute

func (e *erasedTokens) add(id string, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ids == nil {
		e.ids = map[string]time.Time{}
	}
	for k, until := range e.ids {
		if now.After(until) {
			delete(e.ids, k)
		}
	}
	e.ids[id] = now.Add(accessTokenLife)
}

// Erased reports whether the account was erased by this process within an access token's
// lifetime. The transport refuses such a caller.
func (s *Service) Erased(userID string) bool {
	s.erasedIDs.mu.Lock()
	defer s.erasedIDs.mu.Unlock()
	until, ok := s.erasedIDs.ids[userID]
	return ok && time.Now().Before(until)
}
