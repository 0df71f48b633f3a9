package opportunity

import (
	"slices"
	"strings"
	"testing"
)

func TestHints(t *testing.T) {
	const (
		age      = "DISCRIMINATION_RISK_AGE"
		gender   = "DISCRIMINATION_RISK_GENDER"
		origin   = "DISCRIMINATION_RISK_ORIGIN"
		language = "DISCRIMINATION_RISK_LANGUAGE"
		religion = "DISCRIMINATION_RISK_RELIGION"
		ability  = "DISCRIMINATION_RISK_ABILITY"
		sexual   = "DISCRIMINATION_RISK_SEXUAL_ORIENTATION"
		minimum  = "LEGAL_MINIMUM_AGE"
	)
	tests := []struct {
		name, title, description string
		want                     []string
	}{
		{"neutral", "Hilfe beim Einkaufen", "Kisten bis 10 kg tragen", nil},
		{"gender de", "Fahrer (nur Männer)", "", []string{gender}},
		{"gender inflected", "Begleitung", "Wir suchen weibliche Helferinnen", []string{gender}},
		{"gender marker", "Hausmeister (m) gesucht", "", []string{gender}},
		{"gender en", "Driver", "women only", []string{gender}},
		{"age and language de", "Lesepatin", "Du bist unter 30 Jahren und Muttersprachlerin", []string{age, language}},
		{"en several", "Driver wanted", "native speaker, physically fit, under 25 years old", []string{age, language, ability}},
		{"nationality", "Begleitung", "Deutsche Staatsangehörigkeit erforderlich", []string{origin}},
		{"origin", "Nachhilfe", "Bewerber ohne Migrationshintergrund bevorzugt", []string{origin}},
		{"origin en", "Tutor", "German citizens preferred", []string{origin}},
		{"native language", "Vorlesen", "Muttersprache Deutsch", []string{language}},
		{"mother tongue en", "Reading", "Your mother tongue must be English", []string{language}},
		{"religion de", "Besuchsdienst", "Kirchenmitgliedschaft erwünscht", []string{religion}},
		{"religion only", "Besuchsdienst", "nur für Christen", []string{religion}},
		{"religion en", "Visits", "Christian volunteers only", []string{religion}},
		{"health de", "Umzugshilfe", "Sie sollten kerngesund und körperlich voll belastbar sein", []string{ability}},
		{"disability de", "Umzugshilfe", "keine Behinderung", []string{ability}},
		{"health en", "Moving", "able-bodied helpers", []string{ability}},
		{"sexual orientation de", "Familienpaten", "nur heterosexuelle Paare", []string{sexual}},
		{"sexual orientation en", "Mentors", "straight volunteers", []string{sexual}},
		{"young de", "Sporttreff", "Junge Helfer gesucht", []string{age}},
		{"upper age en", "Sports", "maximum age of 40", []string{age}},
		{"lower age other than 16/18", "Fahrdienst", "ab 21 Jahren", []string{age}},
		// Legally required minimum ages are allowed and explained, not flagged as a risk.
		{"legal minimum de", "Ausschank", "Mindestalter: ab 18 Jahren (Jugendschutzgesetz)", []string{minimum}},
		{"legal minimum volljährig", "Fahrdienst", "Sie müssen volljährig sein", []string{minimum}},
		{"legal minimum en", "Bar", "at least 16 years old", []string{minimum}},
		// Tasks about a group of people are not limits on the volunteers.
		{"youth group", "Jugendgruppe betreuen", "", nil},
		{"old people's home", "Besuche im Altenheim", "Senioren begleiten und vorlesen", nil},
		{"women's shelter", "Frauenhaus", "Kinderbetreuung im Frauenhaus", nil},
		{"young people as target", "Hausaufgabenhilfe", "Junge Menschen beim Lernen begleiten", nil},
		{"church building", "Kirchencafé", "Kuchen backen für das Gemeindefest", nil},
		{"word boundary", "Nachbarschaftshilfe", "Untermieter gesucht? Nein: Einkaufshilfe", nil},
		{"language level", "Vorlesen", "Deutsch auf Niveau B2", nil},
		{"health is the task", "Gesundheitslotsen", "Gesunde Ernährung erklären", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, w := range Hints(Opportunity{Title: tt.title, Description: tt.description}) {
				got = append(got, w.Code)
				de, en := w.Message(true), w.Message(false)
				if w.Term == "" || !strings.Contains(de, w.Term) || !strings.Contains(de, "Stattdessen etwa:") || !strings.Contains(en, "Instead, for example:") {
					t.Errorf("warning %s: term %q, messages %q / %q lack the term or an alternative", w.Code, w.Term, de, en)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Hints(%q, %q) = %v, want %v", tt.title, tt.description, got, want)
			}
		})
	}
}

func TestHintsNameTheFieldAndOfferTheAlternative(t *testing.T) {
	ws := Hints(Opportunity{Title: "Lesepate", Description: "Muttersprache Deutsch", Skills: []string{"körperlich belastbar"}})
	if len(ws) != 2 || ws[0].Field != "input.description" || ws[1].Field != "input.skills" {
		t.Fatalf("Hints = %+v, want the description and the skills", ws)
	}
	if msg := ws[0].Message(true); !strings.Contains(msg, "Deutsch auf Niveau B2") {
		t.Fatalf("message %q lacks the neutral alternative", msg)
	}
}
