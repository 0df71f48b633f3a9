package graph

import (
	"context"

	"github.com/mitwirken/mitwirken/graph/model"
	"github.com/mitwirken/mitwirken/internal/replay"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/training"
)

func createModuleInput(in model.CreateTrainingModuleInput) training.ModuleInput {
	return training.ModuleInput{OrganisationID: in.OrganisationID, Title: &in.Title, Summary: in.Summary,
		EasySummary: in.EasyLanguageSummary, Languages: optionalList(in.Languages), Lessons: lessonInputs(in.Lessons),
		Questions: questionInputs(in.Questions), PassPercent: in.PassPercent, ValidityMonths: in.ValidityMonths,
		EstimatedMinutes: in.EstimatedMinutes}
}

func updateModuleInput(in model.UpdateTrainingModuleInput) training.ModuleInput {
	return training.ModuleInput{Title: in.Title, Summary: in.Summary, EasySummary: in.EasyLanguageSummary,
		Languages: optionalList(in.Languages), Lessons: lessonInputs(in.Lessons), Questions: questionInputs(in.Questions),
		PassPercent: in.PassPercent, ValidityMonths: in.ValidityMonths, EstimatedMinutes: in.EstimatedMinutes}
}

// lessonInputs keeps "not given" (nil) apart from "given empty".
func lessonInputs(in []*model.LessonInput) *[]training.LessonInput {
	if in == nil {
		return nil
	}
	out := make([]training.LessonInput, len(in))
	for i, l := range in {
		out[i] = training.LessonInput{Title: l.Title, Body: l.Body, MediaURLs: l.MediaUrls}
	}
	return &out
}

func questionInputs(in []*model.QuestionInput) *[]training.QuestionInput {
	if in == nil {
		return nil
	}
	out := make([]training.QuestionInput, len(in))
	for i, q := range in {
		out[i] = training.QuestionInput{Prompt: q.Prompt, Kind: deref(q.Kind), Choices: q.Choices, Correct: q.CorrectChoices}
	}
	return &out
}

func quizAnswers(in []*model.QuizAnswerInput) []training.Answer {
	out := make([]training.Answer, len(in))
	for i, a := range in {
		out[i] = training.Answer{QuestionID: a.QuestionID, Choices: a.Choices}
	}
	return out
}

func credentialInput(in model.RecordCredentialInput) training.CredentialInput {
	out := training.CredentialInput{OrganisationID: in.OrganisationID, VolunteerID: deref(in.VolunteerID), Email: deref(in.Email),
		Kind: in.Kind, DocumentDate: in.DocumentDate.String()}
	if in.SeenDate != nil {
		out.SeenDate = in.SeenDate.String()
	}
	if in.ValidUntil != nil {
		out.ValidUntil = in.ValidUntil.String()
	}
	return out
}

// calendarDay converts a day to the API's Date; nil for no day.
func calendarDay(d training.Date) *stats.Date {
	if d.IsZero() {
		return nil
	}
	y, m, day := d.Time().Date()
	return &stats.Date{Year: y, Month: m, Day: day}
}

func modulePayload(m training.Module, err error) (*model.TrainingModulePayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.TrainingModulePayload{Module: &m}, nil
}

func credentialPayload(c training.Credential, err error) (*model.CredentialPayload, error) {
	if err != nil {
		return nil, err
	}
	return &model.CredentialPayload{Credential: &c}, nil
}

func quizResult(r training.Result, err error) (*model.QuizResultPayload, error) {
	if err != nil {
		return nil, err
	}
	wrong := r.Wrong
	if wrong == nil {
		wrong = []string{}
	}
	return &model.QuizResultPayload{Passed: r.Passed, ScorePercent: r.ScorePercent, WrongQuestionIds: wrong, Version: r.Version,
		AttemptsLeftToday: r.AttemptsLeft, Completion: r.Completion}, nil
}

// pageArgs checks first and after of a connection.
func pageArgs(kind string, first *int, after *string) (int, string, error) {
	n, err := pageSize(first)
	if err != nil {
		return 0, "", err
	}
	cursor, err := decodeCursor(kind, after)
	return n, cursor, err
}

func moduleConnection(p training.Page, err error) (*model.TrainingModuleConnection, error) {
	if err != nil {
		return nil, err
	}
	c := &model.TrainingModuleConnection{Edges: make([]*model.TrainingModuleEdge, len(p.Items)), TotalCount: p.Total}
	last := ""
	for i, m := range p.Items {
		last = encodeCursor("module", m.ID)
		c.Edges[i] = &model.TrainingModuleEdge{Cursor: last, Node: m}
	}
	c.PageInfo = pageInfo(p.HasNext, last)
	return c, nil
}

func moduleMatches(list []training.Match, err error) ([]*model.TrainingModuleMatch, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*model.TrainingModuleMatch, len(list))
	for i, m := range list {
		out[i] = &model.TrainingModuleMatch{Module: m.Module, Score: m.Score, Reasons: m.Reasons, UnlocksCount: m.Unlocks}
	}
	return out, nil
}

// quizQuestions shows the correct choices only when reveal is set.
func quizQuestions(qs []training.Question, reveal bool) []*model.QuizQuestion {
	out := make([]*model.QuizQuestion, len(qs))
	for i, q := range qs {
		out[i] = &model.QuizQuestion{ID: q.ID, Prompt: q.Prompt, Kind: q.Kind, Choices: q.Choices}
		if reveal {
			out[i].CorrectChoices = q.Correct
		}
	}
	return out
}

func progress(m training.Module) func(training.Progress, error) (*model.TrainingProgress, error) {
	return func(p training.Progress, err error) (*model.TrainingProgress, error) {
		if err != nil {
			return nil, err
		}
		done := p.LessonsDone
		if done == nil {
			done = []string{}
		}
		return &model.TrainingProgress{LessonsCompleted: done, LessonsTotal: len(m.Lessons), Passed: p.Valid,
			Completion: p.Completion, AttemptsLeftToday: p.AttemptsLeft}, nil
	}
}

// credentialHolder shows the volunteer to themself and to the organisation's staff, the only
// people who can read a credential.
func credentialHolder(ctx context.Context, c *training.Credential) (*model.Volunteer, error) {
	u, err := load(ctx, loadersFrom(ctx).users, c.UserID)
	if err != nil {
		return nil, err
	}
	return &model.Volunteer{DisplayName: u.DisplayName, Email: &u.Email}, nil
}

// submitQuizOnce grades a submission at most once per idempotency key: a quiz sent again by an
// app back online must not use another of the day's attempts. A repeat returns the first result.
func (r *mutationResolver) submitQuizOnce(ctx context.Context, key *string, moduleID string, version int, answers []training.Answer) (training.Result, error) {
	return replay.Do(ctx, r.Svc.Replays, viewer(ctx), deref(key), "submitQuiz:"+moduleID,
		func() (training.Result, string, error) {
			res, err := r.Svc.Training.SubmitQuiz(ctx, viewer(ctx), moduleID, version, answers)
			return res, res.AttemptID, err
		},
		func(id string) (training.Result, error) { return r.Svc.Training.Attempt(ctx, viewer(ctx), id) })
}
