// Package mail sends the outbox's e-mails over SMTP, with a plain-text and an HTML part in the
// recipient's language, a Message-ID derived from the outbox message (so that every attempt
// of one message carries the same one), and a List-Unsubscribe header.
package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/notify"
)

// TLS says how the connection is protected.
type TLS int

const (
	// Opportunistic uses STARTTLS when the server offers it (smtp://, the default).
	Opportunistic TLS = iota
	// Required refuses a server without STARTTLS (smtp://…?tls=required).
	Required
	// Implicit speaks TLS from the start (smtps://).
	Implicit
	// Off never uses TLS (smtp://…?tls=off), for a relay on the same host.
	Off
)

// Config is the mail configuration, read by FromEnv.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      TLS
	// From is the sender address; FromName its display name.
	From     string
	FromName string
	// PublicURL is where the app lives; the notification settings link is built from it.
	PublicURL string
	// Timeout bounds each SMTP command (default 30 s).
	Timeout time.Duration
}

// DefaultPublicURL is used when PUBLIC_URL is not set.
const DefaultPublicURL = "http://localhost:8080"

// FromEnv reads SMTP_URL (smtp://user:pass@host:port or smtps://…), MAIL_FROM and PUBLIC_URL.
// Without SMTP_URL it returns nil: e-mail is disabled. Errors name the variable.
func FromEnv(getenv func(string) string) (*Config, error) {
	public := strings.TrimSpace(getenv("PUBLIC_URL"))
	if public == "" {
		public = DefaultPublicURL
	}
	pu, err := url.Parse(public)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, fmt.Errorf("PUBLIC_URL: want an absolute http(s) address such as https://mitwirken.example.org, got %q", public)
	}
	raw := strings.TrimSpace(getenv("SMTP_URL"))
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The parse error would repeat the password.
		return nil, errors.New("SMTP_URL: not a URL; want smtp://user:password@host:port")
	}
	cfg := &Config{Host: u.Hostname(), PublicURL: strings.TrimRight(pu.String(), "/"), FromName: "Mitwirken"}
	switch u.Scheme {
	case "smtp":
		cfg.Port = 587
		switch u.Query().Get("tls") {
		case "", "opportunistic":
		case "required":
			cfg.TLS = Required
		case "off":
			cfg.TLS = Off
		default:
			return nil, errors.New("SMTP_URL: tls= must be opportunistic, required or off")
		}
	case "smtps":
		cfg.Port, cfg.TLS = 465, Implicit
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme must be smtp or smtps, got %q", u.Scheme)
	}
	if cfg.Host == "" {
		return nil, errors.New("SMTP_URL: no host; want smtp://user:password@host:port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP_URL: bad port %q", p)
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	from := strings.TrimSpace(getenv("MAIL_FROM"))
	if from == "" {
		return nil, errors.New("MAIL_FROM: required when SMTP_URL is set, e.g. Mitwirken <noreply@example.org>")
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("MAIL_FROM: not an e-mail address: %q", from)
	}
	cfg.From = addr.Address
	if addr.Name != "" {
		cfg.FromName = addr.Name
	}
	return cfg, nil
}

// SenderFromEnv returns the sender FromEnv configures, or nil (no error) when SMTP_URL is not
// set and e-mail is disabled.
func SenderFromEnv(getenv func(string) string) (notify.Sender, error) {
	cfg, err := FromEnv(getenv)
	if err != nil || cfg == nil {
		return nil, err
	}
	return New(*cfg), nil
}

// Sender sends e-mails over SMTP; it implements notify.Sender. Each Send uses one connection.
type Sender struct {
	cfg    Config
	domain string
}

// New returns a sender.
func New(cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	domain := "mitwirken.invalid"
	if _, d, ok := strings.Cut(cfg.From, "@"); ok && d != "" {
		domain = d
	}
	return &Sender{cfg: cfg, domain: domain}
}

var _ notify.Sender = (*Sender)(nil)

// MessageID derives the Message-ID (without angle brackets) of an outbox message: the same
// for every attempt, and revealing nothing of the key.
func (s *Sender) MessageID(outboxID string) string {
	sum := sha256.Sum256([]byte(outboxID))
	return hex.EncodeToString(sum[:16]) + "@" + s.domain
}

