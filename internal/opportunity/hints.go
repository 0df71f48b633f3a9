package opportunity

import (
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
}

// Message explains the warning in German or English.
func (w Warning) Message(german bool) string {
	h := hintsByCode[strings.TrimPrefix(w.Code, "DISCRIMINATION_RISK_")]
	if german {
		return h.de + " („" + w.Term + "“)"
	}
	return h.en + ` ("` + w.Term + `")`
}

type hint struct {
	code    string
	pattern *regexp.Regexp
	de, en  string
}

// hints catch common phrasings in task descriptions that exclude people by age, gender,
// origin, language or disability where the task does not require it (AGG § 1 lists these
// grounds). They are advice: a coordinator may have a good reason.
var hints = []hint{
	{"AGE", regexp.MustCompile(`(?i)\b(unter|über|bis|ab)\s+\d{2}\s*(jahre|jahren|j\.)|\b(under|over)\s+\d{2}\b|\bjunge[rns]?\b|\byoung\b|\bjugendlich\w*\b|\bmax(imal)?\.?\s*\d{2}\s*jahre`),
		"Altersgrenzen schließen Menschen aus; nennen Sie lieber, was die Aufgabe verlangt",
		"Age limits exclude people; describe what the task requires instead"},
	{"GENDER", regexp.MustCompile(`(?i)\bnur\s+(männer|frauen|männlich|weiblich)\b|\b(only\s+)?(men|women|male|female)\s+only\b|\bonly\s+(men|women)\b`),
		"Die Aufgabe wird auf ein Geschlecht beschränkt; ist das nötig?",
		"The task is limited to one gender; is that necessary?"},
	{"ORIGIN", regexp.MustCompile(`(?i)\b(deutsche[rn]?\s+(herkunft|staatsangehörigkeit|abstammung))\b|\b(german\s+(citizens?|nationals?|origin))\b|\bnative\s+german\b`),
		"Herkunft oder Staatsangehörigkeit sind selten eine Voraussetzung",
		"Origin or nationality is rarely a requirement"},
	{"LANGUAGE", regexp.MustCompile(`(?i)\bmuttersprach\w*\b|\bnative\s+speaker\w*\b|\bakzentfrei\w*\b`),
		"Verlangen Sie das nötige Sprachniveau statt einer Muttersprache",
		"Ask for the language level needed rather than a mother tongue"},
	{"ABILITY", regexp.MustCompile(`(?i)\bkörperlich\s+(voll\s+)?belastbar\b|\bkerngesund\b|\bphysically\s+fit\b|\bable[- ]bodied\b`),
		"Beschreiben Sie die konkrete Tätigkeit (z. B. „Kisten bis 10 kg tragen“), damit Menschen selbst entscheiden können",
		"Describe the actual activity (e.g. \"carry boxes up to 10 kg\") so people can decide for themselves"},
}

var hintsByCode = func() map[string]hint {
	m := make(map[string]hint, len(hints))
	for _, h := range hints {
		m[h.code] = h
	}
	return m
}()

// Hints returns advice on the wording of an opportunity's title and texts.
func Hints(o Opportunity) []Warning {
	out := []Warning{}
	fields := []struct{ name, text string }{
		{"input.title", o.Title}, {"input.description", o.Description}, {"input.easyLanguageSummary", o.EasyLanguageSummary},
	}
	for _, f := range fields {
		for _, h := range hints {
			if m := h.pattern.FindString(f.text); m != "" {
				out = append(out, Warning{Code: "DISCRIMINATION_RISK_" + h.code, Field: f.name, Term: strings.TrimSpace(m)})
			}
		}
	}
	return out
}
