package mobilecontract_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

const (
	schemaGlob    = "../schema/*.graphqls"
	operationGlob = "operations/*.graphql"
	fragmentGlob  = "operations/fragments/*.graphql"
)

// TestOperationsMatchSchema validates every operation the mobile app sends against the server's
// schema, with the shared fragments it uses, exactly as the server would validate the request.
func TestOperationsMatchSchema(t *testing.T) {
	schema := loadSchema(t)
	fragmentFiles := readSources(t, fragmentGlob)
	files := readSources(t, operationGlob)
	if len(files) == 0 {
		t.Fatalf("no operations match %s", operationGlob)
	}
	used := map[string]bool{}
	for _, src := range files {
		t.Run(filepath.Base(src.Name), func(t *testing.T) {
			doc, err := parser.ParseQuery(src)
			if err != nil {
				t.Fatalf("%s: %v", src.Name, err)
			}
			want := strings.TrimSuffix(filepath.Base(src.Name), ".graphql")
			switch {
			case len(doc.Operations) != 1:
				t.Fatalf("%s holds %d operations, want exactly one named %s", src.Name, len(doc.Operations), want)
			case doc.Operations[0].Name == "":
				t.Fatalf("%s holds an anonymous operation; name it %s", src.Name, want)
			case doc.Operations[0].Name != want:
				t.Fatalf("%s holds operation %s; the operation and the file must have the same name", src.Name, doc.Operations[0].Name)
			case len(doc.Fragments) > 0:
				t.Fatalf("%s defines fragment %s; shared fragments live in %s, one per file", src.Name, doc.Fragments[0].Name, filepath.Dir(fragmentGlob))
			}
			// The app sends the operation followed by the fragments it spreads, transitively:
			// only those, since an unused fragment makes the document invalid.
			fragments := parseFragments(t, fragmentFiles)
			for _, name := range spreads(doc.Operations[0].SelectionSet, fragments) {
				used[name] = true
				doc.Fragments = append(doc.Fragments, fragments[name])
			}
			// An error inside a spread fragment is reported once per visit; show it once.
			seen := map[string]bool{}
			for _, err := range validator.ValidateWithRules(schema, doc, nil) {
				if msg := err.Error(); !seen[msg] {
					seen[msg] = true
					t.Errorf("%s: %s", src.Name, msg)
				}
			}
		})
	}
	for name, f := range parseFragments(t, fragmentFiles) {
		if !used[name] {
			t.Errorf("%s: fragment %s is used by no operation", f.Position.Src.Name, name)
		}
	}
}

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	sources := readSources(t, schemaGlob)
	if len(sources) == 0 {
		t.Fatalf("no schema files match %s", schemaGlob)
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return schema
}

// readSources reads the files matching pattern, in name order, named by their path.
func readSources(t *testing.T, pattern string) []*ast.Source {
	t.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	sources := make([]*ast.Source, 0, len(paths))
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: path, Input: string(b)})
	}
	return sources
}

// parseFragments parses the shared fragment files, each of which must hold exactly one fragment
// named like the file. It parses afresh on every call because validation annotates the AST.
func parseFragments(t *testing.T, files []*ast.Source) map[string]*ast.FragmentDefinition {
	t.Helper()
	out := make(map[string]*ast.FragmentDefinition, len(files))
	for _, src := range files {
		doc, err := parser.ParseQuery(src)
		if err != nil {
			t.Fatalf("%s: %v", src.Name, err)
		}
		want := strings.TrimSuffix(filepath.Base(src.Name), ".graphql")
		if len(doc.Operations) > 0 || len(doc.Fragments) != 1 || doc.Fragments[0].Name != want {
			t.Fatalf("%s must hold exactly one fragment, named %s, and no operation", src.Name, want)
		}
		out[want] = doc.Fragments[0]
	}
	return out
}

// spreads returns the names of the shared fragments that set spreads, directly or through other
// fragments, in the order first met. Unknown names are left for the validator to report.
func spreads(set ast.SelectionSet, fragments map[string]*ast.FragmentDefinition) []string {
	var names []string
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				walk(sel.SelectionSet)
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				f, ok := fragments[sel.Name]
				if !ok || slices.Contains(names, sel.Name) {
					continue
				}
				names = append(names, sel.Name)
				walk(f.SelectionSet)
			}
		}
	}
	walk(set)
	return names
}

// TestManifestIsCurrent fails when an operation changed without `go generate ./mobile-contract`.
func TestManifestIsCurrent(t *testing.T) {
	built, err := mobilecontract.Build(".")
	if err != nil {
		t.Fatal(err)
	}
	want, err := built.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("manifest.json is stale: run `go generate ./mobile-contract` and commit it")
	}
	if len(built.Operations) == 0 {
		t.Fatal("the manifest has no operations")
	}
}
