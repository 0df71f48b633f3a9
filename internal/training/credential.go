package training

import (
	"context"
	"time"
)

// CertificateOfConduct is the extended certificate of conduct (erweitertes Führungszeugnis,
// §72a SGB VIII) needed for work with children; it is re-checked every five years.
const CertificateOfConduct = "CERTIFICATE_OF_CONDUCT"

// defaultValidity is how long a kind counts after the document's date when the coordinator
// gives no end; kinds missing here count without end.
var defaultValidity = map[string]int{CertificateOfConduct: 5} // years

// Credential is a fact a coordinator verified by seeing a document: only the kind and the
// dates, never the document or what it says.
type Credential struct {
	ID             string
	OrganisationID string
	UserID         string
	Kind           string
	// DocumentDate is the date the document was issued; SeenDate when the coordinator saw it.
	DocumentDate Date
	SeenDate     Date
	// ValidUntil is the last day it counts; zero: without end.
	ValidUntil Date
	VerifiedBy string
	RecordedAt time.Time
}

// ValidAt reports whether the credential counts at t (through the whole of its last day, in
// German time).
func (c Credential) ValidAt(t time.Time) bool {
	return c.ValidUntil.IsZero() || !DateOf(t).After(c.ValidUntil)
}

// CredentialRepo stores credentials; one per organisation, volunteer and kind (recording it
// again replaces it).
type CredentialRepo interface {
	PutCredential(ctx context.Context, c Credential) error
	Credential(ctx context.Context, id string) (Credential, error)
	DeleteCredentials(ctx context.Context, ids []string) (int64, error)
	CredentialsOf(ctx context.Context, userID string) ([]Credential, error)
	CredentialsOfOrganisation(ctx context.Context, orgID string) ([]Credential, error)
	AllCredentials(ctx context.Context) ([]Credential, error)
}

// Activity tells when volunteers were last active in organisations.
type Activity interface {
	// LastActivity returns, per ActivityKey(user, organisation), the end of the volunteer's
	// latest shift there.
	LastActivity(ctx context.Context, userIDs []string) (map[string]time.Time, error)
}

// ActivityKey joins a volunteer and an organisation for Activity.
func ActivityKey(userID, orgID string) string { return userID + "|" + orgID }
