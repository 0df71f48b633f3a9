package training

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/engagement"
	"github.com/mitwirken/mitwirken/internal/errs"
)

// Answer is the choices a volunteer marked for one question.
type Answer struct {
	QuestionID string
	Choices    []int
}

// Result is a graded quiz.
type Result struct {
	Passed       bool
	ScorePercent float64
	// Wrong are the IDs of the questions answered wrongly or not at all, in quiz order.
	Wrong   []string
	Version int
	// Completion is set when the quiz was passed.
	Completion *Completion
	// AttemptsLeft today, after this one.
	AttemptsLeft int
	// AttemptID names the graded attempt (see Service.Attempt).
	AttemptID string
}

// checkAnswers refuses answers that do not fit the quiz: unknown or repeated questions,
// choices that do not exist, several choices for a single-choice question.
func checkAnswers(m Module, answers []Answer) error {
	if len(answers) == 0 {
		return errs.InvalidField("answers", "answer at least one question")
	}
	seen := make(map[string]bool, len(answers))
	for i, a := range answers {
		f := fmt.Sprintf("answers.%d", i)
		q, ok := m.Question(a.QuestionID)
		if !ok {
			return errs.InvalidField(f+".questionId", "this question is not part of the module's current version")
		}
		if seen[a.QuestionID] {
			return errs.InvalidField(f+".questionId", "this question is answered twice")
		}
		seen[a.QuestionID] = true
		if _, err := cleanChoices(f+".choices", a.Choices, len(q.Choices)); err != nil {
			return err
		}
		if q.Kind == SingleChoice && len(a.Choices) > 1 {
			return errs.InvalidField(f+".choices", "choose one answer for this question")
		}
	}
	return nil
}

// Grade scores checked answers: a question counts when exactly its correct choices are
// marked. The score is a percentage with one decimal.
func Grade(m Module, answers []Answer) (score float64, wrong []string) {
	given := make(map[string][]int, len(answers))
	for _, a := range answers {
		c := slices.Clone(a.Choices)
		slices.Sort(c)
		given[a.QuestionID] = c
	}
	right := 0
	for _, q := range m.Questions {
		if slices.Equal(given[q.ID], q.Correct) {
			right++
		} else {
			wrong = append(wrong, q.ID)
		}
	}
	if len(m.Questions) == 0 {
		return 0, wrong
	}
	return math.Round(float64(right)*1000/float64(len(m.Questions))) / 10, wrong
}

// SubmitQuiz grades the actor's answers to the module's current version (version, if not
// zero, must be it). Each submission uses one of the day's attempts; passing records a
// completion valid for the module's validity period.
func (s *Service) SubmitQuiz(ctx context.Context, actor auth.Actor, moduleID string, version int, answers []Answer) (Result, error) {
	if !actor.Authenticated() {
		return Result{}, errSignIn
	}
	m, err := s.module(ctx, moduleID)
	if err != nil {
		return Result{}, err
	}
	if m.Status != StatusPublished {
		return Result{}, &errs.Error{Kind: errs.Invalid, Field: "moduleId", Msg: "this module is not open for quizzes"}
	}
	if version != 0 && version != m.Version {
		return Result{}, errs.InvalidField("version", "the module has changed (version %d is current); reload it and answer again", m.Version)
	}
	if err := checkAnswers(m, answers); err != nil {
		return Result{}, err
	}
	score, wrong := Grade(m, answers)
	now := s.now()
	a := Attempt{UserID: actor.UserID, ModuleID: m.ID, Version: m.Version, Day: DateOf(now).String(), At: now,
		ScorePercent: score, Passed: score >= float64(m.PassPercent), Wrong: wrong}
	if err := s.claimAttempt(ctx, &a); err != nil {
		return Result{}, err
	}
	res := Result{Passed: a.Passed, ScorePercent: score, Wrong: wrong, Version: m.Version,
		AttemptsLeft: s.cfg.MaxAttemptsPerDay - a.Number, AttemptID: a.Key()}
	if !a.Passed {
		return res, nil
	}
	c := Completion{ID: s.repo.NewID(), UserID: actor.UserID, ModuleID: m.ID, Version: m.Version,
		OrganisationID: m.OrganisationID, ModuleTitle: m.Title, ScorePercent: score, PassedAt: now}
	if m.ValidityMonths > 0 {
		c.ValidUntil = now.AddDate(0, m.ValidityMonths, 0)
	}
	if err := s.repo.InsertCompletion(ctx, c); err != nil {
		return Result{}, errs.Wrap("training: record completion", err)
	}
	s.people.forget(actor.UserID)
	if s.events != nil { // nil in the worker, which grades nothing
		s.events.Record(ctx, engagement.Event{Kind: engagement.ModuleCompleted, At: now, UserID: actor.UserID,
			OrganisationID: m.OrganisationID, ModuleID: m.ID})
	}
	res.Completion = &c
	return res, nil
}

// claimAttempt takes the lowest free attempt number of the day. The numbers are unique in the
// store, so of concurrent submissions at most MaxAttemptsPerDay succeed, on any backend.
func (s *Service) claimAttempt(ctx context.Context, a *Attempt) error {
	key := a.UserID + "|" + a.ModuleID + "|" + a.Day
	s.attemptsMu.Lock()
	n := s.attempts[key] + 1
	s.attemptsMu.Unlock()
	for ; n <= s.cfg.MaxAttemptsPerDay; n++ {
		a.Number = n
		err := s.repo.InsertAttempt(ctx, *a)
		if errors.Is(err, errs.ErrDuplicate) {
			continue
		}
		if err != nil {
			return errs.Wrap("training: record attempt", err)
		}
		s.noteAttempts(key, n)
		return nil
	}
	s.noteAttempts(key, s.cfg.MaxAttemptsPerDay)
	tomorrow := DateOf(a.At).End()
	return &errs.Error{Kind: errs.RateLimited, Field: "moduleId", RetryAfter: tomorrow.Sub(a.At),
		Msg: fmt.Sprintf("you have used today's %d attempts at this quiz; try again tomorrow", s.cfg.MaxAttemptsPerDay)}
}

