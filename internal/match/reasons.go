package match

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/profile"
)

// phrases are the reasons in one language.
type phrases struct {
	german       bool
	online       string
	easyLanguage string
	stepFree     string
}

func texts(german bool) phrases {
	if german {
		return phrases{german: true, online: "online möglich", easyLanguage: "in Leichter Sprache beschrieben", stepFree: "stufenlos erreichbar"}
	}
	return phrases{online: "can be done online", easyLanguage: "described in easy language", stepFree: "step-free access"}
}

func (t phrases) away(km float64) string {
	s := strconv.FormatFloat(km, 'f', 1, 64)
	if t.german {
		return strings.Replace(s, ".", ",", 1) + " km entfernt"
	}
	return s + " km away"
}

var (
	weekdaysDE = [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	partsDE    = map[string]string{"morning": "vormittag", "afternoon": "nachmittag", "evening": "abend", "night": "nacht"}
)

func partOfDay(t time.Time) string {
	switch h := t.Hour(); {
	case h >= 5 && h < 12:
		return "morning"
	case h >= 12 && h < 17:
		return "afternoon"
	case h >= 17 && h < 22:
		return "evening"
	}
	return "night"
}

// fits names the part of the week the shift falls in, e.g. "fits your Tuesday evening".
func (t phrases) fits(local time.Time) string {
	part := partOfDay(local)
	if t.german {
		return "passt zu deinem " + weekdaysDE[local.Weekday()] + partsDE[part]
	}
	return "fits your " + local.Weekday().String() + " " + part
}

func (t phrases) skills(keys []string) string {
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = profile.SkillLabel(k, t.german)
	}
	list := strings.Join(labels, ", ")
	switch {
	case t.german && len(keys) == 1:
		return "eine deiner Fähigkeiten: " + list
	case t.german:
		return fmt.Sprintf("%d deiner Fähigkeiten: %s", len(keys), list)
	case len(keys) == 1:
		return "one of your skills: " + list
	}
	return fmt.Sprintf("%d of your skills: %s", len(keys), list)
}

func (t phrases) interest(category string) string {
	if t.german {
		return "passt zu deinem Interesse: " + category
	}
	return "matches your interest: " + category
}

var languageNames = map[string][2]string{
	"de": {"Deutsch", "German"}, "en": {"Englisch", "English"}, "ar": {"Arabisch", "Arabic"},
	"tr": {"Türkisch", "Turkish"}, "uk": {"Ukrainisch", "Ukrainian"}, "ru": {"Russisch", "Russian"},
	"fr": {"Französisch", "French"}, "es": {"Spanisch", "Spanish"}, "pl": {"Polnisch", "Polish"},
	"fa": {"Persisch", "Persian"},
}

func (t phrases) language(code string) string {
	name := code
	if n, ok := languageNames[code]; ok {
		name = n[1]
		if t.german {
			name = n[0]
		}
	}
	if t.german {
		return "auf " + name
	}
	return "in " + name
}

func (t phrases) soon(until time.Duration) string {
	days := int(until.Hours() / 24)
	switch {
	case t.german && days == 0:
		return "beginnt in den nächsten 24 Stunden"
	case t.german:
		return fmt.Sprintf("beginnt in %d Tagen", days)
	case days == 0:
		return "starts within 24 hours"
	}
	return fmt.Sprintf("starts in %d days", days)
}

func (t phrases) placesLeft(n int) string {
	switch {
	case t.german && n == 1:
		return "nur noch ein Platz frei"
	case t.german:
		return fmt.Sprintf("nur noch %d Plätze frei", n)
	case n == 1:
		return "only one place left"
	}
	return fmt.Sprintf("only %d places left", n)
}

// missing names what the volunteer still needs: modules by count, credentials by name.
func (t phrases) missing(modules int, credentials []string) string {
	var parts []string
	for _, c := range credentials {
		parts = append(parts, opportunity.CredentialLabel(c, t.german))
	}
	if modules == 1 {
		parts = append(parts, map[bool]string{true: "eine Schulung", false: "a training module"}[t.german])
	} else if modules > 1 {
		parts = append(parts, map[bool]string{true: fmt.Sprintf("%d Schulungen", modules), false: fmt.Sprintf("%d training modules", modules)}[t.german])
	}
	if t.german {
		return "es fehlt noch: " + strings.Join(parts, ", ")
	}
	return "still needed: " + strings.Join(parts, ", ")
}
