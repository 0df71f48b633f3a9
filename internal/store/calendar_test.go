package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func TestCalendarFeedReplaceFindDelete(t *testing.T) {
	repo := storetest.New(t).CalendarFeeds()
	ctx := t.Context()
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range []calendar.Feed{
		{Hash: "h1", UserID: "u1", CreatedAt: at, Locale: "de"},
		{Hash: "h2", UserID: "u1", CreatedAt: at.Add(time.Minute), Locale: "en"},
		{Hash: "h3", UserID: "u2", CreatedAt: at},
	} {
		if err := repo.ReplaceCalendarFeed(ctx, f); err != nil {
			t.Fatalf("ReplaceCalendarFeed(%s): %v", f.Hash, err)
		}
	}
	if _, err := repo.CalendarFeed(ctx, "h1"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("CalendarFeed(replaced h1): err = %v, want errs.ErrNotFound", err)
	}
	got, err := repo.CalendarFeed(ctx, "h2")
	want := calendar.Feed{Hash: "h2", UserID: "u1", CreatedAt: at.Add(time.Minute), Locale: "en"}
	if err != nil || got.Hash != want.Hash || got.UserID != want.UserID || !got.CreatedAt.Equal(want.CreatedAt) || got.Locale != want.Locale {
		t.Errorf("CalendarFeed(h2) = %+v, %v; want %+v", got, err, want)
	}

	n, err := repo.DeleteCalendarFeedsOf(ctx, "u1")
	if err != nil || n != 1 {
		t.Errorf("DeleteCalendarFeedsOf(u1) = %d, %v; want 1", n, err)
	}
	if _, err := repo.CalendarFeed(ctx, "h2"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("CalendarFeed(deleted h2): err = %v, want errs.ErrNotFound", err)
	}
	if _, err := repo.CalendarFeed(ctx, "h3"); err != nil {
		t.Errorf("CalendarFeed(h3 of another user): %v", err)
	}
	if n, err := repo.DeleteCalendarFeedsOf(ctx, "u1"); err != nil || n != 0 {
		t.Errorf("DeleteCalendarFeedsOf(u1) again = %d, %v; want 0", n, err)
	}
}

// TestConcurrentCalendarFeedReplacementsLeaveOneFeed: whatever the interleaving, a user ends
// with exactly one feed, and it is one of those written.
func TestConcurrentCalendarFeedReplacementsLeaveOneFeed(t *testing.T) {
	repo := storetest.New(t).CalendarFeeds()
	ctx := t.Context()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := repo.ReplaceCalendarFeed(ctx, calendar.Feed{Hash: fmt.Sprintf("h%02d", i), UserID: "u1", CreatedAt: time.Now()}); err != nil {
				t.Errorf("ReplaceCalendarFeed: %v", err)
			}
		}()
	}
	wg.Wait()
	live := 0
	for i := range n {
		_, err := repo.CalendarFeed(ctx, fmt.Sprintf("h%02d", i))
		switch {
		case err == nil:
			live++
		case !errors.Is(err, errs.ErrNotFound):
			t.Fatal(err)
		}
	}
	if live != 1 {
		t.Errorf("live feeds = %d, want 1", live)
	}
	if deleted, err := repo.DeleteCalendarFeedsOf(ctx, "u1"); err != nil || deleted != 1 {
		t.Errorf("DeleteCalendarFeedsOf = %d, %v; want 1", deleted, err)
	}
}
