package training

import (
	"context"
	"slices"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// exported is a person's training records in their data export.
type exported struct {
	Completions []exportedCompletion `json:"completions"`
	Credentials []exportedCredential `json:"credentials"`
	LessonsRead []exportedLesson     `json:"lessonsRead"`
	Attempts    []exportedAttempt    `json:"quizAttempts"`
}

type exportedAttempt struct {
	ID           string    `json:"id"`
	ModuleID     string    `json:"moduleId"`
	Version      int       `json:"version"`
	At           time.Time `json:"at"`
	ScorePercent float64   `json:"scorePercent"`
	Passed       bool      `json:"passed"`
}

type exportedCompletion struct {
	ID           string    `json:"id"`
	ModuleID     string    `json:"moduleId"`
	ModuleTitle  string    `json:"moduleTitle"`
	Version      int       `json:"version"`
	ScorePercent float64   `json:"scorePercent"`
	PassedAt     time.Time `json:"passedAt"`
	ValidUntil   time.Time `json:"validUntil,omitzero"`
}

type exportedCredential struct {
	ID             string    `json:"id"`
	OrganisationID string    `json:"organisationId"`
	Kind           string    `json:"kind"`
	DocumentDate   string    `json:"documentDate"`
	SeenDate       string    `json:"seenDate"`
	ValidUntil     string    `json:"validUntil,omitempty"`
	VerifiedBy     string    `json:"verifiedBy"`
	RecordedAt     time.Time `json:"recordedAt"`
}

type exportedLesson struct {
	ID       string    `json:"id"`
	ModuleID string    `json:"moduleId"`
	LessonID string    `json:"lessonId"`
	At       time.Time `json:"at"`
}

// ExportOf returns what the service holds about a person, for their data export (quiz
// attempts are kept two days only, to count the day's attempts).
func (s *Service) ExportOf(ctx context.Context, userID string) (any, error) {
	s.people.forget(userID)
	h, err := s.holding(ctx, userID)
	if err != nil {
		return nil, err
	}
	attempts, err := s.repo.AttemptsOf(ctx, userID)
	if err != nil {
		return nil, errs.Wrap("training: export attempts", err)
	}
	out := exported{Completions: []exportedCompletion{}, Credentials: []exportedCredential{}, LessonsRead: []exportedLesson{},
		Attempts: []exportedAttempt{}}
	for _, a := range attempts {
		out.Attempts = append(out.Attempts, exportedAttempt{ID: a.Key(), ModuleID: a.ModuleID, Version: a.Version, At: a.At,
			ScorePercent: a.ScorePercent, Passed: a.Passed})
	}
	for _, c := range h.completions {
		out.Completions = append(out.Completions, exportedCompletion{ID: c.ID, ModuleID: c.ModuleID, ModuleTitle: c.ModuleTitle,
			Version: c.Version, ScorePercent: c.ScorePercent, PassedAt: c.PassedAt, ValidUntil: c.ValidUntil})
	}
	for _, c := range h.credentials {
		out.Credentials = append(out.Credentials, exportedCredential{ID: c.ID, OrganisationID: c.OrganisationID, Kind: c.Kind,
			DocumentDate: c.DocumentDate.String(), SeenDate: c.SeenDate.String(), ValidUntil: c.ValidUntil.String(),
			VerifiedBy: c.VerifiedBy, RecordedAt: c.RecordedAt})
	}
	for _, l := range h.lessons {
		out.LessonsRead = append(out.LessonsRead, exportedLesson{ID: l.Key(), ModuleID: l.ModuleID, LessonID: l.LessonID, At: l.At})
	}
	return out, nil
}

// Erase deletes a person's training records and puts the pseudonym where they verified a
// credential or wrote a module. It is safe to run again.
func (s *Service) Erase(ctx context.Context, userID, pseudonym string) error {
	if err := s.repo.EraseUser(ctx, userID, pseudonym); err != nil {
		return errs.Wrap("training: erase", err)
	}
	s.people.forget(userID)
	if s.modules != nil {
		for _, m := range s.modules.all() {
			if m.CreatedBy == userID {
				fresh, err := s.repo.Module(ctx, m.ID)
				if err != nil {
					return errs.Wrap("training: erase", err)
				}
				s.modules.put(fresh)
			}
		}
	}
	// Holdings of others that name the person as verifier are read again.
	s.people.mu.Lock()
	for id, h := range s.people.m {
		if slices.ContainsFunc(h.credentials, func(c Credential) bool { return c.VerifiedBy == userID }) {
			delete(s.people.m, id)
		}
	}
	s.people.mu.Unlock()
	return nil
}
