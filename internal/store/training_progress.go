package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/training"
)

const (
	collAttempts    = "trainingAttempts"
	collCompletions = "trainingCompletions"
	collLessonsDone = "trainingLessonsDone"
)

func init() {
	indexes[collAttempts] = append(indexes[collAttempts],
		indexModel(bson.D{{Key: "userId", Value: 1}, {Key: "moduleId", Value: 1}, {Key: "day", Value: 1}}, "user_module_day"),
		indexModel(bson.D{{Key: "at", Value: 1}}, "at"))
	indexes[collCompletions] = append(indexes[collCompletions],
		indexModel(bson.D{{Key: "userId", Value: 1}}, "user"),
		indexModel(bson.D{{Key: "validUntil", Value: 1}}, "valid_until"))
	indexes[collLessonsDone] = append(indexes[collLessonsDone], indexModel(bson.D{{Key: "userId", Value: 1}}, "user"))
}

// quizAttemptDoc is one quiz submission. Its _id "<user>|<module>|<day>#<n>" is the limit: there
// are only MaxAttemptsPerDay numbers to take per user, module and day.
type quizAttemptDoc struct {
	ID           string    `bson:"_id"`
	UserID       string    `bson:"userId"`
	ModuleID     string    `bson:"moduleId"`
	Version      int       `bson:"version"`
	Day          string    `bson:"day"`
	Number       int       `bson:"number"`
	At           time.Time `bson:"at"`
	ScorePercent float64   `bson:"scorePercent"`
	Passed       bool      `bson:"passed"`
	Wrong        []string  `bson:"wrong"`
}

// InsertAttempt stores an attempt; errs.ErrDuplicate when its number is taken.
func (r *Training) InsertAttempt(ctx context.Context, a training.Attempt) error {
	d := quizAttemptDoc{ID: a.Key(), UserID: a.UserID,
		ModuleID: a.ModuleID, Version: a.Version, Day: a.Day, Number: a.Number, At: a.At.UTC(), ScorePercent: a.ScorePercent,
		Passed: a.Passed, Wrong: nonNil(a.Wrong)}
	return insertOne(ctx, r.s, collAttempts, d)
}

// Attempts counts a user's attempts at a module on a day.
func (r *Training) Attempts(ctx context.Context, userID, moduleID, day string) (int, error) {
	n, err := r.s.coll(collAttempts).CountDocuments(ctx, bson.D{{Key: "userId", Value: userID}, {Key: "moduleId", Value: moduleID}, {Key: "day", Value: day}})
	if err != nil {
		return 0, fmt.Errorf("store: count attempts: %w", err)
	}
	return int(n), nil
}

// AttemptsOf lists a user's attempts.
func (r *Training) AttemptsOf(ctx context.Context, userID string) ([]training.Attempt, error) {
	docs, err := findAll[quizAttemptDoc](ctx, r.s, collAttempts, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	out := make([]training.Attempt, len(docs))
	for i, d := range docs {
		out[i] = training.Attempt{UserID: d.UserID, ModuleID: d.ModuleID, Version: d.Version, Day: d.Day, Number: d.Number,
			At: d.At, ScorePercent: d.ScorePercent, Passed: d.Passed, Wrong: d.Wrong}
	}
	return out, nil
}

// PruneAttempts deletes attempts made before t.
func (r *Training) PruneAttempts(ctx context.Context, before time.Time) (int64, error) {
	res, err := r.s.coll(collAttempts).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: prune attempts: %w", err)
	}
	return res.DeletedCount, nil
}

type completionDoc struct {
	ID             string    `bson:"_id"`
	UserID         string    `bson:"userId"`
	ModuleID       string    `bson:"moduleId"`
	Version        int       `bson:"version"`
	OrganisationID string    `bson:"organisationId"`
	ModuleTitle    string    `bson:"moduleTitle"`
	ScorePercent   float64   `bson:"scorePercent"`
	PassedAt       time.Time `bson:"passedAt"`
	ValidUntil     time.Time `bson:"validUntil,omitempty"`
}

func (d *completionDoc) completion() training.Completion {
	return training.Completion{ID: d.ID, UserID: d.UserID, ModuleID: d.ModuleID, Version: d.Version, OrganisationID: d.OrganisationID,
		ModuleTitle: d.ModuleTitle, ScorePercent: d.ScorePercent, PassedAt: d.PassedAt, ValidUntil: d.ValidUntil}
}

func completions(docs []completionDoc) []training.Completion {
	out := make([]training.Completion, len(docs))
	for i := range docs {
		out[i] = docs[i].completion()
	}
	return out
}

// InsertCompletion stores a passed quiz.
func (r *Training) InsertCompletion(ctx context.Context, c training.Completion) error {
	d := completionDoc{ID: c.ID, UserID: c.UserID, ModuleID: c.ModuleID, Version: c.Version, OrganisationID: c.OrganisationID,
		ModuleTitle: c.ModuleTitle, ScorePercent: c.ScorePercent, PassedAt: c.PassedAt.UTC(), ValidUntil: c.ValidUntil.UTC()}
	if _, err := r.s.coll(collCompletions).InsertOne(ctx, d); err != nil {
		return fmt.Errorf("store: insert completion: %w", err)
	}
	return nil
}

// Completion returns errs.ErrNotFound for an unknown id.
func (r *Training) Completion(ctx context.Context, id string) (training.Completion, error) {
	d, err := findOne[completionDoc](ctx, r.s, collCompletions, id)
	if err != nil {
		return training.Completion{}, err
	}
	return d.completion(), nil
}

// CompletionsOf lists the user's completions.
func (r *Training) CompletionsOf(ctx context.Context, userID string) ([]training.Completion, error) {
	docs, err := findAll[completionDoc](ctx, r.s, collCompletions, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	return completions(docs), nil
}

// CompletionsExpiring lists completions whose validity ends in [from, to).
func (r *Training) CompletionsExpiring(ctx context.Context, from, to time.Time) ([]training.Completion, error) {
	docs, err := findAll[completionDoc](ctx, r.s, collCompletions, bson.D{{Key: "validUntil", Value: bson.D{
		{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}}})
	if err != nil {
		return nil, err
	}
	return completions(docs), nil
}

type lessonDoneDoc struct {
	ID       string    `bson:"_id"`
	UserID   string    `bson:"userId"`
	ModuleID string    `bson:"moduleId"`
	Version  int       `bson:"version"`
	LessonID string    `bson:"lessonId"`
	At       time.Time `bson:"at"`
}

// InsertLessonDone records a finished lesson once; errs.ErrDuplicate when it was recorded.
func (r *Training) InsertLessonDone(ctx context.Context, l training.LessonDone) error {
	d := lessonDoneDoc{ID: l.Key(), UserID: l.UserID, ModuleID: l.ModuleID,
		Version: l.Version, LessonID: l.LessonID, At: l.At.UTC()}
	return insertOne(ctx, r.s, collLessonsDone, d)
}

// LessonsDone lists the lessons the user finished.
func (r *Training) LessonsDone(ctx context.Context, userID string) ([]training.LessonDone, error) {
	docs, err := findAll[lessonDoneDoc](ctx, r.s, collLessonsDone, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return nil, err
	}
	out := make([]training.LessonDone, len(docs))
	for i, d := range docs {
		out[i] = training.LessonDone{UserID: d.UserID, ModuleID: d.ModuleID, Version: d.Version, LessonID: d.LessonID, At: d.At}
	}
	return out, nil
}
