// Package notify holds the notification outbox: one message per recipient, channel and
// idempotency key, delivered at most once, at a humane hour, in the recipient's language.
//
// The store's rules shape the design. On the embedded store an update, a delete or a lookup
// of one document costs time in proportion to its collection (measured in a collection of
// 15,000: a lookup by _id 18 ms on average, an update 46 ms), while an insert takes about
// 30 µs and a scan about 45 µs per document. So the outbox is written by inserts only:
//
//   - a message is inserted once under its ID (key and channel); inserting it again fails on
//     the unique _id, which is the no-op the idempotency key promises;
//   - e-mail work waits in a small queue of batch documents, a few per run, not one per
//     message;
//   - an attempt is claimed by inserting "<message>#<attempt>" into the attempt log before the
//     message is handed to SMTP: the unique _id lets exactly one worker send attempt n, on
//     MongoDB and on the embedded store alike (a conditional update would not be atomic
//     there), and the record survives a crash after sending;
//   - the outcome of an attempt is inserted into the result log under the same ID.
//
// A message's status (PENDING, SENDING, SENT, FAILED) is therefore read from these logs
// (Outbox.Message); the message document keeps the state it was created in: PENDING for an
// e-mail, SENT for an in-app message, which is delivered by being stored. A read mark is an
// insert too.
package notify

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
)

// Channel is how a message reaches its recipient.
type Channel string

const (
	InApp Channel = "INAPP"
	Email Channel = "EMAIL"
)

// Status is where a message stands.
type Status string

const (
	// Pending: waiting for its time or for a retry.
	Pending Status = "PENDING"
	// Sending: an attempt was claimed and its outcome is not recorded yet.
	Sending Status = "SENDING"
	// Sent: delivered (an in-app message is delivered by being stored).
	Sent Status = "SENT"
	// Failed: given up; LastError says why.
	Failed Status = "FAILED"
)

// Kind says what a message is about.
type Kind string

const (
	ShiftReminder        Kind = "SHIFT_REMINDER"
	Promoted             Kind = "PROMOTED"
	OpportunityCancelled Kind = "OPPORTUNITY_CANCELLED"
	ShiftCancelled       Kind = "SHIFT_CANCELLED"
	// ShiftChanged tells the people signed up for a shift its new times.
	ShiftChanged Kind = "SHIFT_CHANGED"
	// Invitation is a coordinator's invitation to a shift, sent only to volunteers who agreed
	// to be contacted.
	Invitation Kind = "INVITATION"
	// AccountInactive warns that an inactive account will be erased (package privacy).
	AccountInactive Kind = "ACCOUNT_INACTIVE"
	// MeetingReminder reminds a member of a self-help group meeting; MeetingReminderNeutral
	// does so for a sensitive group without naming it.
	MeetingReminder        Kind = "MEETING_REMINDER"
	MeetingReminderNeutral Kind = "MEETING_REMINDER_NEUTRAL"
	// MeetingCancelled tells the members who said they would come that a meeting is off;
	// MeetingCancelledNeutral does so without naming a sensitive group.
	MeetingCancelled        Kind = "MEETING_CANCELLED"
	MeetingCancelledNeutral Kind = "MEETING_CANCELLED_NEUTRAL"
	// MeetingMoved tells them a meeting's new time; MeetingMovedNeutral without naming a
	// sensitive group.
	MeetingMoved        Kind = "MEETING_MOVED"
	MeetingMovedNeutral Kind = "MEETING_MOVED_NEUTRAL"
	// MeetingPromoted tells a member on a meeting's waitlist that they have a place;
	// MeetingPromotedNeutral does so without naming a sensitive group.
	MeetingPromoted        Kind = "MEETING_PROMOTED"
	MeetingPromotedNeutral Kind = "MEETING_PROMOTED_NEUTRAL"
	// CoordinatorDigest lists an organisation's shifts of the next two weeks with open places.
	CoordinatorDigest Kind = "COORDINATOR_DIGEST"
	// TrainingExpiring and CredentialExpiring tell a volunteer that a completion or a verified
	// credential ends within 30 days; the ...Staff kinds tell the organisation's coordinators.
	TrainingExpiring        Kind = "TRAINING_EXPIRING"
	TrainingExpiringStaff   Kind = "TRAINING_EXPIRING_STAFF"
	CredentialExpiring      Kind = "CREDENTIAL_EXPIRING"
	CredentialExpiringStaff Kind = "CREDENTIAL_EXPIRING_STAFF"
)

// Message is one notification to one user on one channel.
type Message struct {
	// ID is the key and the channel: "<key>:email" or "<key>:inapp".
	ID string
	// Key is the idempotency key, e.g. "reminder:shift:<signupId>:24h".
	Key     string
	UserID  string
	Channel Channel
	Kind    Kind
	Locale  account.Locale
	Title   string
	Body    string
	// Sensitive messages travel by e-mail only in neutral words; the text stays in the app.
	Sensitive bool
	Status    Status
	// Attempts counts claimed delivery attempts.
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	ReadAt        time.Time
	// ExpiresAt is when the message stops being worth sending (a reminder once the shift
	// began); zero means never.
	ExpiresAt time.Time
}

