package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mitwirken/mitwirken/internal/errs"
)

// persistedQueryNotFoundCode is gqlgen's code for a persisted-query hash it does not know.
const persistedQueryNotFoundCode = "PERSISTED_QUERY_NOT_FOUND"

// internalMessage is all a client learns about a failure on our side.
const internalMessage = "Internal error. It has been logged; please try again later."

// presentErrors maps every error to one of the documented codes. Domain errors keep their
// message and field; GraphQL's own parse and validation errors are bad input; anything else is
// internal: logged with its cause, shown as a generic message.
func presentErrors(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var de *errs.Error
		if errors.As(err, &de) && de.Kind != errs.Internal {
			gqlErr.Message = de.Msg
			gqlErr.Extensions = map[string]any{"code": de.Kind.String()}
			field := de.Field
			if field == "" && de.Kind == errs.Invalid {
				field = pathField(gqlErr.Path)
			}
			if field != "" {
				gqlErr.Extensions["field"] = field
			}
			for k, v := range de.Detail {
				gqlErr.Extensions[k] = v
			}
			if de.RetryAfter > 0 {
				gqlErr.Extensions["retryAfterSeconds"] = int(math.Ceil(de.RetryAfter.Seconds()))
			}
			return gqlErr
		}
		switch code, _ := gqlErr.Extensions["code"].(string); code {
		case persistedQueryNotFoundCode, "FORBIDDEN":
			// The persisted-query protocol (the client answers by sending the document), and
			// the allowlist's refusal.
			return gqlErr
		case errcode.ValidationFailed, errcode.ParseFailed, complexityLimitCode, depthLimitCode:
			gqlErr.Extensions["code"] = errs.Invalid.String()
			if field := pathField(gqlErr.Path); field != "" {
				gqlErr.Extensions["field"] = field
			}
			return gqlErr
		}
		if msg, ok := transportMessage(gqlErr.Message); ok {
			return &gqlerror.Error{Message: msg, Path: gqlErr.Path, Extensions: map[string]any{"code": errs.Invalid.String()}}
		}
		log.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String(), "operation", operationName(ctx))
		return &gqlerror.Error{
			Message:    internalMessage,
			Path:       gqlErr.Path,
			Extensions: map[string]any{"code": errs.Internal.String()},
		}
	}
}

// transportMessage recognises the errors gqlgen raises, without a code, for requests it cannot
// read. Its decode error echoes the whole body, which may hold a password, so the message is
// replaced and never logged.
func transportMessage(msg string) (string, bool) {
	switch {
	case strings.HasPrefix(msg, "could not read request body"):
		return "request body could not be read or is too large", true
	case strings.HasPrefix(msg, "json request body could not be decoded"):
		return "request body is not a valid GraphQL request in JSON", true
	case msg == "introspection disabled":
		return "introspection is disabled", true
	}
	return "", false
}

// pathField turns an input path into the argument-relative field name: variable.input.email
// (a variable that failed validation) and addShift.input.startsAt (an argument that failed to
// parse under the field addShift) both become input.….
func pathField(p []ast.PathElement) string {
	if len(p) > 1 {
		p = p[1:]
	}
	var parts []string
	for _, el := range p {
		switch v := el.(type) {
		case ast.PathName:
			parts = append(parts, string(v))
		case ast.PathIndex:
			parts = append(parts, fmt.Sprint(int(v)))
		}
	}
	return strings.Join(parts, ".")
}

// recoverPanic turns a panic in a resolver into an internal error, keeping the stack in the log.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()), "operation", operationName(ctx))
		return errors.New("graph: panic")
	}
}

func operationName(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	return nameOf(graphql.GetOperationContext(ctx))
}

// nameOf is the operation's name: the one the client chose to run or, when the document has a
// single operation, that operation's own name.
func nameOf(opCtx *graphql.OperationContext) string {
	if opCtx.OperationName != "" {
		return opCtx.OperationName
	}
	if opCtx.Operation != nil {
		return opCtx.Operation.Name
	}
	return ""
}