// SettingsURL is where a recipient changes or stops notifications; List-Unsubscribe points
// there.
func (s *Sender) SettingsURL() string { return s.cfg.PublicURL + "/settings/notifications" }

var footers = map[account.Locale][2]string{
	account.LocaleDE: {"Sie erhalten diese Nachricht, weil Sie bei Mitwirken angemeldet sind.", "Benachrichtigungen einstellen"},
	account.LocaleEN: {"You receive this message because you have an account on Mitwirken.", "Notification settings"},
}

var htmlPart = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<hr>
<p style="font-size: smaller; color: #555">{{.Footer}} <a href="{{.SettingsURL}}">{{.SettingsLabel}}</a></p>
</body>
</html>
`))

func (s *Sender) compose(m notify.Mail) (*gomail.Msg, error) {
	lang := m.Locale
	if lang != account.LocaleEN {
		lang = account.LocaleDE
	}
	footer := footers[lang]
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.cfg.FromName, s.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(m.Name, m.To); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(s.MessageID(m.MessageID))
	msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+s.SettingsURL()+">")
	msg.SetGenHeader(gomail.HeaderContentLang, string(lang))
	// RFC 3834: tells autoresponders not to answer.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body+"\n\n-- \n"+footer[0]+"\n"+footer[1]+": "+s.SettingsURL()+"\n")
	var paragraphs []string
	for _, p := range strings.Split(m.Body, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paragraphs = append(paragraphs, p)
		}
	}
	var html strings.Builder
	if err := htmlPart.Execute(&html, map[string]any{"Lang": lang, "Subject": m.Subject, "Paragraphs": paragraphs,
		"Footer": footer[0], "SettingsURL": s.SettingsURL(), "SettingsLabel": footer[1]}); err != nil {
		return nil, err
	}
	msg.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return msg, nil
}

func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case Opportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case Required:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Implicit:
		opts = append(opts, gomail.WithSSL())
	case Off:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// Send delivers the e-mails over one connection and returns one error per e-mail, each a
// *notify.SendError: temporary for an SMTP 4xx or a failure before the content was sent,
// permanent for an SMTP 5xx or a bad address, unknown when the connection broke after the
// content was sent and before the server answered.
func (s *Sender) Send(ctx context.Context, mails []notify.Mail) []error {
	out := make([]error, len(mails))
	msgs := make([]*gomail.Msg, 0, len(mails))
	index := make([]int, 0, len(mails))
	for i, m := range mails {
		msg, err := s.compose(m)
		if err != nil {
			out[i] = &notify.SendError{Err: fmt.Errorf("mail: compose: %w", err)}
			continue
		}
		msgs = append(msgs, msg)
		index = append(index, i)
	}
	if len(msgs) == 0 {
		return out
	}
	c, err := s.client()
	if err != nil {
		for _, i := range index {
			out[i] = &notify.SendError{Err: fmt.Errorf("mail: client: %w", err)}
		}
		return out
	}
	sendErr := c.DialAndSendWithContext(ctx, msgs...)
	for k, msg := range msgs {
		i := index[k]
		switch {
		case msg.IsDelivered():
			// Accepted; a failing RSET afterwards does not change that.
		case msg.HasSendError():
			out[i] = classify(msg.SendError())
		case sendErr != nil:
			// Never reached the server (no connection).
			out[i] = &notify.SendError{Temporary: true, Err: fmt.Errorf("mail: %w", sendErr)}
		default:
			out[i] = &notify.SendError{Temporary: true, Err: errors.New("mail: not sent")}
		}
	}
	return out
}

// classify maps go-mail's error for one message to a notify.SendError.
func classify(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return &notify.SendError{Temporary: true, Err: err}
	}
	code := se.ErrorCode()
	var netErr net.Error
	switch {
	case se.Reason == gomail.ErrSMTPDataClose && code == 0:
		// The content went out and the answer did not come back.
		return &notify.SendError{Unknown: true, Err: err}
	case code >= 500:
		return &notify.SendError{Err: err}
	case code >= 400, code == 0, errors.As(err, &netErr):
		return &notify.SendError{Temporary: true, Err: err}
	default:
		return &notify.SendError{Err: err}
	}
}
