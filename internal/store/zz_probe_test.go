package store_test

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mitwirken/mitwirken/internal/store/storetest"
)

func TestZZProbe(t *testing.T) {
	cfg := storetest.Config(t)
	client, err := mongo.Connect(options.Client().ApplyURI(cfg.URI))
	if err != nil {
		t.Fatal(err)
	}
	db := client.Database(cfg.Database)
	defer db.Drop(t.Context())
	c := db.Collection("probe")
	ctx := t.Context()
	n := 20000
	start := time.Now()
	for b := 0; b < n; b += 500 {
		docs := make([]any, 0, 500)
		for i := b; i < b+500; i++ {
			docs = append(docs, bson.D{{"_id", fmt.Sprintf("reminder:shift:%024d:24h:email", i)}, {"userId", fmt.Sprintf("u%06d", i)}, {"status", "PENDING"}, {"title", "Erinnerung: Ausgabe an der Tafel"}, {"body", "Hallo, dies ist eine Erinnerung an deinen Einsatz am Samstag um 16:00 Uhr. Details findest du in der App."}, {"nextAttemptAt", time.Now()}, {"attempts", 0}})
		}
		if _, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("insertMany %d: %v", n, time.Since(start))
	start = time.Now()
	cur, err := c.Find(ctx, bson.D{{"status", "PENDING"}, {"nextAttemptAt", bson.D{{"$lte", time.Now()}}}}, options.Find().SetProjection(bson.D{{"_id", 1}}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []bson.M
	cur.All(ctx, &ids)
	t.Logf("scan %d -> %d: %v", n, len(ids), time.Since(start))
	start = time.Now()
	for i := 0; i < 1000; i++ {
		var m bson.M
		if err := c.FindOne(ctx, bson.D{{"_id", fmt.Sprintf("reminder:shift:%024d:24h:email", i*7)}}).Decode(&m); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("1000 findOne by id: %v", time.Since(start))
	start = time.Now()
	for b := 0; b < 2000; b += 500 {
		var models []mongo.WriteModel
		for i := b; i < b+500; i++ {
			models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{"_id", fmt.Sprintf("reminder:shift:%024d:24h:email", i)}}).SetUpdate(bson.D{{"$set", bson.D{{"status", "SENDING"}, {"attempts", 1}}}}))
		}
		if _, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("2000 bulk updates: %v", time.Since(start))
	start = time.Now()
	for b := 0; b < 2000; b += 500 {
		docs := make([]any, 0, 500)
		for i := b; i < b+500; i++ {
			docs = append(docs, bson.D{{"_id", fmt.Sprintf("reminder:shift:%024d:24h:email#1", i)}, {"owner", "w1"}, {"at", time.Now()}})
		}
		if _, err := db.Collection("claims").InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("2000 claims insertMany: %v", time.Since(start))
	start = time.Now()
	docs := make([]any, 0, 500)
	for i := 0; i < 500; i++ {
		docs = append(docs, bson.D{{"_id", fmt.Sprintf("reminder:shift:%024d:24h:email#1", i*2)}, {"owner", "w2"}, {"at", time.Now()}})
	}
	_, err = db.Collection("claims").InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if ok := asBWE(err, &bwe); ok {
		t.Logf("dup errors: %d, first code %d", len(bwe.WriteErrors), bwe.WriteErrors[0].Code)
	} else {
		t.Logf("err %v", err)
	}
	t.Logf("500 claims 250 dup: %v", time.Since(start))
}

func asBWE(err error, out *mongo.BulkWriteException) bool {
	e, ok := err.(mongo.BulkWriteException)
	if ok {
		*out = e
	}
	return ok
}
