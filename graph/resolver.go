package graph

import (
	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/calendar"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/discovery"
	"github.com/mitwirken/mitwirken/internal/group"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/privacy"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/replay"
	"github.com/mitwirken/mitwirken/internal/schedule"
	"github.com/mitwirken/mitwirken/internal/signup"
	"github.com/mitwirken/mitwirken/internal/stats"
	"github.com/mitwirken/mitwirken/internal/training"
)

//go:generate go tool gqlgen generate

// Resolver is the root of the resolver tree and the only wiring point of the transport: it
// holds the domain services. Resolvers map GraphQL to one domain call and back; rules live in
// the services.
type Resolver struct {
	// Svc is a named field, not embedded: resolver methods such as Query.opportunities
	// would otherwise shadow the services of the same name.
	Svc Services
}

// Services are the domain services the resolvers call.
type Services struct {
	Accounts      *account.Service
	Organisations *organisation.Service
	Opportunities *opportunity.Service
	Signups       *signup.Service
	Calendar      *calendar.Service
	Profiles      *profile.Service
	Discovery     *discovery.Service
	Inbox         *notify.Inbox
	Replays       *replay.Service
	Privacy       *privacy.Service
	Consents      *consent.Service
	Audit         *audit.Service
	Notify        *notify.Service
	JobRuns       *schedule.RunView
	Training      *training.Service
	Stats         *stats.Service
	Groups        *group.Service
}
