// Package store is the MongoDB storage of every domain: the only package that speaks BSON.
//
// It runs against a MongoDB deployment, or against an embedded FerretDB whose conditional
// updates are not atomic; every read-modify-write therefore goes through updateDoc, which
// serialises writers in this process and makes the write conditional for MongoDB.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/keylock"
)

// Config selects and tunes the store.
type Config struct {
	// URI of a MongoDB deployment; empty starts the embedded store.
	URI string
	// Database name; "mitwirken" when empty.
	Database string
	// DataDir holds the embedded store's files.
	DataDir string
	// EmbeddedAddr is the loopback address the embedded store also listens on for other
	// processes; empty keeps it private to this process.
	EmbeddedAddr string
	Logger       *slog.Logger
	Metrics      *Metrics
	// OnCommand, if set, is called with the name of every command sent; tests count store
	// round trips with it.
	OnCommand func(command, collection string)
}

// Store is a connection to the database.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	embedded *Embedded
	locks    keylock.Map
	log      *slog.Logger
	// writes serialises writes when the server is FerretDB on SQLite; nil for MongoDB.
	writes *sync.Mutex
}

// Open connects to the configured store, starting the embedded one if no URI is given, and
// creates the indexes.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Database == "" {
		cfg.Database = "mitwirken"
	}
	var emb *Embedded
	uri := cfg.URI
	if uri == "" {
		var err error
		emb, err = StartEmbedded(ctx, cfg.DataDir, cfg.EmbeddedAddr, cfg.Logger)
		if err != nil {
			return nil, err
		}
		uri = emb.URI()
	}
	s, err := connect(ctx, uri, cfg)
	if err != nil {
		if emb != nil {
			emb.Stop()
		}
		return nil, err
	}
	s.embedded = emb
	if err := s.ensureIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

func connect(ctx context.Context, uri string, cfg Config) (*Store, error) {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetTimeout(30 * time.Second).
		// Bursts of requests need connections faster than the default of two at a time.
		SetMaxConnecting(16)
	if cfg.Metrics != nil || cfg.OnCommand != nil {
		opts.SetMonitor(commandMonitor(cfg.Metrics, cfg.OnCommand))
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	s := &Store{client: client, db: client.Database(cfg.Database), log: cfg.Logger}
	if isFerretDB(ctx, s.db) {
		s.writes = &sync.Mutex{}
	}
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close disconnects and stops the embedded store, if any.
func (s *Store) Close(ctx context.Context) error {
	err := s.client.Disconnect(ctx)
	if s.embedded != nil {
		s.embedded.Stop()
	}
	if err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

// Drop deletes the whole database; tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error {
	return s.db.Drop(ctx)
}

func (s *Store) coll(name string) collection {
	return collection{Collection: s.db.Collection(name), writes: s.writes}
}

// isDuplicate reports whether a write failed on a unique index.
func isDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// notFound maps the driver's "no document" to the domain's sentinel.
func notFound(err error) error {
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("%w: %w", errs.ErrNotFound, err)
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, errs.ErrNotFound) }
