// Package privacy serves people's data rights directly through the API: an export of
// everything held about them, erasure of their account, and the gate that keeps an erasure
// and new records about the same person from crossing.
//
// Every domain that holds personal data contributes a Holder, registered where the server is
// wired; the export and the erasure walk all of them, so a new domain is covered by adding
// its holder, and a test that walks every collection catches one that was forgotten.
package privacy

import (
	"context"
)

// SchemaVersion is the version of the export document's layout.
const SchemaVersion = 1

// Erasure names the person being erased and the pseudonym that replaces them where a record
// must stay for the organisations' counts (signups, engagement events, the audit log). The
// pseudonym is random and is not stored with anything that could lead back to the person.
type Erasure struct {
	UserID      string
	Email       string
	DisplayName string
	Pseudonym   string
}

// Holder is one domain's share of a person's data.
type Holder interface {
	// Name is the key of the holder's section in the export.
	Name() string
	// Export returns what the holder keeps about the user, ready for JSON.
	Export(ctx context.Context, userID string) (any, error)
	// Erase removes the user's data or replaces the user by e.Pseudonym. It must be safe to
	// run again after a partial failure.
	Erase(ctx context.Context, e Erasure) error
}

// Checker is implemented by holders that can refuse an erasure before anything is changed,
// e.g. the last admin of an organisation.
type Checker interface {
	CheckErase(ctx context.Context, userID string) error
}

// Kind names records that live only in the store (no in-memory state), which the store
// exports and erases for the holders of this package.
type Kind string

const (
	KindEvents        Kind = "events"
	KindCalendar      Kind = "calendarFeeds"
	KindNotifications Kind = "notifications"
	KindReplays       Kind = "replays"
	KindConsents      Kind = "consents"
	KindAudit         Kind = "audit"
	KindProxies       Kind = "proxies"
)

// Mode is what an erasure does to records of a kind.
type Mode int

const (
	// Delete removes the records.
	Delete Mode = iota
	// Pseudonymise keeps the records for counts and replaces the person by the pseudonym.
	Pseudonymise
)

// Records is the store's view of records of a kind.
type Records interface {
	// RecordsOf returns the user's records of a kind as plain values with the stored field
	// names, leaving out secrets.
	RecordsOf(ctx context.Context, kind Kind, userID string) ([]map[string]any, error)
	// EraseRecords deletes or pseudonymises the user's records of a kind.
	EraseRecords(ctx context.Context, kind Kind, mode Mode, e Erasure) error
}
