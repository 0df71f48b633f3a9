package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// allowlist executes only the documents of the mobile app's manifest (allowlist mode): a
// request names one by its SHA-256 in the persistedQuery extension, or sends its exact text.
// Anything else is refused before it is parsed.
type allowlist struct {
	documents map[string]string // sha256 hex → document
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = allowlist{}

func (allowlist) ExtensionName() string                   { return "Allowlist" }
func (allowlist) Validate(graphql.ExecutableSchema) error { return nil }

func (a allowlist) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		if hash := persistedHash(p.Extensions); hash != "" {
			if doc, ok := a.documents[hash]; ok {
				p.Query = doc
				return nil
			}
		}
	} else {
		sum := sha256.Sum256([]byte(p.Query))
		if _, ok := a.documents[hex.EncodeToString(sum[:])]; ok {
			return nil
		}
	}
	err := gqlerror.Errorf("this server only runs the operations of the app's manifest")
	err.Extensions = map[string]any{"code": "FORBIDDEN"}
	return err
}

func persistedHash(ext map[string]any) string {
	pq, _ := ext["persistedQuery"].(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	return hash
}
