// Package consent keeps what people agreed to: the terms, the processing of their data,
// being contacted by coordinators, e-mail and push messages, and the consents staff record
// for others (a parent for a minor, a person registered without a smartphone).
//
// Every decision is a new record with its time and the version of the text agreed to; the
// history is never changed. The current state of a purpose is its latest record. Effects
// (such as no more invitations after contact was withdrawn) are applied before the call
// returns.
package consent

import (
	"context"
	"time"
)

// Purpose is what a consent is for.
type Purpose string

const (
	Terms              Purpose = "TERMS"
	Processing         Purpose = "PROCESSING"
	CoordinatorContact Purpose = "COORDINATOR_CONTACT"
	Email              Purpose = "EMAIL"
	Push               Purpose = "PUSH"
	// Parental is a parent's or guardian's consent for a volunteer under 16, recorded by staff.
	Parental Purpose = "PARENTAL"
	// Proxy is the consent of a person whom staff registered and act for.
	Proxy Purpose = "PROXY"
)

// Purposes lists every purpose in a stable order.
var Purposes = []Purpose{Terms, Processing, CoordinatorContact, Email, Push, Parental, Proxy}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool {
	for _, q := range Purposes {
		if p == q {
			return true
		}
	}
	return false
}

// SelfService reports whether the user gives and withdraws the purpose themself; the others
// are recorded by staff.
func (p Purpose) SelfService() bool { return p != Parental && p != Proxy }

// Method is how a consent was given.
type Method string

const (
	InApp    Method = "APP"
	InPerson Method = "IN_PERSON"
	Phone    Method = "PHONE"
	Written  Method = "WRITTEN"
)

// Valid reports whether m is a known method.
func (m Method) Valid() bool { return m == InApp || m == InPerson || m == Phone || m == Written }

// Record is one decision: granted or withdrawn, at a time, for a version of the text.
type Record struct {
	ID      string
	UserID  string
	Purpose Purpose
	Version int
	Granted bool
	Method  Method
	// RecordedBy is the user who recorded it: the person themself, or staff.
	RecordedBy string
	// OrganisationID is set when staff of an organisation recorded it.
	OrganisationID string
	// Note says who gave it when that is not the person (e.g. "mother, by phone").
	Note string
	At   time.Time
}

// Store is the append-only storage of records.
type Store interface {
	AppendConsent(ctx context.Context, r Record) error
	// ConsentsOf lists a user's records, oldest first.
	ConsentsOf(ctx context.Context, userID string) ([]Record, error)
}

// Versions are the current versions of the texts per purpose. Raising one asks everyone who
// agreed to an older version to agree again.
type Versions map[Purpose]int

// DefaultVersions are the versions of the texts in force.
var DefaultVersions = Versions{Terms: 1, Processing: 1, CoordinatorContact: 1, Email: 1, Push: 1, Parental: 1, Proxy: 1}

// required purposes must be granted in their current version to use the service.
var required = []Purpose{Terms, Processing}

// Effect applies a change of consent at once elsewhere (e.g. the profile's contact flag).
type Effect interface {
	ConsentChanged(ctx context.Context, userID string, p Purpose, granted bool) error
}
