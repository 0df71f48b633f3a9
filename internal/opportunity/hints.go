package opportunity

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

// Warning is advice about an input that does not stop it, such as wording that may exclude
// people for reasons unrelated to the task.
type Warning struct {
	Code  string
	Field string
	// Term is the text that triggered the warning.
	Term string
	// ground is the key of the explanation and the neutral alternative.
	ground string
}

// Message explains the warning in German or English, with a neutral alternative.
func (w Warning) Message(german bool) string {
	g, ok := grounds[w.ground]
	if !ok {
		return w.Code
	}
	if german {
		return fmt.Sprintf("%s („%s“). Stattdessen etwa: %s.", g.de, w.Term, g.altDE)
	}
	return fmt.Sprintf(`%s ("%s"). Instead, for example: %s.`, g.en, w.Term, g.altEN)
}

// Codes of warnings. A legally required minimum age is not a risk, but it is explained.
const (
	codeRiskPrefix   = "DISCRIMINATION_RISK_"
	codeMinimumAge   = "LEGAL_MINIMUM_AGE"
	groundMinimumAge = "MINIMUM_AGE"
)

type ground struct {
	de, en, altDE, altEN string
}

type rule struct {
	ground  string
	pattern *regexp.Regexp
}

// hints.tsv lists the phrasings by ground (age, gender, origin and nationality, native
// language, religion, disability and health, sexual orientation: the grounds of AGG § 1) in
// German and English. It is data so that wording can be added without touching code.
//
//go:embed hints.tsv
var hintData string

var grounds, rules = parseHints(hintData)

// parseHints reads the term list. Patterns match whole words: a letter or digit may not touch
// either end (RE2's \b knows only ASCII letters, which would split "Männer").
func parseHints(data string) (map[string]ground, []rule) {
	gs := map[string]ground{}
	var rs []rule
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if name, ok := strings.CutPrefix(cols[0], "@"); ok {
			if len(cols) != 5 {
				panic(fmt.Sprintf("opportunity: hints.tsv line %d: want 5 columns", i+1))
			}
			gs[name] = ground{de: cols[1], en: cols[2], altDE: cols[3], altEN: cols[4]}
			continue
		}
		if len(cols) != 2 {
			panic(fmt.Sprintf("opportunity: hints.tsv line %d: want 2 columns", i+1))
		}
		// \w in the data means any letter, umlauts included.
		p := strings.ReplaceAll(cols[1], `\w`, `\pL`)
		rs = append(rs, rule{ground: cols[0], pattern: regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(` + p + `)(?:[^\pL\pN]|$)`)})
	}
	for _, r := range rs {
		if _, ok := gs[r.ground]; !ok {
			panic("opportunity: hints.tsv: no explanation for " + r.ground)
		}
	}
	return gs, rs
}

// Hints returns advice on the wording of an opportunity's title, texts and requirements, at
// most one warning per ground and field. A coordinator may have a good reason: hints never
// block saving.
func Hints(o Opportunity) []Warning {
	out := []Warning{}
	fields := []struct{ name, text string }{
		{"input.title", o.Title}, {"input.description", o.Description}, {"input.easyLanguageSummary", o.EasyLanguageSummary},
		{"input.accessibilityNotes", o.AccessibilityNotes}, {"input.skills", strings.Join(o.Skills, "; ")},
		{"input.requiredCredentials", strings.Join(o.RequiredCredentials, "; ")},
	}
	for _, f := range fields {
		seen := map[string]bool{}
		for _, r := range rules {
			if seen[r.ground] {
				continue
			}
			m := r.pattern.FindStringSubmatch(f.text)
			if m == nil {
				continue
			}
			seen[r.ground] = true
			code := codeRiskPrefix + r.ground
			if r.ground == groundMinimumAge {
				code = codeMinimumAge
			}
			out = append(out, Warning{Code: code, Field: f.name, Term: strings.TrimSpace(m[1]), ground: r.ground})
		}
	}
	return out
}
