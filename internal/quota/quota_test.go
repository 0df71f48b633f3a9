package quota

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
)

func TestAllowCountsPerAccountAndAction(t *testing.T) {
	l := New(map[Action]Rule{SignUp: {Burst: 3, Every: time.Hour}})
	ada, bo := auth.Actor{UserID: "ada"}, auth.Actor{UserID: "bo"}
	var wg sync.WaitGroup
	refused := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			if err := l.Allow(ada, SignUp); err != nil {
				refused <- err
			}
		})
	}
	wg.Wait()
	close(refused)
	n := 0
	for err := range refused {
		n++
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.RateLimited || e.RetryAfter <= 0 || e.RetryAfter > time.Hour {
			t.Fatalf("refusal = %v, want RATE_LIMITED with a retry time", err)
		}
	}
	if n != 7 {
		t.Fatalf("%d of 10 refused, want 7 beyond the burst of 3", n)
	}
	if err := l.Allow(bo, SignUp); err != nil {
		t.Fatalf("another account: %v", err)
	}
	if err := l.Allow(ada, Search); err != nil {
		t.Fatalf("an action without a rule: %v", err)
	}
	if err := l.Allow(auth.Actor{}, SignUp); err != nil {
		t.Fatalf("anonymous (limited per address elsewhere): %v", err)
	}
	var none *Limits
	if err := none.Allow(ada, SignUp); err != nil {
		t.Fatalf("no limits: %v", err)
	}
}
