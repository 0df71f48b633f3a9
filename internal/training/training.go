// Package training holds the short trainings volunteers take before some tasks (data
// protection, first contact with people in crisis, child protection) and the credentials
// coordinators verify (such as the extended certificate of conduct): what a volunteer holds,
// until when, and what an opportunity therefore still needs from them.
//
// A module is versioned: editing a published module publishes a new version, and a completion
// keeps the version it passed. Quiz attempts are limited per day by unique keys in the store
// (attempt n of a user, module and day), so the limit holds on any backend and under
// concurrency. Credentials hold dates only, never the document.
package training

import (
	"context"
	"crypto/ed25519"
	"strconv"
	"time"
)

// Status is the lifecycle of a module: DRAFT → PUBLISHED → ARCHIVED.
type Status string

const (
	StatusDraft     Status = "DRAFT"
	StatusPublished Status = "PUBLISHED"
	StatusArchived  Status = "ARCHIVED"
)

// QuestionKind says how many choices a question accepts.
type QuestionKind string

const (
	SingleChoice   QuestionKind = "SINGLE_CHOICE"
	MultipleChoice QuestionKind = "MULTIPLE_CHOICE"
)

// Lesson is one step of a module, read in order.
type Lesson struct {
	ID    string
	Title string
	// Body is Markdown.
	Body      string
	MediaURLs []string
}

// Question is a quiz question. Correct is never shown to a volunteer before they pass.
type Question struct {
	ID      string
	Prompt  string
	Kind    QuestionKind
	Choices []string
	// Correct are the indexes of the right choices, ascending.
	Correct []int
}

// Module is a training module at its current version.
type Module struct {
	ID             string
	OrganisationID string
	// Version counts published versions from 1; a draft has version 1 until it is published.
	Version          int
	Status           Status
	Title            string
	Summary          string
	EasySummary      string
	Languages        []string
	Lessons          []Lesson
	Questions        []Question
	PassPercent      int
	ValidityMonths   int // zero: valid without end
	EstimatedMinutes int
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	PublishedAt      time.Time
}

// Question returns the question with the ID.
func (m Module) Question(id string) (Question, bool) {
	for _, q := range m.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// Completion is a passed quiz: the module version passed, and until when it counts.
type Completion struct {
	ID       string
	UserID   string
	ModuleID string
	Version  int
	// OrganisationID is the module's organisation, for reminders to its coordinators.
	OrganisationID string
	ModuleTitle    string
	ScorePercent   float64
	PassedAt       time.Time
	// ValidUntil is zero for a module valid without end.
	ValidUntil time.Time
}

// ValidAt reports whether the completion counts at t.
func (c Completion) ValidAt(t time.Time) bool {
	return !t.Before(c.PassedAt) && (c.ValidUntil.IsZero() || t.Before(c.ValidUntil))
}

// Attempt is one quiz submission. Its Number (1..MaxAttemptsPerDay) is unique per user,
// module and Day, which is what limits the attempts.
type Attempt struct {
	UserID       string
	ModuleID     string
	Version      int
	Day          string // YYYY-MM-DD in Europe/Berlin
	Number       int
	At           time.Time
	ScorePercent float64
	Passed       bool
	Wrong        []string
}

// Key identifies the attempt: its number is unique per user, module and day.
func (a Attempt) Key() string {
	return a.UserID + "|" + a.ModuleID + "|" + a.Day + "#" + strconv.Itoa(a.Number)
}

// LessonDone records that a volunteer finished a lesson of a module version.
type LessonDone struct {
	UserID   string
	ModuleID string
	Version  int
	LessonID string
	At       time.Time
}

// Key identifies the record: a lesson is read once per user.
func (d LessonDone) Key() string { return d.UserID + "|" + d.ModuleID + "|" + d.LessonID }

// Repo is the storage of modules, attempts, completions and lesson progress. Inserts fail
// with errs.ErrDuplicate when a unique key is taken.
type Repo interface {
	NewID() string
	InsertModule(ctx context.Context, m Module) error
	Module(ctx context.Context, id string) (Module, error)
	Modules(ctx context.Context) ([]Module, error)
	UpdateModule(ctx context.Context, id string, change func(*Module) error) (Module, error)
	// InsertVersion keeps an immutable copy of a published version.
	InsertVersion(ctx context.Context, m Module) error
	ModuleVersion(ctx context.Context, id string, version int) (Module, error)

	InsertAttempt(ctx context.Context, a Attempt) error
	// Attempts counts the attempts of a user at a module on a day.
	Attempts(ctx context.Context, userID, moduleID, day string) (int, error)
	// AttemptsOf lists a user's attempts (those not pruned yet).
	AttemptsOf(ctx context.Context, userID string) ([]Attempt, error)
	// PruneAttempts deletes attempts made before t; they only limit the day they were made.
	PruneAttempts(ctx context.Context, before time.Time) (int64, error)

	InsertCompletion(ctx context.Context, c Completion) error
	Completion(ctx context.Context, id string) (Completion, error)
	CompletionsOf(ctx context.Context, userID string) ([]Completion, error)
	// CompletionsExpiring lists completions whose validity ends in [from, to).
	CompletionsExpiring(ctx context.Context, from, to time.Time) ([]Completion, error)

	InsertLessonDone(ctx context.Context, d LessonDone) error
	LessonsDone(ctx context.Context, userID string) ([]LessonDone, error)

	// EraseUser deletes the person's attempts, completions, lesson progress and credentials,
	// and replaces them by the pseudonym as verifier of credentials and author of modules.
	EraseUser(ctx context.Context, userID, pseudonym string) error

	// CertificateKey returns the key that signs certificates, creating it on first use; every
	// process sharing the store gets the same key.
	CertificateKey(ctx context.Context) (ed25519.PrivateKey, error)
}
