package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func TestIndexesCarryTheInvariants(t *testing.T) {
	s := storetest.New(t)
	for _, tt := range []struct{ coll, index string }{
		{"users", "email_unique"},
		{"refreshTokens", "parent_unique"},
	} {
		names, err := s.IndexNames(t.Context(), tt.coll)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(names, tt.index) {
			t.Errorf("indexes of %s = %v, want %s", tt.coll, names, tt.index)
		}
	}
}

func TestConcurrentUsersWithOneEmailGiveOneUser(t *testing.T) {
	repo := storetest.New(t).Accounts()
	var wg sync.WaitGroup
	var won, dup atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := account.User{Email: "a@example.org", DisplayName: "A", PasswordHash: "h", Locale: "de", CreatedAt: time.Now()}
			err := repo.InsertUser(context.Background(), &u)
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, errs.ErrDuplicate):
				dup.Add(1)
			default:
				t.Errorf("InsertUser: %v", err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 || dup.Load() != 19 {
		t.Fatalf("won = %d, duplicates = %d; want 1 and 19", won.Load(), dup.Load())
	}
}

func TestRefreshTokenHasOneSuccessorUnderConcurrency(t *testing.T) {
	repo := storetest.New(t).Accounts()
	ctx := t.Context()
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := repo.InsertRefreshToken(ctx, account.RefreshToken{
				Hash: "child" + string(rune('a'+i)), SessionID: "s", ParentHash: "root", UserID: "u",
				CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
			})
			if err == nil {
				won.Add(1)
			} else if !errors.Is(err, errs.ErrDuplicate) {
				t.Errorf("InsertRefreshToken: %v", err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("successors = %d, want 1", won.Load())
	}
}

// The embedded store does not isolate read-modify-write; updateDoc must not lose updates.
func TestConcurrentOrganisationUpdatesLoseNothing(t *testing.T) {
	repo := storetest.New(t).Organisations()
	ctx := t.Context()
	o := organisation.Organisation{Name: "Tafel", CreatedAt: time.Now()}
	if err := repo.Insert(ctx, &o); err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := repo.Update(ctx, o.ID, func(o *organisation.Organisation) error {
				o.Members = append(o.Members, organisation.Member{UserID: string(rune('A' + i)), Role: organisation.RoleCoordinator})
				return nil
			})
			if err != nil {
				t.Errorf("Update: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := repo.ByID(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Members) != n {
		t.Fatalf("members = %d, want %d", len(got.Members), n)
	}
}

func TestThrottleCountsEveryConcurrentHit(t *testing.T) {
	th := storetest.New(t).Throttle()
	ctx := t.Context()
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := th.Hit(ctx, "k", time.Hour); err != nil {
				t.Errorf("Hit: %v", err)
			}
		}()
	}
	wg.Wait()
	n, _, err := th.Count(ctx, "k", time.Hour)
	if err != nil || n != 30 {
		t.Fatalf("Count = %d, %v; want 30", n, err)
	}
	if err := th.Reset(ctx, "k", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := th.Count(ctx, "k", time.Hour); n != 0 {
		t.Fatalf("Count after reset = %d, want 0", n)
	}
}
