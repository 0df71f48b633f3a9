package store_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/store"
	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

// lookupUsers is the size of the users collection the lookups run against. Lookups by _id on
// the embedded store take time in proportion to it; compare with -args -lookup.users=2000.
var lookupUsers = flag.Int("lookup.users", 20_000, "users seeded for BenchmarkUserLookup")

const (
	// benchBatch is how many users one batch lookup asks for: about one page of a list that
	// shows a user per row.
	benchBatch = 50
	// benchParallel is how many single lookups run at once in the one-by-one variant.
	benchParallel = 8
)

// BenchmarkUserLookup measures reads of users by ID on the embedded store: one by ID; a batch
// of benchBatch through UsersByIDs (what dataloaders call), however the store implements it;
// the same batch with one $in query; and the same batch as single lookups, benchParallel at a
// time. The users are seeded once for all sub-benchmarks (a parent benchmark runs once;
// -count repeats the sub-benchmarks) and dropped at the end.
func BenchmarkUserLookup(b *testing.B) {
	if *lookupUsers < 2*benchBatch {
		b.Fatalf("-lookup.users=%d; need at least %d", *lookupUsers, 2*benchBatch)
	}
	cfg := storetest.Config(b)
	st, err := store.Open(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = st.Drop(context.Background())
		_ = st.Close(context.Background())
	})
	// The $in variant talks to the database directly: UsersByIDs may not use $in.
	client, err := mongo.Connect(options.Client().ApplyURI(cfg.URI))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	users := client.Database(cfg.Database).Collection("users")
	repo := st.Accounts()
	ids := seedUsers(b, st, *lookupUsers)
	// Lookups go through the IDs in a random order, a different batch for each operation.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	batch := func(i int) []string {
		start := (i * benchBatch) % (len(ids) - benchBatch)
		return ids[start : start+benchBatch]
	}

	b.Run("UserByID", func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			id := ids[i%len(ids)]
			u, err := repo.UserByID(ctx, id)
			if err != nil || u.ID != id {
				b.Fatalf("UserByID(%s) = %s, %v", id, u.ID, err)
			}
			i++
		}
	})

	b.Run(fmt.Sprintf("UsersByIDs_%d", benchBatch), func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			got, err := repo.UsersByIDs(ctx, batch(i))
			if err != nil || len(got) != benchBatch {
				b.Fatalf("UsersByIDs = %d users, %v; want %d", len(got), err, benchBatch)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/user")
	})

	b.Run(fmt.Sprintf("in_%d", benchBatch), func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			cur, err := users.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: batch(i)}}}})
			if err != nil {
				b.Fatal(err)
			}
			var got []userFields
			if err := cur.All(ctx, &got); err != nil || len(got) != benchBatch {
				b.Fatalf("$in = %d users, %v; want %d", len(got), err, benchBatch)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/user")
	})

	b.Run(fmt.Sprintf("UserByID_%d_x%d", benchBatch, benchParallel), func(b *testing.B) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			got, err := usersOneByOne(ctx, repo, batch(i))
			if err != nil || len(got) != benchBatch {
				b.Fatalf("one by one = %d users, %v; want %d", len(got), err, benchBatch)
			}
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchBatch), "ns/user")
	})
}

// userFields are the fields of a user document, decoded as the store decodes them.
type userFields struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	DisplayName  string    `bson:"displayName"`
	PasswordHash string    `bson:"passwordHash"`
	Locale       string    `bson:"locale"`
	CreatedAt    time.Time `bson:"createdAt"`
}

// usersOneByOne is the alternative to a $in query: one lookup by _id per user, benchParallel at
// a time.
func usersOneByOne(ctx context.Context, repo *store.Accounts, ids []string) (map[string]account.User, error) {
	users := make([]account.User, len(ids))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(benchParallel)
	for i, id := range ids {
		g.Go(func() error {
			u, err := repo.UserByID(ctx, id)
			users[i] = u
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[string]account.User, len(users))
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}

// seedUsers inserts n users through the repository, 8 at a time, and returns their IDs.
func seedUsers(b *testing.B, st *store.Store, n int) []string {
	b.Helper()
	began := time.Now()
	repo := st.Accounts()
	// A password hash of the real length, so that documents have their real size.
	hash := "$argon2id$v=19$m=19456,t=2,p=1$" + strings.Repeat("s", 22) + "$" + strings.Repeat("h", 43)
	ids := make([]string, n)
	g, ctx := errgroup.WithContext(b.Context())
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error {
			u := account.User{Email: fmt.Sprintf("user%05d@example.org", i), DisplayName: fmt.Sprintf("User %d", i),
				PasswordHash: hash, Locale: account.LocaleDE, CreatedAt: time.Now()}
			if err := repo.InsertUser(ctx, &u); err != nil {
				return fmt.Errorf("insert user %d: %w", i, err)
			}
			ids[i] = u.ID
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatalf("seed: %v", err)
	}
	b.Logf("seeded %d users in %s", n, time.Since(began).Round(time.Millisecond))
	return ids
}