// MessageID is the ID of the message with the key on the channel.
func MessageID(key string, ch Channel) string { return key + ":" + strings.ToLower(string(ch)) }

// Item is one e-mail waiting in the queue: a message and the attempt that is next.
type Item struct {
	Message Message
	// Attempt is the number of the attempt to make (1 for the first).
	Attempt int
	DueAt   time.Time
}

// AttemptID is the _id shared by the claim and the result of one attempt.
func AttemptID(messageID string, attempt int) string {
	return messageID + "#" + strconv.Itoa(attempt)
}

// ID is the attempt ID of the item.
func (it Item) ID() string { return AttemptID(it.Message.ID, it.Attempt) }

// Batch is one queue document: items enqueued together.
type Batch struct {
	ID    string
	Items []Item
}

// Attempt is the claim of one delivery attempt, stored before the message is sent.
type Attempt struct {
	ID        string // AttemptID(MessageID, N)
	MessageID string
	N         int
	Owner     string
	StartedAt time.Time
}

// Result is the recorded outcome of an attempt: Sent, Failed, or Pending for a retry.
type Result struct {
	ID        string // the attempt's ID
	MessageID string
	N         int
	Status    Status
	At        time.Time
	Error     string
}

// Outbox is the storage of messages and their delivery. Every write is an insert, except
// that a queue batch is deleted once a replacement holding its unfinished items is stored.
type Outbox interface {
	// InsertMessages stores the messages whose IDs are new and returns those IDs; a message
	// whose ID exists is left as it is.
	InsertMessages(ctx context.Context, msgs []Message) (inserted []string, err error)
	// InsertBatch queues items as one batch.
	InsertBatch(ctx context.Context, items []Item) error
	// Batches lists the queue.
	Batches(ctx context.Context) ([]Batch, error)
	// DeleteBatch removes a batch from the queue.
	DeleteBatch(ctx context.Context, id string) error
	// InsertAttempts claims attempts and returns the IDs of those this caller inserted; an
	// attempt someone else inserted first is not returned.
	InsertAttempts(ctx context.Context, attempts []Attempt) (won []string, err error)
	// InsertResults records outcomes; a result whose attempt has one already is dropped.
	InsertResults(ctx context.Context, results []Result) error
	// Attempts and Results return the records with the IDs that exist.
	Attempts(ctx context.Context, ids []string) (map[string]Attempt, error)
	Results(ctx context.Context, ids []string) (map[string]Result, error)
	// MessageIDs lists the IDs, starting with prefix, of the messages created at or after t.
	MessageIDs(ctx context.Context, prefix string, since time.Time) ([]string, error)
	// Message returns the message with its status read from the attempt and result logs, or
	// errs.ErrNotFound.
	Message(ctx context.Context, id string) (Message, error)
	// Prune deletes messages, queue batches, attempts, results and read marks older than t.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Recipient is what a message needs to know about its addressee.
type Recipient struct {
	UserID string
	Email  string
	Name   string
	Locale account.Locale
}

// Recipients looks users up; IDs of users that do not exist are missing from the result.
type Recipients interface {
	Recipients(ctx context.Context, userIDs []string) (map[string]Recipient, error)
}

// Mail is one e-mail for a Sender.
type Mail struct {
	// MessageID is the outbox message's ID; the sender derives the Message-ID header from
	// it, so every attempt of one message carries the same header and receivers can drop
	// a copy.
	MessageID string
	To        string
	Name      string
	Locale    account.Locale
	Subject   string
	Body      string
}

// Sender delivers e-mails. Send returns one error per e-mail, nil for a delivered one; an
// error is a *SendError when the sender can say more.
type Sender interface {
	Send(ctx context.Context, mails []Mail) []error
}

// SendError classifies a failed delivery.
type SendError struct {
	// Temporary failures (SMTP 4xx, no connection) are retried with backoff.
	Temporary bool
	// Unknown: the message may or may not have been accepted (the connection broke after
	// the content was sent). It is not retried, so nothing is delivered twice.
	Unknown bool
	Err     error
}

func (e *SendError) Error() string {
	switch {
	case e.Unknown:
		return "outcome unknown: " + e.Err.Error()
	case e.Temporary:
		return "temporary: " + e.Err.Error()
	default:
		return "permanent: " + e.Err.Error()
	}
}

func (e *SendError) Unwrap() error { return e.Err }

// classify reports whether err is worth another attempt and whether the outcome is unknown.
func classify(err error) (temporary, unknown bool) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary && !se.Unknown, se.Unknown
	}
	// An error the sender did not classify: no connection, a cancelled context. Nothing was
	// handed over, so trying again cannot duplicate.
	return true, false
}
