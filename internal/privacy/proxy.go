package privacy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/audit"
	"github.com/mitwirken/mitwirken/internal/auth"
	"github.com/mitwirken/mitwirken/internal/consent"
	"github.com/mitwirken/mitwirken/internal/errs"
	"github.com/mitwirken/mitwirken/internal/input"
	"github.com/mitwirken/mitwirken/internal/notify"
	"github.com/mitwirken/mitwirken/internal/organisation"
	"github.com/mitwirken/mitwirken/internal/signup"
)

// Proxy use ("Recht auf Altern ohne Technik"): staff register a person without a smartphone,
// with the person's consent, sign them up on their behalf and call them instead of sending
// reminders; the person can take the account over later with a one-time code.

// Proxy is a person staff of an organisation act for.
type Proxy struct {
	UserID         string
	OrganisationID string
	Phone          string
	RegisteredBy   string
	RegisteredAt   time.Time
	// CodeHash is the SHA-256 of the one-time takeover code; empty once used.
	CodeHash string
}

// ProxyStore keeps the proxies.
type ProxyStore interface {
	InsertProxy(ctx context.Context, p Proxy) error
	// Proxy returns errs.ErrNotFound for a user nobody acts for.
	Proxy(ctx context.Context, userID string) (Proxy, error)
	ProxyByCode(ctx context.Context, codeHash string) (Proxy, error)
	ProxiesOf(ctx context.Context, orgID string) ([]Proxy, error)
	DeleteProxy(ctx context.Context, userID string) error
}

// ProxyAccounts creates and hands over proxy accounts (account.Service).
type ProxyAccounts interface {
	RegisterProxy(ctx context.Context, displayName string, locale account.Locale) (account.User, error)
	TakeOver(ctx context.Context, userID, email, password, clientAddr string) (account.Auth, error)
}

// Preferences switches a proxy's e-mail off: their address is a placeholder (notify.Service).
type Preferences interface {
	Preferences(ctx context.Context, userID string) (notify.Preferences, error)
	SetPreferences(ctx context.Context, p notify.Preferences) (notify.Preferences, error)
}

// ProxyDeps are what proxy use needs besides the service's own parts.
type ProxyDeps struct {
	Store    ProxyStore
	Accounts ProxyAccounts
	Signups  *signup.Service
	Prefs    Preferences
}

// SetProxies wires proxy use.
func (s *Service) SetProxies(d ProxyDeps) {
	s.proxies = d
	s.phones = proxyPhones{d.Store}
	s.AddRelations(proxyPhones{d.Store})
}

