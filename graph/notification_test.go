package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// TestNotificationFromAnotherProcessReachesTheSubscriber subscribes over graphql-transport-ws
// and has a separate "worker" (its own store connection and notification service) create an
// in-app message: it must arrive, then be listed and marked read.
func TestNotificationFromAnotherProcessReachesTheSubscriber(t *testing.T) {
	cfg := storetest.Config(t)
	st, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Drop(context.Background()); _ = st.Close(context.Background()) })
	a := serveAPI(t, st, true, nil)
	vol := a.register(t, "nina@example.org", "Nina")

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	type message struct {
		Type    string          `json:"type"`
		ID      string          `json:"id"`
		Payload json.RawMessage `json:"payload"`
	}
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + vol.AccessToken}})
	var ack message
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("init: %v %+v", err, ack)
	}
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "subscribe", "id": "n", "payload": map[string]any{
		"query": `subscription { notificationAdded { id kind title body readAt } }`}})
	time.Sleep(200 * time.Millisecond) // the subscription is registered

	worker, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer worker.Close(context.Background())
	svc := notify.NewService(worker.Outbox(), worker.Outbox(), worker.Accounts(), worker.Outbox(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	sent := time.Now()
	if _, err := svc.Enqueue(t.Context(), []notify.Request{{Key: "test:promoted:1", UserID: vol.User.ID, Kind: notify.Promoted,
		Data: notify.Data{Title: "Ausgabe an der Tafel", Start: time.Now().Add(48 * time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	var next message
	for next.Type != "next" {
		if err := wsjson.Read(ctx, conn, &next); err != nil {
			t.Fatalf("no notification arrived: %v", err)
		}
	}
	// The latency is measured in docs/BENCHMARKS.md; a test only needs the message to come.
	t.Logf("the notification arrived after %v", time.Since(sent))
	var got struct {
		Data struct {
			NotificationAdded struct{ ID, Kind, Title, Body string }
		}
	}
	_ = json.Unmarshal(next.Payload, &got)
	n := got.Data.NotificationAdded
	if n.Kind != "PROMOTED" || n.Title == "" || !strings.Contains(n.Body+n.Title, "Tafel") {
		t.Fatalf("notification = %+v", n)
	}

	const list = `query($u: Boolean) { notifications(unreadOnly: $u) { totalCount edges { node { id readAt } } } }`
	var l struct {
		Notifications struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID     string
					ReadAt *string
				}
			}
		}
	}
	as := a.As(vol.AccessToken)
	as.Do(t, list, map[string]any{"u": true}).OK(t, &l)
	if l.Notifications.TotalCount != 1 || l.Notifications.Edges[0].Node.ID != n.ID {
		t.Fatalf("unread = %+v", l.Notifications)
	}
	var marked struct{ MarkNotificationsRead int }
	as.Do(t, `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`, map[string]any{"ids": []string{n.ID, "someone-elses"}}).OK(t, &marked)
	if marked.MarkNotificationsRead != 1 {
		t.Fatalf("marked %d, want 1", marked.MarkNotificationsRead)
	}
	as.Do(t, list, map[string]any{"u": true}).OK(t, &l)
	if l.Notifications.TotalCount != 0 {
		t.Fatalf("still unread: %+v", l.Notifications)
	}
	other := a.register(t, "otto@example.org", "Otto")
	a.As(other.AccessToken).Do(t, list, nil).OK(t, &l)
	if l.Notifications.TotalCount != 0 {
		t.Fatal("another user sees Nina's notification")
	}
	a.Do(t, list, nil).Fails(t, "UNAUTHENTICATED", "")
}
