// Command gen writes mobile-contract/manifest.json from the operations: run it with
// `go generate ./mobile-contract`.
package main

import (
	"fmt"
	"os"

	mobilecontract "github.com/mitwirken/mitwirken/mobile-contract"
)

func main() {
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
