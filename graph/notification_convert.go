package graph

import (
	"context"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/notify"
)

// forward passes notifications to a subscription until its client goes away, then ends the
// inbox subscription.
func forward(ctx context.Context, in <-chan notify.Notification, out chan<- *notify.Notification, cancel func()) {
	defer cancel()
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-in:
			if !ok {
				return
			}
			select {
			case out <- &n:
			case <-ctx.Done():
				return
			}
		}
	}
}

func notificationConnection(p notify.Page) *model.NotificationConnection {
	c := &model.NotificationConnection{Edges: make([]*model.NotificationEdge, len(p.Items)), TotalCount: p.TotalCount}
	for i, n := range p.Items {
		c.Edges[i] = &model.NotificationEdge{Cursor: notify.Cursor(n), Node: n}
	}
	c.PageInfo = pageInfo(p.HasNextPage, p.EndCursor)
	return c
}
