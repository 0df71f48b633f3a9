package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/coder/websocket"
)

// wsDialer lets the typed client subscribe over the WebSocket library the server uses.
type wsDialer struct{ ctx context.Context }

func (d wsDialer) DialContext(ctx context.Context, url string, header http.Header) (graphql.WSConn, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	return wsConn{c: c, ctx: d.ctx}, nil
}

// wsConn adapts a connection to the message-type interface the typed client expects (1 text,
// 2 binary, as in RFC 6455).
type wsConn struct {
	c   *websocket.Conn
	ctx context.Context
}

func (w wsConn) Close() error { return w.c.Close(websocket.StatusNormalClosure, "") }

func (w wsConn) WriteMessage(messageType int, data []byte) error {
	typ := websocket.MessageText
	if messageType == 2 {
		typ = websocket.MessageBinary
	}
	return w.c.Write(w.ctx, typ, data)
}

func (w wsConn) ReadMessage() (int, []byte, error) {
	typ, data, err := w.c.Read(w.ctx)
	if typ == websocket.MessageBinary {
		return 2, data, err
	}
	return 1, data, err
}

// subscriber opens the app's subscription connection, signed in with the app's token.
func (a app) subscriber(t *testing.T, url string) graphql.WebSocketClient {
	t.Helper()
	ws := graphql.NewClientUsingWebSocket(strings.Replace(url, "http", "ws", 1), wsDialer{ctx: t.Context()},
		graphql.WithConnectionParams(map[string]any{"Authorization": "Bearer " + *a.token}))
	if _, err := ws.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return ws
}
