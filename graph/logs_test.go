package graph_test

import (
	"strings"
	"testing"

	"github.com/mitwirken/mitwirken/internal/engagement"
)

func dumpInternal(t *testing.T, a *api) {
	for _, l := range strings.Split(a.logs.String(), "\n") {
		if strings.Contains(l, "internal error") || strings.Contains(l, "ERROR") {
			t.Log(l)
		}
	}
}

func containsKind(events []engagement.Event, kind string) bool {
	for _, e := range events {
		if string(e.Kind) == kind {
			return true
		}
	}
	return false
}
