package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/lease"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func TestLeaseClaimsAreInsertOnly(t *testing.T) {
	s := storetest.New(t)
	r, ctx := s.Leases(), t.Context()
	now := time.Now()
	c := lease.Claim{ID: "j@1#0", Job: "j", Owner: "a", Tenure: "j@1#0", AcquiredAt: now, ExpiresAt: now.Add(-2 * time.Hour)}
	if err := r.InsertClaim(ctx, c); err != nil {
		t.Fatal(err)
	}
	c2 := c
	c2.Owner = "b"
	if err := r.InsertClaim(ctx, c2); !errors.Is(err, errs.ErrDuplicate) {
		t.Fatalf("second claim: err = %v, want ErrDuplicate", err)
	}
	if got, err := r.Claim(ctx, c.ID); err != nil || got.Owner != "a" {
		t.Fatalf("Claim = %+v, %v; want the first", got, err)
	}
	for range 2 {
		if err := r.InsertRelease(ctx, c.ID, "a", now.Add(-2*time.Hour)); err != nil {
			t.Fatalf("InsertRelease: %v", err)
		}
	}
	if ok, err := r.Released(ctx, c.ID); err != nil || !ok {
		t.Fatalf("Released = %v, %v", ok, err)
	}
	fresh := lease.Claim{ID: "j@2#0", Job: "j", Owner: "a", AcquiredAt: now, ExpiresAt: now.Add(time.Minute)}
	if err := r.InsertClaim(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if n, err := r.PruneClaims(ctx, now.Add(-time.Hour)); err != nil || n != 2 {
		t.Fatalf("PruneClaims = %d, %v; want the expired claim and its release", n, err)
	}
	if _, err := r.Claim(ctx, fresh.ID); err != nil {
		t.Fatalf("current claim pruned: %v", err)
	}
}
