package mobilecontract_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

// snapshotFile is the schema of the last release: what the app in people's hands was built
// against. Update it deliberately, with the operations, when a release goes out:
// `go run ./gen -snapshot`.
const snapshotFile = "schema.snapshot.graphqls"

// TestNoBreakingChangesForTheApp compares schema/ with the snapshot of the last release for
// every field an operation uses, and names the operation and field that a change would break.
func TestNoBreakingChangesForTheApp(t *testing.T) {
	old := loadSnapshot(t)
	ops, err := mobilecontract.Build(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, problem := range breakingChanges(t, old, loadSchema(t), ops) {
		t.Error(problem)
	}
}

// TestBreakingChangesAreFound proves the check on a fixture: a removed field, a retyped field
// and a new required argument.
func TestBreakingChangesAreFound(t *testing.T) {
	old := loadSnapshot(t)
	ops, err := mobilecontract.Build(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(snapshotFile)
	if err != nil {
		t.Fatal(err)
	}
	edited := string(raw)
	for _, edit := range [][2]string{
		{"type User {\n  id: ID!\n  displayName: String!\n", "type User {\n  id: ID!\n"}, // User.displayName removed
		{"  score: Float!\n", "  score: Int!\n"},                                         // OpportunityMatch.score retyped
		{"signUp(shiftId: ID!, ", "signUp(shiftId: ID!, reason: String!, "},              // new required argument
	} {
		if !strings.Contains(edited, edit[0]) {
			t.Fatalf("fixture edit %q does not apply", edit[0])
		}
		edited = strings.Replace(edited, edit[0], edit[1], 1)
	}
	changed, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "fixture", Input: edited})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	problems := strings.Join(breakingChanges(t, old, changed, ops), "\n")
	for _, want := range []string{"Me uses User.displayName, which was removed", "RecommendedOpportunities uses OpportunityMatch.score: its type changed from Float! to Int!",
		"SignUp uses Mutation.signUp: it has a new required argument reason"} {
		if !strings.Contains(problems, want) {
			t.Errorf("breaking changes lack %q; found:\n%s", want, problems)
		}
	}
}

func loadSnapshot(t *testing.T) *ast.Schema {
	t.Helper()
	raw, err := os.ReadFile(snapshotFile)
	if err != nil {
		t.Fatalf("%v (write it with `go run ./gen -snapshot`)", err)
	}
	s, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: snapshotFile, Input: string(raw)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	return s
}

// breakingChanges lists, per operation, the fields it uses in old that new removed or
// retyped, and the arguments new requires that old did not have.
func breakingChanges(t *testing.T, old, new *ast.Schema, m mobilecontract.Manifest) []string {
	t.Helper()
	var problems []string
	for _, op := range m.Operations {
		doc, gqlErr := gqlparser.LoadQuery(old, op.Body)
		if gqlErr != nil {
			// An operation the released schema did not have is new: nothing of it can break.
			continue
		}
		seen := map[string]bool{}
		var walk func(ast.SelectionSet)
		walk = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					if s.ObjectDefinition != nil && s.Definition != nil && !strings.HasPrefix(s.Name, "__") {
						key := s.ObjectDefinition.Name + "." + s.Name
						if !seen[key] {
							seen[key] = true
							problems = append(problems, checkField(op.Name, key, s, new)...)
						}
					}
					walk(s.SelectionSet)
				case *ast.InlineFragment:
					walk(s.SelectionSet)
				case *ast.FragmentSpread:
					walk(s.Definition.SelectionSet)
				}
			}
		}
		for _, o := range doc.Operations {
			walk(o.SelectionSet)
		}
	}
	slices.Sort(problems)
	return problems
}

func checkField(opName, key string, used *ast.Field, new *ast.Schema) []string {
	typ := new.Types[used.ObjectDefinition.Name]
	if typ == nil {
		return []string{fmt.Sprintf("%s uses %s, whose type %s was removed", opName, key, used.ObjectDefinition.Name)}
	}
	def := typ.Fields.ForName(used.Name)
	if def == nil {
		return []string{fmt.Sprintf("%s uses %s, which was removed", opName, key)}
	}
	var out []string
	if was, is := used.Definition.Type.String(), def.Type.String(); was != is {
		out = append(out, fmt.Sprintf("%s uses %s: its type changed from %s to %s", opName, key, was, is))
	}
	for _, arg := range def.Arguments {
		if used.Definition.Arguments.ForName(arg.Name) == nil && arg.Type.NonNull && arg.DefaultValue == nil {
			out = append(out, fmt.Sprintf("%s uses %s: it has a new required argument %s", opName, key, arg.Name))
		}
	}
	for _, a := range used.Arguments {
		oldArg, newArg := used.Definition.Arguments.ForName(a.Name), def.Arguments.ForName(a.Name)
		switch {
		case newArg == nil:
			out = append(out, fmt.Sprintf("%s uses %s: its argument %s was removed", opName, key, a.Name))
		case oldArg != nil && oldArg.Type.String() != newArg.Type.String():
			out = append(out, fmt.Sprintf("%s uses %s: its argument %s changed from %s to %s", opName, key, a.Name, oldArg.Type, newArg.Type))
		}
	}
	return out
}
