// Package calendar publishes a volunteer's confirmed shifts as an iCalendar (RFC 5545) feed
// behind a secret URL that calendar apps subscribe to. The URL carries a random token instead
// of a login, because calendar apps cannot sign in; so the token is revocable, one per user,
// and stored only as its SHA-256.
package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/opportunity"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// TokenPrefix starts every feed token, so that a leaked token is recognisable (for secret
// scanners and in support requests) and a malformed one is refused without a lookup.
const TokenPrefix = "mwc_"

// PastWindow is how far back the feed reaches: shifts that ended longer ago drop out, so the
// feed stays small while recent history stays visible in the volunteer's calendar.
const PastWindow = 30 * 24 * time.Hour

// Feed is a user's calendar subscription. Only the token's hash is kept.
type Feed struct {
	Hash      string // hex SHA-256 of the token; the key it is looked up by
	UserID    string
	CreatedAt time.Time
	// Locale is the language the feed's texts are written in ("de" or "en"), taken from the
	// actor who created it: the feed is fetched by a calendar app without an actor.
	Locale string
}

// Tokens is the storage of feeds. A user has at most one feed.
type Tokens interface {
	// ReplaceCalendarFeed stores f as the user's feed, deleting any earlier feed of the user.
	ReplaceCalendarFeed(ctx context.Context, f Feed) error
	// CalendarFeed returns the feed with the hash, or errs.ErrNotFound.
	CalendarFeed(ctx context.Context, hash string) (Feed, error)
	// DeleteCalendarFeedsOf deletes every feed of the user and reports how many there were.
	DeleteCalendarFeedsOf(ctx context.Context, userID string) (int64, error)
}

// Signups lists the signups that hold a place, for shifts ending at or after from.
type Signups interface {
	ConfirmedOf(ctx context.Context, userID string, from time.Time) ([]signup.Signup, error)
}

// Catalog loads shifts and opportunities in batches, so that a feed costs two lookups
// whatever the number of signups.
type Catalog interface {
	ShiftsByIDs(ctx context.Context, ids []string) (map[string]opportunity.Shift, error)
	ByIDs(ctx context.Context, ids []string) (map[string]opportunity.Opportunity, error)
}

// Service issues, revokes and renders calendar feeds.
type Service struct {
	tokens  Tokens
	signups Signups
	catalog Catalog
	log     *slog.Logger
	now     func() time.Time
	// groups serves the separate feeds of self-help group meetings (see SetGroups).
	groups *groupFeeds
}

// NewService returns a calendar service.
func NewService(tokens Tokens, signups Signups, catalog Catalog, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{tokens: tokens, signups: signups, catalog: catalog, log: log, now: time.Now}
}

var (
	errSignIn   = errs.E(errs.Unauthenticated, "sign in first")
	errNotFound = errs.E(errs.NotFound, "calendar feed not found")
)

// Create issues a new feed token for the actor and revokes the actor's earlier feed, if any.
// The token is returned once and cannot be recovered: only its hash is stored.
func (s *Service) Create(ctx context.Context, actor auth.Actor) (string, error) {
	if !actor.Authenticated() {
		return "", errSignIn
	}
	return s.create(ctx, actor, s.tokens, TokenPrefix)
}

// create issues a token with the prefix and stores its feed in tokens.
func (s *Service) create(ctx context.Context, actor auth.Actor, tokens Tokens, prefix string) (string, error) {
	token, hash, err := newToken(prefix)
	if err != nil {
		return "", err
	}
	locale := "de"
	if !actor.German() {
		locale = "en"
	}
	f := Feed{Hash: hash, UserID: actor.UserID, CreatedAt: s.now(), Locale: locale}
	if err := tokens.ReplaceCalendarFeed(ctx, f); err != nil {
		return "", errs.Wrap("calendar: create feed", err)
	}
	return token, nil
}

// Revoke deletes the actor's feed; calendar apps subscribed to it get 404 from then on. It
// reports whether there was a feed.
func (s *Service) Revoke(ctx context.Context, actor auth.Actor) (bool, error) {
	if !actor.Authenticated() {
		return false, errSignIn
	}
	return revoke(ctx, actor, s.tokens)
}

func revoke(ctx context.Context, actor auth.Actor, tokens Tokens) (bool, error) {
	n, err := tokens.DeleteCalendarFeedsOf(ctx, actor.UserID)
	if err != nil {
		return false, errs.Wrap("calendar: revoke feed", err)
	}
	return n > 0, nil
}

// Render returns the iCalendar document of the feed with the token: the owner's confirmed
// and attended shifts that ended at most PastWindow ago or end later. An unknown or revoked
// token gives an error of kind errs.NotFound.
func (s *Service) Render(ctx context.Context, token string) ([]byte, error) {
	if s.groups != nil && wellFormed(token, GroupTokenPrefix) {
		return s.renderGroups(ctx, token)
	}
	f, err := feedOf(ctx, s.tokens, token, TokenPrefix)
	if err != nil {
		return nil, err
	}
	now := s.now()
	list, err := s.signups.ConfirmedOf(ctx, f.UserID, now.Add(-PastWindow))
	if err != nil {
		return nil, errs.Wrap("calendar: signups", err)
	}
	list = keepInFeed(list)
	shiftIDs := make([]string, 0, len(list))
	oppIDs := make([]string, 0, len(list))
	for _, su := range list {
		shiftIDs = append(shiftIDs, su.ShiftID)
		oppIDs = append(oppIDs, su.OpportunityID)
	}
	shifts, err := s.catalog.ShiftsByIDs(ctx, dedupe(shiftIDs))
	if err != nil {
		return nil, errs.Wrap("calendar: shifts", err)
	}
	opps, err := s.catalog.ByIDs(ctx, dedupe(oppIDs))
	if err != nil {
		return nil, errs.Wrap("calendar: opportunities", err)
	}
	return build(now, f.Locale, list, shifts, opps), nil
}

// feedOf looks up the feed of a token with the prefix; unknown or malformed tokens are
// errNotFound.
func feedOf(ctx context.Context, tokens Tokens, token, prefix string) (Feed, error) {
	if !wellFormed(token, prefix) {
		return Feed{}, errNotFound
	}
	f, err := tokens.CalendarFeed(ctx, hashToken(token))
	if errors.Is(err, errs.ErrNotFound) {
		return Feed{}, errNotFound
	}
	if err != nil {
		return Feed{}, errs.Wrap("calendar: find feed", err)
	}
	return f, nil
}

// Path is the URL path the feed with the token is served under (see Handler).
func Path(token string) string { return "/calendar/" + token + ".ics" }

// keepInFeed drops the signups that do not mean "I will be there" or "I was there": ConfirmedOf
// lists every signup that holds a place, and a no-show holds one without having come.
func keepInFeed(list []signup.Signup) []signup.Signup {
	out := make([]signup.Signup, 0, len(list))
	for _, su := range list {
		if su.Status.HoldsPlace() && su.Status != signup.NoShow {
			out = append(out, su)
		}
	}
	return out
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func newToken(prefix string) (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("calendar: random token: %w", err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is a plain SHA-256: the token carries 256 bits of randomness, so a slow hash adds
// nothing, and a fast one keeps the feed lookup a single primary-key read.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// tokenLen is the length of a token: the prefix (of four bytes) and 32 bytes in unpadded
// base64url.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(32)

// wellFormed reports whether token could have been issued with the prefix, so that junk
// (scanners, truncated URLs) is refused without touching the store.
func wellFormed(token, prefix string) bool {
	if len(token) != tokenLen || !strings.HasPrefix(token, prefix) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token[len(prefix):])
	return err == nil
}
