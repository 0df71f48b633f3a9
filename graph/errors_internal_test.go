package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/errs"
)

func TestPresentErrors(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	present := presentErrors(log)
	ctx := context.Background()
	panicErr := recoverPanic(log)(ctx, "nil map write in resolver")

	tests := []struct {
		name             string
		err              error
		code, field, msg string
	}{
		{"invalid field", errs.InvalidField("input.name", "must not be empty"), "BAD_USER_INPUT", "input.name", "must not be empty"},
		{"wrapped domain error", fmt.Errorf("outer: %w", errs.E(errs.Forbidden, "not yours")), "FORBIDDEN", "", "not yours"},
		{"store failure", fmt.Errorf("store: find users 42: %w", errors.New("connection refused 10.0.0.7:27017")), "INTERNAL", "", internalMessage},
		{"classified internal", &errs.Error{Kind: errs.Internal, Msg: "secret detail"}, "INTERNAL", "", internalMessage},
		{"panic", panicErr, "INTERNAL", "", internalMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := present(ctx, tt.err)
			if got.Extensions["code"] != tt.code || got.Message != tt.msg {
				t.Fatalf("present(%v) = %q %v, want %q %s", tt.err, got.Message, got.Extensions, tt.msg, tt.code)
			}
			if field, _ := got.Extensions["field"].(string); field != tt.field {
				t.Fatalf("field = %q, want %q", field, tt.field)
			}
		})
	}
	if !strings.Contains(logs.String(), "connection refused") || !strings.Contains(logs.String(), "nil map write") {
		t.Fatalf("causes not logged:\n%s", logs.String())
	}
	rate := present(ctx, &errs.Error{Kind: errs.RateLimited, Msg: "slow down", RetryAfter: 1500 * time.Millisecond})
	if rate.Extensions["retryAfterSeconds"] != 2 {
		t.Fatalf("retryAfterSeconds = %v, want 2", rate.Extensions["retryAfterSeconds"])
	}
}
