package search

import (
	"strings"
	"unicode"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

// stopwords carry no meaning for search, in German and English; questions such as "Ich suche
// Hilfe bei ..." are mostly made of them.
var stopwords = toSet(`ich du er sie es wir ihr mein meine meines meinem meinen meiner dein deine sein seine
der die das den dem des ein eine einer eines einem einen und oder aber bei mit von zu zum zur für fuer im in
an am auf aus nach über ueber unter vor um wie was wer wo wann ist sind bin bist war möchte moechte will
suche suchen such hilfe helfen brauche brauchen gibt es etwas jemand kann können koennen mich mir uns
i me my we our you your a an the and or of to for in on at by with from is are be want need looking look
help find some someone can please`)

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// words splits text into lower-case words of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// fold writes umlauts and ß the way they are typed without them.
func fold(s string) string {
	return foldReplacer.Replace(s)
}

var foldReplacer = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// unfold guesses umlauts from their typed form ("maedchen" → "mädchen") so that the stemmer
// treats both spellings alike; a wrong guess ("feuer") only adds a variant that no real text
// produces.
var unfoldReplacer = strings.NewReplacer("ae", "ä", "oe", "ö", "ue", "ü")

// terms are the index terms of one word: its German and English stems, from the word as
// written and with umlauts restored, each folded to ASCII.
func terms(word string) []string {
	env := snowball.NewEnv("")
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		t = fold(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, w := range []string{word, unfoldReplacer.Replace(word)} {
		env.SetCurrent(w)
		german.Stem(env)
		add(env.Current())
		env.SetCurrent(w)
		english.Stem(env)
		add(env.Current())
	}
	return out
}
