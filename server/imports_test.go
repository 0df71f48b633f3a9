package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/mitwirken/mitwirken"

// TestImportsFlowOneWay keeps the layering of DESIGN.md: mains → graph → domain → vocabulary.
// Nothing under internal/ depends on the transport, and only the mains, the composition root
// they share (internal/app) and the store's own test helper reach the store.
func TestImportsFlowOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	mains := map[string]bool{module + "/server": true, module + "/worker": true}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		checked++
		for _, dep := range deps {
			if strings.HasPrefix(pkg, module+"/internal/") && (dep == module+"/graph" || strings.HasPrefix(dep, module+"/graph/")) {
				t.Errorf("%s depends on the transport %s", pkg, dep)
			}
			if dep == module+"/internal/store" && !mains[pkg] && pkg != module+"/internal/store/storetest" && pkg != module+"/internal/app" {
				t.Errorf("%s depends on the store; only the mains (and the composition root internal/app) may", pkg)
			}
			if strings.HasPrefix(pkg, module+"/internal/") && !strings.HasPrefix(pkg, module+"/internal/store") &&
				pkg != module+"/internal/app" && strings.HasPrefix(dep, "go.mongodb.org/") {
				t.Errorf("%s depends on the database driver %s; only the store speaks BSON", pkg, dep)
			}
			if strings.HasPrefix(pkg, module+"/internal/") && strings.HasPrefix(dep, "github.com/99designs/gqlgen") {
				t.Errorf("%s depends on gqlgen", pkg)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d packages; is the pattern right?", checked)
	}
}