// RelatedTo tells that the organisation registered the person and acts for them.
func (p proxyPhones) RelatedTo(ctx context.Context, userID, orgID string) (bool, error) {
	pr, err := p.store.Proxy(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	return err == nil && pr.OrganisationID == orgID, errs.Wrap("privacy: proxy relation", err)
}

type proxyPhones struct{ store ProxyStore }

func (p proxyPhones) PhoneOf(ctx context.Context, userID string) (string, error) {
	pr, err := p.store.Proxy(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return "", nil
	}
	return pr.Phone, errs.Wrap("privacy: phone", err)
}

var phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ()/-]{5,24}$`)

// ProxyInput registers a person without a smartphone.
type ProxyInput struct {
	OrganisationID string
	DisplayName    string
	Phone          string
	Locale         account.Locale
	// BirthYear is optional.
	ConsentMethod consent.Method
	ConsentNote   string
}

// ProxyRegistration is the new account with the one-time code the person can take it over
// with; the code is shown once and stored only as a hash.
type ProxyRegistration struct {
	User         account.User
	TakeoverCode string
}

// RegisterProxy registers a person without a smartphone for staff of an organisation, with
// the person's consent as given (in person or by phone); logged.
func (s *Service) RegisterProxy(ctx context.Context, actor auth.Actor, in ProxyInput) (ProxyRegistration, error) {
	if _, err := s.staff.Authorize(ctx, actor, in.OrganisationID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return ProxyRegistration{}, err
	}
	if _, err := input.Text("input.displayName", in.DisplayName, 1, account.MaxDisplayNameRunes); err != nil {
		return ProxyRegistration{}, err
	}
	phone := strings.TrimSpace(in.Phone)
	if !phonePattern.MatchString(phone) {
		return ProxyRegistration{}, errs.InvalidField("input.phone", "give a phone number, e.g. +49 30 1234567")
	}
	if in.ConsentMethod != consent.InPerson && in.ConsentMethod != consent.Phone && in.ConsentMethod != consent.Written {
		return ProxyRegistration{}, errs.InvalidField("input.consentMethod", "say how the person agreed: IN_PERSON, PHONE or WRITTEN")
	}
	note, err := input.Text("input.consentNote", strings.TrimSpace(in.ConsentNote), 0, 300)
	if err != nil {
		return ProxyRegistration{}, err
	}
	code, hash, err := newTakeoverCode()
	if err != nil {
		return ProxyRegistration{}, err
	}
	u, err := s.proxies.Accounts.RegisterProxy(ctx, in.DisplayName, in.Locale)
	if err != nil {
		return ProxyRegistration{}, err
	}
	p := Proxy{UserID: u.ID, OrganisationID: in.OrganisationID, Phone: phone, RegisteredBy: actor.UserID, RegisteredAt: s.now(), CodeHash: hash}
	if err := s.proxies.Store.InsertProxy(ctx, p); err != nil {
		return ProxyRegistration{}, errs.Wrap("privacy: register proxy", err)
	}
	if _, err := s.ages.Consents.RecordOnBehalf(ctx, actor, consent.OnBehalf{UserID: u.ID, Purpose: consent.Proxy, Granted: true,
		Method: in.ConsentMethod, Note: note, OrganisationID: in.OrganisationID}, "input"); err != nil {
		return ProxyRegistration{}, err
	}
	if err := s.emailOff(ctx, u.ID, false); err != nil {
		return ProxyRegistration{}, err
	}
	if err := s.audit.Record(ctx, audit.Entry{ActorID: actor.UserID, SubjectUserID: u.ID, OrganisationID: in.OrganisationID,
		Action: audit.ProxyRegistered, Reason: "consent " + strings.ToLower(string(in.ConsentMethod))}); err != nil {
		return ProxyRegistration{}, err
	}
	return ProxyRegistration{User: u, TakeoverCode: code}, nil
}

// emailOff sets the e-mail preference: off for a placeholder address, on after a takeover.
func (s *Service) emailOff(ctx context.Context, userID string, on bool) error {
	if s.proxies.Prefs == nil {
		return nil
	}
	return consent.EmailEffect{Notify: s.proxies.Prefs}.ConsentChanged(ctx, userID, consent.Email, on)
}

// SignUpProxy signs a person the organisation acts for up for a shift of that organisation.
func (s *Service) SignUpProxy(ctx context.Context, actor auth.Actor, shiftID, userID string, allowOverlap bool) (signup.Signup, error) {
	p, err := s.proxies.Store.Proxy(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		p = Proxy{}
	} else if err != nil {
		return signup.Signup{}, errs.Wrap("privacy: proxy", err)
	}
	return s.proxies.Signups.SignUpPerson(ctx, actor, shiftID, userID, allowOverlap, func(orgID string) bool {
		return p.UserID != "" && p.OrganisationID == orgID
	})
}

// Call is one confirmed shift of a person to call about.
type Call struct {
	UserID        string
	DisplayName   string
	Phone         string
	ShiftID       string
	OpportunityID string
	StartsAt      time.Time
	EndsAt        time.Time
}

// CallList lists the confirmed shifts on a day (in Europe/Berlin) of the people the
// organisation acts for, so that staff call them instead of sending reminders. It shows phone
// numbers, so it is logged.
func (s *Service) CallList(ctx context.Context, actor auth.Actor, orgID, date string) ([]Call, error) {
	if _, err := s.staff.Authorize(ctx, actor, orgID, organisation.RoleAdmin, organisation.RoleCoordinator); err != nil {
		return nil, err
	}
	loc, _ := time.LoadLocation("Europe/Berlin")
	day, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return nil, errs.InvalidField("date", "use YYYY-MM-DD")
	}
	next := day.AddDate(0, 0, 1)
	proxies, err := s.proxies.Store.ProxiesOf(ctx, orgID)
	if err != nil {
		return nil, errs.Wrap("privacy: call list", err)
	}
	calls := []Call{}
	for _, p := range proxies {
		u, err := s.accounts.User(ctx, p.UserID)
		if err != nil {
			continue // erased meanwhile
		}
		list, err := s.proxies.Signups.ExportOf(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		for _, su := range list {
			if su.OrganisationID != orgID || su.Status != signup.Confirmed || su.ShiftStart.Before(day) || !su.ShiftStart.Before(next) {
				continue
			}
			calls = append(calls, Call{UserID: p.UserID, DisplayName: u.DisplayName, Phone: p.Phone, ShiftID: su.ShiftID,
				OpportunityID: su.OpportunityID, StartsAt: su.ShiftStart.In(loc), EndsAt: su.ShiftEnd.In(loc)})
		}
	}
	slices.SortFunc(calls, func(a, b Call) int { return a.StartsAt.Compare(b.StartsAt) })
	if err := s.audit.Record(ctx, audit.Entry{ActorID: actor.UserID, OrganisationID: orgID, Action: audit.CallListExported,
		Reason: "call list for " + date}); err != nil {
		return nil, err
	}
	return calls, nil
}

// CallListCSV is the call list as CSV with semicolons (as spreadsheet programs in Germany
// expect), one call per line.
func (s *Service) CallListCSV(ctx context.Context, actor auth.Actor, orgID, date string) (string, error) {
	calls, err := s.CallList(ctx, actor, orgID, date)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	_ = w.Write([]string{"name", "phone", "start", "end", "shiftId"})
	for _, c := range calls {
		_ = w.Write([]string{c.DisplayName, c.Phone, c.StartsAt.Format("2006-01-02 15:04"), c.EndsAt.Format("15:04"), c.ShiftID})
	}
	w.Flush()
	return buf.String(), errs.Wrap("privacy: call list csv", w.Error())
}

// TakeOver hands a proxy account to the person: the one-time code from the registration, their
// own e-mail address and a password. The code works once; the phone number kept for the call
// list is deleted.
func (s *Service) TakeOver(ctx context.Context, code, email, password, clientAddr string) (account.Auth, error) {
	sum := sha256.Sum256([]byte(normaliseCode(code)))
	p, err := s.proxies.Store.ProxyByCode(ctx, hex.EncodeToString(sum[:]))
	if errors.Is(err, errs.ErrNotFound) {
		return account.Auth{}, errs.InvalidField("input.code", "this code is not valid")
	}
	if err != nil {
		return account.Auth{}, errs.Wrap("privacy: take over", err)
	}
	a, err := s.proxies.Accounts.TakeOver(ctx, p.UserID, email, password, clientAddr)
	if err != nil {
		return account.Auth{}, err
	}
	if err := s.proxies.Store.DeleteProxy(ctx, p.UserID); err != nil {
		return account.Auth{}, errs.Wrap("privacy: take over", err)
	}
	return a, s.emailOff(ctx, p.UserID, true)
}

// newTakeoverCode returns a code of 60 random bits, readable over the phone, and its hash.
func newTakeoverCode() (code, hash string, err error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", "", errs.Wrap("privacy: takeover code", err)
	}
	raw := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:12]
	code = raw[:4] + "-" + raw[4:8] + "-" + raw[8:]
	sum := sha256.Sum256([]byte(raw))
	return code, hex.EncodeToString(sum[:]), nil
}

func normaliseCode(code string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
}
