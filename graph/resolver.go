package graph

import (
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/organisation"
)

//go:generate go tool gqlgen generate

// Resolver is the root of the resolver tree and the only wiring point of the transport: it
// holds the domain services. Resolvers map GraphQL to one domain call and back; rules live in
// the services.
type Resolver struct {
	Accounts      *account.Service
	Organisations *organisation.Service
}
