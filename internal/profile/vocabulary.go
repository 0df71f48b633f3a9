package profile

// Term is an entry of the curated vocabulary: a stable key and its labels.
type Term struct {
	Key     string
	German  string
	English string
}

// Label returns the term's label in German or English.
func (t Term) Label(german bool) string {
	if german {
		return t.German
	}
	return t.English
}

// Skills are the curated skills volunteers and tasks name; free tags are allowed besides.
var Skills = []Term{
	{"cooking", "Kochen", "Cooking"},
	{"driving", "Autofahren", "Driving"},
	{"first-aid", "Erste Hilfe", "First aid"},
	{"tutoring", "Nachhilfe", "Tutoring"},
	{"translation", "Übersetzen", "Translation"},
	{"it-support", "Computerhilfe", "IT support"},
	{"gardening", "Gärtnern", "Gardening"},
	{"crafts", "Handwerk", "Crafts"},
	{"music", "Musik", "Music"},
	{"sports", "Sport", "Sports"},
	{"childcare", "Kinderbetreuung", "Childcare"},
	{"elderly-care", "Seniorenbegleitung", "Elderly care"},
	{"listening", "Zuhören", "Listening"},
	{"organising", "Organisieren", "Organising"},
	{"social-media", "Soziale Medien", "Social media"},
	{"sign-language", "Gebärdensprache", "Sign language"},
	{"carrying", "Tragen und Packen", "Carrying and packing"},
	{"reading-aloud", "Vorlesen", "Reading aloud"},
}

// Interests are the curated fields of engagement.
var Interests = []Term{
	{"food-bank", "Tafel und Lebensmittel", "Food bank"},
	{"children", "Kinder und Jugend", "Children and youth"},
	{"family", "Familie", "Family"},
	{"elderly", "Senioren", "Older people"},
	{"refugees", "Geflüchtete", "Refugees"},
	{"environment", "Umwelt", "Environment"},
	{"animals", "Tiere", "Animals"},
	{"health", "Gesundheit", "Health"},
	{"addiction", "Sucht", "Addiction"},
	{"disability", "Inklusion", "Inclusion"},
	{"culture", "Kultur", "Culture"},
	{"education", "Bildung", "Education"},
	{"neighbourhood", "Nachbarschaft", "Neighbourhood"},
	{"homelessness", "Wohnungslosigkeit", "Homelessness"},
}

// AccessibilityNeeds are the needs matching can respect.
var AccessibilityNeeds = []Term{
	{"step-free", "Stufenlos erreichbar", "Step-free access"},
	{"quiet-room", "Ruhiger Raum", "Quiet room"},
	{"sign-language", "Gebärdensprache", "Sign language"},
	{"easy-language", "Leichte Sprache", "Easy language"},
	{"seating", "Sitzmöglichkeit", "Seating available"},
}

// labelOf finds a key in a vocabulary.
func labelOf(vocabulary []Term, key string) (Term, bool) {
	for _, t := range vocabulary {
		if t.Key == key {
			return t, true
		}
	}
	return Term{}, false
}

// SkillLabel returns the label of a skill, or the free tag itself.
func SkillLabel(key string, german bool) string {
	if t, ok := labelOf(Skills, key); ok {
		return t.Label(german)
	}
	return key
}
