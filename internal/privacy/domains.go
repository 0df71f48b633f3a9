package privacy

import (
	"context"
	"log/slog"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/profile"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// Domains are the services of the foundation whose data the standard holders cover.
type Domains struct {
	Accounts      *account.Service
	Organisations *organisation.Service
	Opportunities *opportunity.Service
	Signups       *signup.Service
	Profiles      *profile.Service
	Inbox         *notify.Inbox
	Notify        *notify.Service
	// Records are the store's records without in-memory state.
	Records Records
	// FlushEvents writes buffered engagement events, so that an erasure reaches them.
	FlushEvents func()
	// Proxies keeps the people staff act for.
	Proxies ProxyStore
}

// Wire builds the data-rights services on the foundation's domains and stores: the audit
// log, the consent history (wired to the profile's contact switch and the e-mail
// preference) and the privacy service with the standard holders. Register the holders of
// later domains (groups, training) on the returned service.
func Wire(d Domains, consents consent.Store, auditLog audit.Store, log *slog.Logger) (*Service, *consent.Service, *audit.Service) {
	aud := audit.NewService(auditLog, d.Organisations)
	cons := consent.NewService(consents, nil)
	s := NewService(d.Accounts, d.Organisations, aud, log)
	s.registerDomains(d, cons)
	return s, cons, aud
}

// registerDomains registers the holders of the foundation's domains in erasure order, makes
// signups pass the erasure gate and wires consents to the profile and e-mail preference.
func (s *Service) registerDomains(d Domains, cons *consent.Service) {
	s.Register(
		// The account goes first: from then on the person cannot sign in or refresh.
		AccountHolder(d.Accounts),
		ProfileHolder(d.Profiles),
		OrganisationHolder(d.Organisations),
		OpportunityHolder(d.Opportunities),
		// Cancelling signups records events, so signups come before the event log.
		SignupHolder(d.Signups),
		RecordsHolder(d.Records, KindConsents, Delete),
		RecordsHolder(d.Records, KindCalendar, Delete),
		notificationHolder(d.Records, d.Inbox),
		RecordsHolder(d.Records, KindReplays, Delete),
		RecordsHolder(d.Records, KindAudit, Pseudonymise),
		RecordsHolder(d.Records, KindProxies, Delete),
	)
	s.RegisterLast(RecordsHolder(d.Records, KindEvents, Pseudonymise, d.FlushEvents))
	s.AddRelations(SignupRelations{Signups: d.Signups})
	d.Signups.SetAdmission(s)
	s.ages = Ages{Profiles: d.Profiles, Consents: cons}
	if d.Proxies != nil {
		deps := ProxyDeps{Store: d.Proxies, Accounts: d.Accounts, Signups: d.Signups}
		if d.Notify != nil {
			deps.Prefs = d.Notify
		}
		s.SetProxies(deps)
	}
	d.Profiles.SetContactConsent(cons)
	cons.AddEffect(consent.ContactEffect{Profiles: d.Profiles})
	if d.Notify != nil {
		cons.AddEffect(consent.EmailEffect{Notify: d.Notify})
	}
}

// notificationHolder is the user's messages and preferences, in the store and in memory.
func notificationHolder(r Records, inbox *notify.Inbox) Holder {
	h := RecordsHolder(r, KindNotifications, Delete).(Func)
	erase := h.EraseFn
	h.EraseFn = func(ctx context.Context, e Erasure) error {
		if err := erase(ctx, e); err != nil {
			return err
		}
		if inbox != nil {
			inbox.Forget(e.UserID)
		}
		return nil
	}
	return h
}
