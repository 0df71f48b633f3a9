package opportunity

import (
	"slices"
	"testing"
)

func TestHints(t *testing.T) {
	tests := []struct {
		title, description string
		want               []string
	}{
		{"Hilfe beim Einkaufen", "Kisten bis 10 kg tragen", nil},
		{"Fahrer (nur Männer)", "", []string{"DISCRIMINATION_RISK_GENDER"}},
		{"Lesepatin", "Du bist unter 30 Jahren und Muttersprachlerin", []string{"DISCRIMINATION_RISK_AGE", "DISCRIMINATION_RISK_LANGUAGE"}},
		{"Driver wanted", "native speaker, physically fit, under 25", []string{"DISCRIMINATION_RISK_AGE", "DISCRIMINATION_RISK_LANGUAGE", "DISCRIMINATION_RISK_ABILITY"}},
		{"Begleitung", "Deutsche Staatsangehörigkeit erforderlich", []string{"DISCRIMINATION_RISK_ORIGIN"}},
		// Working with a youth group is a task, not an age limit on volunteers.
		{"Jugendgruppe betreuen", "", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, w := range Hints(Opportunity{Title: tt.title, Description: tt.description}) {
			got = append(got, w.Code)
			if w.Message(true) == "" || w.Message(false) == "" || w.Term == "" {
				t.Errorf("warning %s lacks a message or term", w.Code)
			}
		}
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Hints(%q, %q) = %v, want %v", tt.title, tt.description, got, want)
		}
	}
}
