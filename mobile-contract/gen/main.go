// Command gen writes mobile-contract/manifest.json from the operations: run it with
// `go generate ./mobile-contract`. With -snapshot (run from mobile-contract/) it also records
// the current schema as the released one, which the breaking-change test compares against.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

func main() {
	snapshot := flag.Bool("snapshot", false, "also write schema.snapshot.graphqls from ../schema")
	flag.Parse()
	if *snapshot {
		if err := writeSnapshot(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	m, err := mobilecontract.Build(".")
	if err == nil {
		var b []byte
		if b, err = m.Marshal(); err == nil {
			err = os.WriteFile("manifest.json", b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// writeSnapshot concatenates the schema files, in name order.
func writeSnapshot() error {
	paths, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(paths) == 0 {
		return fmt.Errorf("no schema files under ../schema: %v", err)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("# The schema of the last release of the app's API. Written by `go run ./gen -snapshot`.\n")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b.WriteString("\n# " + filepath.Base(p) + "\n")
		b.Write(raw)
	}
	return os.WriteFile("schema.snapshot.graphqls", []byte(b.String()), 0o644)
}
