package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mitwirken/mitwirken/internal/training"
)

const (
	collModules        = "trainingModules"
	collModuleVersions = "trainingModuleVersions"
	collTrainingKeys   = "trainingKeys"
)

type lessonDoc struct {
	ID        string   `bson:"id"`
	Title     string   `bson:"title"`
	Body      string   `bson:"body"`
	MediaURLs []string `bson:"mediaUrls,omitempty"`
}

type questionDoc struct {
	ID      string   `bson:"id"`
	Prompt  string   `bson:"prompt"`
	Kind    string   `bson:"kind"`
	Choices []string `bson:"choices"`
	Correct []int    `bson:"correct"`
}

type moduleDoc struct {
	ID               string        `bson:"_id"`
	ModuleID         string        `bson:"moduleId"`
	OrganisationID   string        `bson:"organisationId"`
	ModuleVersion    int           `bson:"moduleVersion"`
	Status           string        `bson:"status"`
	Title            string        `bson:"title"`
	Summary          string        `bson:"summary,omitempty"`
	EasySummary      string        `bson:"easySummary,omitempty"`
	Languages        []string      `bson:"languages"`
	Lessons          []lessonDoc   `bson:"lessons"`
	Questions        []questionDoc `bson:"questions"`
	PassPercent      int           `bson:"passPercent"`
	ValidityMonths   int           `bson:"validityMonths"`
	EstimatedMinutes int           `bson:"estimatedMinutes"`
	CreatedBy        string        `bson:"createdBy"`
	CreatedAt        time.Time     `bson:"createdAt"`
	UpdatedAt        time.Time     `bson:"updatedAt"`
	PublishedAt      time.Time     `bson:"publishedAt,omitempty"`
	Revision         `bson:",inline"`
}

func moduleToDoc(m training.Module) moduleDoc {
	d := moduleDoc{ID: m.ID, ModuleID: m.ID, OrganisationID: m.OrganisationID, ModuleVersion: m.Version, Status: string(m.Status),
		Title: m.Title, Summary: m.Summary, EasySummary: m.EasySummary, Languages: nonNil(m.Languages),
		Lessons: make([]lessonDoc, len(m.Lessons)), Questions: make([]questionDoc, len(m.Questions)),
		PassPercent: m.PassPercent, ValidityMonths: m.ValidityMonths, EstimatedMinutes: m.EstimatedMinutes,
		CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(), PublishedAt: m.PublishedAt.UTC()}
	for i, l := range m.Lessons {
		d.Lessons[i] = lessonDoc{ID: l.ID, Title: l.Title, Body: l.Body, MediaURLs: l.MediaURLs}
	}
	for i, q := range m.Questions {
		d.Questions[i] = questionDoc{ID: q.ID, Prompt: q.Prompt, Kind: string(q.Kind), Choices: q.Choices, Correct: q.Correct}
	}
	return d
}

func (d *moduleDoc) module() training.Module {
	m := training.Module{ID: d.ModuleID, OrganisationID: d.OrganisationID, Version: d.ModuleVersion, Status: training.Status(d.Status),
		Title: d.Title, Summary: d.Summary, EasySummary: d.EasySummary, Languages: nonNil(d.Languages),
		Lessons: make([]training.Lesson, len(d.Lessons)), Questions: make([]training.Question, len(d.Questions)),
		PassPercent: d.PassPercent, ValidityMonths: d.ValidityMonths, EstimatedMinutes: d.EstimatedMinutes,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt}
	for i, l := range d.Lessons {
		m.Lessons[i] = training.Lesson{ID: l.ID, Title: l.Title, Body: l.Body, MediaURLs: nonNil(l.MediaURLs)}
	}
	for i, q := range d.Questions {
		m.Questions[i] = training.Question{ID: q.ID, Prompt: q.Prompt, Kind: training.QuestionKind(q.Kind), Choices: q.Choices, Correct: q.Correct}
	}
	return m
}

// Training is the repository of modules, quiz attempts, completions and lesson progress.
type Training struct{ s *Store }

// Training returns the training repository.
func (s *Store) Training() *Training { return &Training{s: s} }

var _ training.Repo = (*Training)(nil)

// NewID returns a fresh ID.
func (r *Training) NewID() string { return newID() }

// InsertModule stores a new module.
func (r *Training) InsertModule(ctx context.Context, m training.Module) error {
	if _, err := r.s.coll(collModules).InsertOne(ctx, moduleToDoc(m)); err != nil {
		return fmt.Errorf("store: insert module: %w", err)
	}
	return nil
}

// Module returns errs.ErrNotFound for an unknown id.
func (r *Training) Module(ctx context.Context, id string) (training.Module, error) {
	d, err := findOne[moduleDoc](ctx, r.s, collModules, id)
	if err != nil {
		return training.Module{}, err
	}
	return d.module(), nil
}

// Modules returns every module at its current version.
func (r *Training) Modules(ctx context.Context) ([]training.Module, error) {
	docs, err := findAll[moduleDoc](ctx, r.s, collModules, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make([]training.Module, len(docs))
	for i := range docs {
		out[i] = docs[i].module()
	}
	return out, nil
}

// UpdateModule applies change through the store's read-modify-write path.
func (r *Training) UpdateModule(ctx context.Context, id string, change func(*training.Module) error) (training.Module, error) {
	d, err := updateDoc(ctx, r.s, collModules, id, func(d *moduleDoc) error {
		m := d.module()
		if err := change(&m); err != nil {
			return err
		}
		next := moduleToDoc(m)
		*d = next
		return nil
	})
	if err != nil {
		return training.Module{}, err
	}
	return d.module(), nil
}

func versionID(moduleID string, version int) string { return moduleID + "@" + strconv.Itoa(version) }

// InsertVersion keeps a copy of a published version under "<module>@<version>"; a second copy
// of the same version fails with errs.ErrDuplicate.
func (r *Training) InsertVersion(ctx context.Context, m training.Module) error {
	d := moduleToDoc(m)
	d.ID = versionID(m.ID, m.Version)
	return insertOne(ctx, r.s, collModuleVersions, d)
}

// ModuleVersion returns a published version; errs.ErrNotFound if it was never published.
func (r *Training) ModuleVersion(ctx context.Context, id string, version int) (training.Module, error) {
	d, err := findOne[moduleDoc](ctx, r.s, collModuleVersions, versionID(id, version))
	if err != nil {
		return training.Module{}, err
	}
	return d.module(), nil
}

type keyDoc struct {
	ID   string `bson:"_id"`
	Seed []byte `bson:"seed"`
}

// CertificateKey returns the certificate signing key, creating it on first use. Of two
// processes creating it at once, the unique _id lets one win and the other read its key.
func (r *Training) CertificateKey(ctx context.Context) (ed25519.PrivateKey, error) {
	d, err := findOne[keyDoc](ctx, r.s, collTrainingKeys, "certificate")
	if err == nil && len(d.Seed) == ed25519.SeedSize {
		return ed25519.NewKeyFromSeed(d.Seed), nil
	}
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("store: certificate key: %w", err)
	}
	if _, err := r.s.coll(collTrainingKeys).InsertOne(ctx, keyDoc{ID: "certificate", Seed: seed}); err != nil {
		if isDuplicate(err) {
			return r.CertificateKey(ctx)
		}
		return nil, fmt.Errorf("store: certificate key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
