// Package mobilecontract holds every GraphQL operation the mobile app sends (operations/) and
// the persisted-query manifest generated from them, which the server embeds: in allowlist mode
// (PERSISTED_QUERIES=only) it executes nothing else.
package mobilecontract

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

//go:generate go run ./gen
//go:generate go tool genqlient

// Manifest is the persisted-query manifest in the format Apollo's tooling reads.
type Manifest struct {
	Format     string      `json:"format"`
	Version    int         `json:"version"`
	Operations []Operation `json:"operations"`
}

// Operation is one persisted document: its SHA-256 (hex) and text.
type Operation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Body string `json:"body"`
}

//go:embed manifest.json
var manifestJSON []byte

// Embedded returns the manifest built into the binary.
func Embedded() (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return Manifest{}, fmt.Errorf("mobilecontract: manifest: %w", err)
	}
	return m, nil
}

var (
	spreadPattern    = regexp.MustCompile(`\.\.\.\s*([A-Za-z_][A-Za-z0-9_]*)`)
	operationPattern = regexp.MustCompile(`(?m)^\s*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)`)
)

// Build reads the operations and fragments under dir and returns the manifest. Each document
// is the operation followed by the fragments it spreads, transitively, in name order: what the
// app sends.
func Build(dir string) (Manifest, error) {
	fragments := map[string]string{}
	fragFiles, _ := filepath.Glob(filepath.Join(dir, "operations", "fragments", "*.graphql"))
	for _, f := range fragFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return Manifest{}, err
		}
		fragments[strings.TrimSuffix(filepath.Base(f), ".graphql")] = strings.TrimSpace(string(b))
	}
	opFiles, err := fs.Glob(os.DirFS(dir), "operations/*.graphql")
	if err != nil {
		return Manifest{}, err
	}
	slices.Sort(opFiles)
	m := Manifest{Format: "apollo-persisted-query-manifest", Version: 1, Operations: []Operation{}}
	for _, f := range opFiles {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return Manifest{}, err
		}
		op := strings.TrimSpace(string(b))
		head := operationPattern.FindStringSubmatch(op)
		if head == nil {
			return Manifest{}, fmt.Errorf("mobilecontract: %s has no named operation", f)
		}
		body := op
		for _, name := range usedFragments(op, fragments) {
			body += "\n\n" + fragments[name]
		}
		sum := sha256.Sum256([]byte(body))
		m.Operations = append(m.Operations, Operation{ID: hex.EncodeToString(sum[:]), Name: head[2], Type: head[1], Body: body})
	}
	return m, nil
}

func usedFragments(text string, fragments map[string]string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(t string) {
		for _, m := range spreadPattern.FindAllStringSubmatch(t, -1) {
			if name := m[1]; !seen[name] && fragments[name] != "" {
				seen[name] = true
				visit(fragments[name])
			}
		}
	}
	visit(text)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Marshal writes the manifest as committed: indented, with a final newline.
func (m Manifest) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
