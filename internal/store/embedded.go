package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is an in-process FerretDB on SQLite files, reached over the MongoDB wire protocol.
type Embedded struct {
	db      *ferretdb.FerretDB
	cancel  context.CancelFunc
	done    chan struct{}
	stop    sync.Once
	sockDir string
}

// StartEmbedded starts FerretDB with its files in dataDir. With addr set it listens there
// (loopback only is the caller's responsibility); otherwise on a private Unix socket.
func StartEmbedded(ctx context.Context, dataDir, addr string, log *slog.Logger) (*Embedded, error) {
	dir, err := filepath.Abs(filepath.Join(dataDir, "store"))
	if err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	e := &Embedded{done: make(chan struct{})}
	listener := ferretdb.ListenerConfig{TCP: addr}
	if addr == "" {
		// A socket path must stay short (about 100 bytes), so it cannot live under any data dir.
		if e.sockDir, err = os.MkdirTemp("", "mitwirken-store-"); err != nil {
			return nil, fmt.Errorf("store: socket dir: %w", err)
		}
		listener.Unix = filepath.Join(e.sockDir, "store.sock")
	}
	e.db, err = ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(NORMAL)",
		// FerretDB logs every connection at info level and every command it does not implement
		// (such as the driver's endSessions) at warn level; only its errors interest us.
		Logger: slog.New(&levelFilter{Handler: log.Handler(), min: slog.LevelError}),
	})
	if err != nil {
		e.removeSocketDir()
		return nil, fmt.Errorf("store: start embedded: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.cancel = cancel
	go func() {
		defer close(e.done)
		_ = e.db.Run(runCtx)
	}()
	return e, nil
}

// URI is the connection string of the embedded store.
func (e *Embedded) URI() string { return e.db.MongoDBURI() }

// Stop closes the listener and the SQLite files and waits until they are closed.
func (e *Embedded) Stop() {
	e.stop.Do(func() {
		e.cancel()
		<-e.done
		e.removeSocketDir()
	})
}

func (e *Embedded) removeSocketDir() {
	if e.sockDir != "" {
		_ = os.RemoveAll(e.sockDir)
	}
}

// levelFilter drops records below min.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f *levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelFilter{Handler: f.Handler.WithAttrs(attrs), min: f.min}
}

func (f *levelFilter) WithGroup(name string) slog.Handler {
	return &levelFilter{Handler: f.Handler.WithGroup(name), min: f.min}
}
