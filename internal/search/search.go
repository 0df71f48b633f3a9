// Package search finds opportunities (and later self-help groups and training modules) by
// what people type: German and English words, with or without umlauts, in any inflection,
// with common synonyms of the social sector, and the last word as a prefix while typing.
package search

import (
	_ "embed"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Kind is the type of a searchable document.
type Kind string

// KindOpportunity is a published opportunity; self-help groups and training modules join as
// they are built.
const KindOpportunity Kind = "OPPORTUNITY"

// KindGroup is a self-help group.
const KindGroup Kind = "GROUP"

// KindModule is a published training module.
const KindModule Kind = "TRAINING_MODULE"

// Doc is a searchable document. Title counts more than Tags, Tags more than Text.
type Doc struct {
	Kind  Kind
	ID    string
	Title string
	Tags  []string
	Text  string
}

// Hit is a found document and its relevance.
type Hit struct {
	Kind  Kind
	ID    string
	Score float64
}

const (
	weightTitle = 3.0
	weightTags  = 2.0
	weightText  = 1.0
	// minPrefix is the shortest typed word matched as a prefix.
	minPrefix = 3
)

type key struct {
	kind Kind
	id   string
}

// Index is an in-memory inverted index, safe for concurrent use.
type Index struct {
	mu       sync.RWMutex
	postings map[string]map[key]float64 // term → document → weight
	words    map[string]map[key]bool    // folded unstemmed word → documents, for prefixes
	sorted   []string                   // the keys of words, sorted; nil when stale
	docs     map[key][]string           // document → its terms and words, for removal
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{postings: map[string]map[key]float64{}, words: map[string]map[key]bool{}, docs: map[key][]string{}}
}

// Put adds or replaces a document.
func (x *Index) Put(d Doc) {
	k := key{d.Kind, d.ID}
	weights := map[string]float64{}
	prefixWords := map[string]bool{}
	addText := func(text string, w float64) {
		for _, word := range words(text) {
			prefixWords[fold(word)] = true
			for _, t := range terms(word) {
				weights[t] = math.Max(weights[t], w)
			}
		}
	}
	addText(d.Title, weightTitle)
	for _, tag := range d.Tags {
		addText(tag, weightTags)
	}
	addText(d.Text, weightText)

	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(k)
	var keys []string
	for t, w := range weights {
		if x.postings[t] == nil {
			x.postings[t] = map[key]float64{}
		}
		x.postings[t][k] = w
		keys = append(keys, "t:"+t)
	}
	for w := range prefixWords {
		if x.words[w] == nil {
			x.words[w] = map[key]bool{}
			x.sorted = nil
		}
		x.words[w][k] = true
		keys = append(keys, "w:"+w)
	}
	x.docs[k] = keys
}

// Remove deletes a document.
func (x *Index) Remove(kind Kind, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.removeLocked(key{kind, id})
}

func (x *Index) removeLocked(k key) {
	for _, entry := range x.docs[k] {
		name := entry[2:]
		if entry[0] == 't' {
			delete(x.postings[name], k)
			if len(x.postings[name]) == 0 {
				delete(x.postings, name)
			}
		} else {
			delete(x.words[name], k)
			if len(x.words[name]) == 0 {
				delete(x.words, name)
				x.sorted = nil
			}
		}
	}
	delete(x.docs, k)
}

// Search returns the documents matching the query, best first (ties by kind and ID). A
// document matches when it matches at least one meaningful word of the query; each word adds
// its rarity times the weight of the field it was found in.
func (x *Index) Search(query string) []Hit {
	ws := words(query)
	var meaningful []string
	for _, w := range ws {
		if !stopwords[w] && !stopwords[fold(w)] {
			meaningful = append(meaningful, w)
		}
	}
	x.mu.Lock()
	if x.sorted == nil {
		x.sorted = make([]string, 0, len(x.words))
		for w := range x.words {
			x.sorted = append(x.sorted, w)
		}
		sort.Strings(x.sorted)
	}
	x.mu.Unlock()

	x.mu.RLock()
	defer x.mu.RUnlock()
	n := float64(len(x.docs))
	scores := map[key]float64{}
	for i, w := range meaningful {
		matched := map[key]float64{}
		for _, t := range expand(w) {
			for k, weight := range x.postings[t] {
				matched[k] = math.Max(matched[k], weight)
			}
		}
		// The word being typed also matches as the start of a longer word.
		if last := i == len(meaningful)-1 && len(ws) > 0 && ws[len(ws)-1] == w; last && len([]rune(w)) >= minPrefix {
			p := fold(w)
			for j := sort.SearchStrings(x.sorted, p); j < len(x.sorted) && strings.HasPrefix(x.sorted[j], p); j++ {
				for k := range x.words[x.sorted[j]] {
					matched[k] = math.Max(matched[k], weightText)
				}
			}
		}
		if len(matched) == 0 {
			continue
		}
		idf := math.Log(1 + n/float64(len(matched)))
		for k, weight := range matched {
			scores[k] += idf * weight
		}
	}
	hits := make([]Hit, 0, len(scores))
	for k, s := range scores {
		hits = append(hits, Hit{Kind: k.kind, ID: k.id, Score: math.Round(s*1000) / 1000})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		if a.Kind != b.Kind {
			return strings.Compare(string(a.Kind), string(b.Kind))
		}
		return strings.Compare(a.ID, b.ID)
	})
	return hits
}

//go:embed synonyms.txt
var synonymsText string

// synonyms maps each index term to the terms of its synonym groups.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(synonymsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var group []string
		for _, w := range strings.Fields(line) {
			group = append(group, terms(strings.ToLower(w))...)
		}
		for _, t := range group {
			m[t] = append(m[t], group...)
		}
	}
	return m
}()

// expand returns a query word's terms and their synonyms.
func expand(word string) []string {
	ts := terms(word)
	out := slices.Clone(ts)
	for _, t := range ts {
		out = append(out, synonyms[t]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
