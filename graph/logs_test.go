package graph_test

import (
	"strings"
	"testing"
)

func dumpInternal(t *testing.T, a *api) {
	for _, l := range strings.Split(a.logs.String(), "\n") {
		if strings.Contains(l, "internal error") || strings.Contains(l, "ERROR") {
			t.Log(l)
		}
	}
}
