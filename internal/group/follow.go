package group

import (
	"context"
	"time"
)

// Follow keeps the watchers (the search index) in step with groups that other processes
// write, until ctx ends: with several server replicas on MongoDB each replica hears only of
// its own writes. The groups collection is small, so re-reading it is cheap.
func (s *Service) Follow(ctx context.Context, every time.Duration) {
	seen := map[string]time.Time{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		list, err := s.repo.Groups(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "group: follow groups", "err", err)
		}
		for _, g := range list {
			if at, ok := seen[g.ID]; !ok || g.UpdatedAt.After(at) {
				seen[g.ID] = g.UpdatedAt
				s.changed(g)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
