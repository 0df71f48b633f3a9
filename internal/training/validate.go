package training

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
)

// Limits of a module.
const (
	MaxTitleRunes     = 120
	MaxSummaryRunes   = 1000
	MaxLessons        = 50
	MaxLessonRunes    = 20000
	MaxMediaURLs      = 10
	MaxQuestions      = 50
	MaxPromptRunes    = 500
	MinChoices        = 2
	MaxChoices        = 10
	MaxChoiceRunes    = 200
	MaxLanguages      = 10
	MaxValidityMonths = 120
	MaxMinutes        = 600
	DefaultPassPct    = 80
	DefaultMinutes    = 15
)

// ModuleInput describes a module; in an update, nil fields stay as they are. Lessons and
// questions are replaced as a whole.
type ModuleInput struct {
	OrganisationID   string
	Title            *string
	Summary          *string
	EasySummary      *string
	Languages        *[]string
	Lessons          *[]LessonInput
	Questions        *[]QuestionInput
	PassPercent      *int
	ValidityMonths   *int
	EstimatedMinutes *int
}

// LessonInput is one lesson as typed.
type LessonInput struct {
	Title     string
	Body      string
	MediaURLs []string
}

// QuestionInput is one question as typed; Kind empty means single choice when one choice is
// correct and multiple choice otherwise.
type QuestionInput struct {
	Prompt  string
	Kind    QuestionKind
	Choices []string
	Correct []int
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}$`)

// apply validates in and writes it into m; newID names new lessons and questions.
func (in ModuleInput) apply(m *Module, newID func() string) error {
	var err error
	if in.Title != nil {
		if m.Title, err = input.Text("input.title", *in.Title, 3, MaxTitleRunes); err != nil {
			return err
		}
	}
	if in.Summary != nil {
		if m.Summary, err = input.Text("input.summary", *in.Summary, 0, MaxSummaryRunes); err != nil {
			return err
		}
	}
	if in.EasySummary != nil {
		if m.EasySummary, err = input.Text("input.easyLanguageSummary", *in.EasySummary, 0, MaxSummaryRunes); err != nil {
			return err
		}
	}
	if in.Languages != nil {
		if m.Languages, err = cleanLanguages("input.languages", *in.Languages); err != nil {
			return err
		}
	}
	if in.Lessons != nil {
		if m.Lessons, err = cleanLessons("input.lessons", *in.Lessons, newID); err != nil {
			return err
		}
	}
	if in.Questions != nil {
		if m.Questions, err = cleanQuestions("input.questions", *in.Questions, newID); err != nil {
			return err
		}
	}
	if in.PassPercent != nil {
		if p := *in.PassPercent; p < 1 || p > 100 {
			return errs.InvalidField("input.passPercent", "the pass mark is a percentage from 1 to 100")
		}
		m.PassPercent = *in.PassPercent
	}
	if in.ValidityMonths != nil {
		if v := *in.ValidityMonths; v < 0 || v > MaxValidityMonths {
			return errs.InvalidField("input.validityMonths", "validity is 0 (without end) to %d months", MaxValidityMonths)
		}
		m.ValidityMonths = *in.ValidityMonths
	}
	if in.EstimatedMinutes != nil {
		if v := *in.EstimatedMinutes; v < 1 || v > MaxMinutes {
			return errs.InvalidField("input.estimatedMinutes", "estimated time is 1 to %d minutes", MaxMinutes)
		}
		m.EstimatedMinutes = *in.EstimatedMinutes
	}
	if len(m.Questions) == 0 {
		return errs.InvalidField("input.questions", "a module needs a quiz with at least one question")
	}
	return nil
}

func cleanLanguages(field string, raw []string) ([]string, error) {
	if len(raw) > MaxLanguages {
		return nil, errs.InvalidField(field, "at most %d languages", MaxLanguages)
	}
	out := make([]string, 0, len(raw))
	for i, l := range raw {
		l = strings.ToLower(strings.TrimSpace(l))
		if !languagePattern.MatchString(l) {
			return nil, errs.InvalidField(fmt.Sprintf("%s.%d", field, i), "use a language code such as de or en")
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

func cleanLessons(field string, raw []LessonInput, newID func() string) ([]Lesson, error) {
	if len(raw) > MaxLessons {
		return nil, errs.InvalidField(field, "at most %d lessons", MaxLessons)
	}
	out := make([]Lesson, len(raw))
	for i, l := range raw {
		f := fmt.Sprintf("%s.%d", field, i)
		title, err := input.Text(f+".title", l.Title, 1, MaxTitleRunes)
		if err != nil {
			return nil, err
		}
		body, err := input.Text(f+".body", l.Body, 1, MaxLessonRunes)
		if err != nil {
			return nil, err
		}
		if len(l.MediaURLs) > MaxMediaURLs {
			return nil, errs.InvalidField(f+".mediaUrls", "at most %d links", MaxMediaURLs)
		}
		media := make([]string, len(l.MediaURLs))
		for j, u := range l.MediaURLs {
			p, err := url.Parse(strings.TrimSpace(u))
			if err != nil || p.Scheme != "https" || p.Host == "" || p.User != nil || len(u) > 2000 {
				return nil, errs.InvalidField(fmt.Sprintf("%s.mediaUrls.%d", f, j), "must be an https:// address")
			}
			media[j] = p.String()
		}
		out[i] = Lesson{ID: newID(), Title: title, Body: body, MediaURLs: media}
	}
	return out, nil
}

func cleanQuestions(field string, raw []QuestionInput, newID func() string) ([]Question, error) {
	if len(raw) == 0 {
		return nil, errs.InvalidField(field, "a module needs a quiz with at least one question")
	}
	if len(raw) > MaxQuestions {
		return nil, errs.InvalidField(field, "at most %d questions", MaxQuestions)
	}
	out := make([]Question, len(raw))
	for i, q := range raw {
		f := fmt.Sprintf("%s.%d", field, i)
		prompt, err := input.Text(f+".prompt", q.Prompt, 1, MaxPromptRunes)
		if err != nil {
			return nil, err
		}
		if len(q.Choices) < MinChoices || len(q.Choices) > MaxChoices {
			return nil, errs.InvalidField(f+".choices", "a question has %d to %d choices", MinChoices, MaxChoices)
		}
		choices := make([]string, len(q.Choices))
		for j, c := range q.Choices {
			if choices[j], err = input.Text(fmt.Sprintf("%s.choices.%d", f, j), c, 1, MaxChoiceRunes); err != nil {
				return nil, err
			}
			if slices.Contains(choices[:j], choices[j]) {
				return nil, errs.InvalidField(fmt.Sprintf("%s.choices.%d", f, j), "this choice is listed twice")
			}
		}
		correct, err := cleanChoices(f+".correctChoices", q.Correct, len(choices))
		if err != nil {
			return nil, err
		}
		if len(correct) == 0 {
			return nil, errs.InvalidField(f+".correctChoices", "mark at least one choice as correct")
		}
		kind := q.Kind
		switch {
		case kind == "" && len(correct) == 1:
			kind = SingleChoice
		case kind == "":
			kind = MultipleChoice
		case kind != SingleChoice && kind != MultipleChoice:
			return nil, errs.InvalidField(f+".kind", "unknown question kind")
		}
		if kind == SingleChoice && len(correct) != 1 {
			return nil, errs.InvalidField(f+".correctChoices", "a single-choice question has exactly one correct choice")
		}
		out[i] = Question{ID: newID(), Prompt: prompt, Kind: kind, Choices: choices, Correct: correct}
	}
	return out, nil
}

// cleanChoices checks choice indexes: in range, each once; it returns them ascending.
func cleanChoices(field string, raw []int, n int) ([]int, error) {
	out := make([]int, 0, len(raw))
	for _, c := range raw {
		if c < 0 || c >= n {
			return nil, errs.InvalidField(field, "choice %d does not exist; choices are numbered from 0 to %d", c, n-1)
		}
		if slices.Contains(out, c) {
			return nil, errs.InvalidField(field, "choice %d is given twice", c)
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}
