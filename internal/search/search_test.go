package search

import "testing"

// kindGroup stands for the self-help groups that will share the index.
const kindGroup Kind = "GROUP"

func index() *Index {
	x := NewIndex()
	for _, d := range []Doc{
		{Kind: KindOpportunity, ID: "family", Title: "Familienpatenschaft", Tags: []string{"family"}, Text: "Begleite eine junge Familie mit kleinen Kindern im Alltag."},
		{Kind: KindOpportunity, ID: "foodbank", Title: "Ausgabe an der Tafel", Tags: []string{"food-bank", "cooking"}, Text: "Lebensmittel sortieren und an Bedürftige ausgeben."},
		{Kind: KindOpportunity, ID: "girls", Title: "Mädchentreff betreuen", Tags: []string{"children"}, Text: "Spiele und Hausaufgaben mit Mädchen."},
		{Kind: KindOpportunity, ID: "reading", Title: "Vorlesen im Seniorenheim", Tags: []string{"elderly", "reading-aloud"}, Text: "Reading aloud for older people."},
		{Kind: kindGroup, ID: "parents", Title: "Elterngruppe: Erziehung ohne Stress", Tags: []string{"family"}, Text: "Austausch für Mütter und Väter."},
		{Kind: kindGroup, ID: "addiction", Title: "Selbsthilfegruppe Abhängigkeit", Tags: []string{"addiction"}, Text: "Für Menschen mit Alkoholproblemen."},
	} {
		x.Put(d)
	}
	return x
}

func TestSearch(t *testing.T) {
	x := index()
	tests := []struct {
		query string
		first string
		want  []string // must be found
	}{
		{"Ich suche Hilfe bei der Erziehung meines Kindes", "parents", []string{"parents", "family"}},
		{"Tafel", "foodbank", nil},
		{"lebensmittel", "foodbank", nil},            // stemmed plural
		{"Maedchen", "girls", nil},                   // umlaut typed as ae
		{"mädchentreff", "girls", nil},               // umlaut as written
		{"Sucht", "addiction", nil},                  // synonym of Abhängigkeit
		{"senior", "reading", nil},                   // synonym/stem of Seniorenheim via prefix
		{"read", "reading", nil},                     // English stem and prefix
		{"Famil", "", []string{"family", "parents"}}, // typing: prefix
		{"homework", "girls", nil},                   // synonym of Hausaufgaben
	}
	for _, tt := range tests {
		hits := x.Search(tt.query)
		if len(hits) == 0 || tt.first != "" && hits[0].ID != tt.first {
			t.Errorf("Search(%q) = %v, want %s first", tt.query, hits, tt.first)
			continue
		}
		for _, id := range tt.want {
			found := false
			for _, h := range hits {
				found = found || h.ID == id
			}
			if !found {
				t.Errorf("Search(%q) = %v, want %s among them", tt.query, hits, id)
			}
		}
	}
	if hits := x.Search("der die das"); len(hits) != 0 {
		t.Errorf("stopwords found %v", hits)
	}
}

func TestPutReplacesAndRemoveForgets(t *testing.T) {
	x := index()
	x.Put(Doc{Kind: KindOpportunity, ID: "foodbank", Title: "Kleiderkammer"})
	if hits := x.Search("Tafel"); len(hits) != 0 {
		t.Fatalf("old text still found: %v", hits)
	}
	if hits := x.Search("Kleiderkammer"); len(hits) != 1 {
		t.Fatalf("new text not found: %v", hits)
	}
	x.Remove(KindOpportunity, "foodbank")
	if hits := x.Search("Kleiderkammer"); len(hits) != 0 {
		t.Fatalf("removed document found: %v", hits)
	}
}