// noteAttempts remembers that n attempt numbers of the key are taken (zero included: a
// count of none read from the store need not be read again).
func (s *Service) noteAttempts(key string, n int) {
	s.attemptsMu.Lock()
	defer s.attemptsMu.Unlock()
	if len(s.attempts) > maxRemembered {
		// Keys end with their day: yesterday's are of no more use.
		today := DateOf(s.now()).String()
		for k := range s.attempts {
			if !strings.HasSuffix(k, today) {
				delete(s.attempts, k)
			}
		}
	}
	if old, ok := s.attempts[key]; !ok || n > old {
		s.attempts[key] = n
	}
}

// maxRemembered bounds the remembered attempt counts before past days are dropped.
const maxRemembered = 50000

// Progress is a volunteer's state in a module.
type Progress struct {
	// LessonsDone are the IDs of the current version's lessons the volunteer finished.
	LessonsDone []string
	// Completion is the completion that counts now, or else the latest one.
	Completion *Completion
	// Valid: Completion counts now.
	Valid        bool
	AttemptsLeft int
}

// Progress returns the actor's progress in a module.
func (s *Service) Progress(ctx context.Context, actor auth.Actor, m Module) (Progress, error) {
	if !actor.Authenticated() {
		return Progress{}, errSignIn
	}
	h, err := s.holding(ctx, actor.UserID)
	if err != nil {
		return Progress{}, err
	}
	now := s.now()
	var p Progress
	for _, l := range m.Lessons {
		for _, d := range h.lessons {
			if d.ModuleID == m.ID && d.LessonID == l.ID {
				p.LessonsDone = append(p.LessonsDone, l.ID)
				break
			}
		}
	}
	if c, ok := h.best(m.ID, now); ok {
		p.Completion, p.Valid = &c, true
	} else if c, ok := h.latest(m.ID); ok {
		p.Completion = &c
	}
	used, err := s.attemptsToday(ctx, actor.UserID, m.ID, now)
	if err != nil {
		return Progress{}, err
	}
	p.AttemptsLeft = max(s.cfg.MaxAttemptsPerDay-used, 0)
	return p, nil
}

func (s *Service) attemptsToday(ctx context.Context, userID, moduleID string, now time.Time) (int, error) {
	day := DateOf(now).String()
	key := userID + "|" + moduleID + "|" + day
	if s.cfg.Exclusive {
		// As the only writer this process has seen every attempt since it started; earlier
		// ones are read once.
		s.attemptsMu.Lock()
		n, ok := s.attempts[key]
		s.attemptsMu.Unlock()
		if ok {
			return n, nil
		}
	}
	n, err := s.repo.Attempts(ctx, userID, moduleID, day)
	if err != nil {
		return 0, errs.Wrap("training: attempts", err)
	}
	if s.cfg.Exclusive {
		s.noteAttempts(key, n)
	}
	return n, nil
}

// CompleteLesson marks a lesson of the module's current version as read; marking it again
// changes nothing.
func (s *Service) CompleteLesson(ctx context.Context, actor auth.Actor, moduleID, lessonID string) (Module, Progress, error) {
	if !actor.Authenticated() {
		return Module{}, Progress{}, errSignIn
	}
	m, err := s.Get(ctx, actor, moduleID)
	if err != nil {
		return Module{}, Progress{}, err
	}
	if !slices.ContainsFunc(m.Lessons, func(l Lesson) bool { return l.ID == lessonID }) {
		return Module{}, Progress{}, errs.InvalidField("lessonId", "this lesson is not part of the module's current version")
	}
	err = s.repo.InsertLessonDone(ctx, LessonDone{UserID: actor.UserID, ModuleID: m.ID, Version: m.Version, LessonID: lessonID, At: s.now()})
	if err != nil && !errors.Is(err, errs.ErrDuplicate) {
		return Module{}, Progress{}, errs.Wrap("training: lesson done", err)
	}
	s.people.forget(actor.UserID)
	p, err := s.Progress(ctx, actor, m)
	return m, p, err
}

// Attempt returns the result of one of the caller's graded attempts, as SubmitQuiz returned
// it, for an app that sends the same submission again after being offline. Attempts are kept
// for two days.
func (s *Service) Attempt(ctx context.Context, actor auth.Actor, attemptID string) (Result, error) {
	if !actor.Authenticated() {
		return Result{}, errSignIn
	}
	attempts, err := s.repo.AttemptsOf(ctx, actor.UserID)
	if err != nil {
		return Result{}, errs.Wrap("training: attempts", err)
	}
	i := slices.IndexFunc(attempts, func(a Attempt) bool { return a.Key() == attemptID })
	if i < 0 {
		return Result{}, errs.ErrNotFound
	}
	a := attempts[i]
	res := Result{Passed: a.Passed, ScorePercent: a.ScorePercent, Wrong: a.Wrong, Version: a.Version,
		AttemptsLeft: s.cfg.MaxAttemptsPerDay - a.Number, AttemptID: a.Key()}
	if !a.Passed {
		return res, nil
	}
	completions, err := s.repo.CompletionsOf(ctx, actor.UserID)
	if err != nil {
		return Result{}, errs.Wrap("training: completions", err)
	}
	for i := range completions {
		if c := completions[i]; c.ModuleID == a.ModuleID && c.Version == a.Version && c.PassedAt.Equal(a.At) {
			res.Completion = &c
		}
	}
	return res, nil
}
