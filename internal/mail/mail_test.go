package mail_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/mitwirken/mitwirken/internal/account"
	"github.com/mitwirken/mitwirken/internal/mail"
	"github.com/mitwirken/mitwirken/internal/mail/mailtest"
	"github.com/mitwirken/mitwirken/internal/notify"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnv(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		wantErr string // substring; "" means no error
		check   func(t *testing.T, c *mail.Config)
	}{
		{name: "unset disables e-mail", env: map[string]string{}, check: func(t *testing.T, c *mail.Config) {
			if c != nil {
				t.Errorf("config = %+v, want nil", c)
			}
		}},
		{name: "full", env: map[string]string{"SMTP_URL": "smtp://ann:s3cret@mail.example.org:2525", "MAIL_FROM": "Tafel Nord <noreply@example.org>",
			"PUBLIC_URL": "https://mitwirken.example.org/"}, check: func(t *testing.T, c *mail.Config) {
			want := mail.Config{Host: "mail.example.org", Port: 2525, Username: "ann", Password: "s3cret", From: "noreply@example.org",
				FromName: "Tafel Nord", PublicURL: "https://mitwirken.example.org"}
			if *c != want {
				t.Errorf("config = %+v, want %+v", *c, want)
			}
		}},
		{name: "smtps defaults to 465", env: map[string]string{"SMTP_URL": "smtps://mail.example.org", "MAIL_FROM": "a@example.org"},
			check: func(t *testing.T, c *mail.Config) {
				if c.Port != 465 || c.TLS != mail.Implicit || c.PublicURL != mail.DefaultPublicURL {
					t.Errorf("config = %+v", *c)
				}
			}},
		{name: "bad scheme", env: map[string]string{"SMTP_URL": "http://mail.example.org", "MAIL_FROM": "a@example.org"}, wantErr: "SMTP_URL"},
		{name: "bad port", env: map[string]string{"SMTP_URL": "smtp://mail.example.org:99999", "MAIL_FROM": "a@example.org"}, wantErr: "SMTP_URL"},
		{name: "bad tls", env: map[string]string{"SMTP_URL": "smtp://mail.example.org?tls=maybe", "MAIL_FROM": "a@example.org"}, wantErr: "SMTP_URL"},
		{name: "no sender", env: map[string]string{"SMTP_URL": "smtp://mail.example.org"}, wantErr: "MAIL_FROM"},
		{name: "bad sender", env: map[string]string{"SMTP_URL": "smtp://mail.example.org", "MAIL_FROM": "not an address"}, wantErr: "MAIL_FROM"},
		{name: "bad public url", env: map[string]string{"PUBLIC_URL": "mitwirken.example.org"}, wantErr: "PUBLIC_URL"},
		{name: "password stays out of errors", env: map[string]string{"SMTP_URL": "smtp://ann:s3cret@mail example.org", "MAIL_FROM": "a@example.org"},
			wantErr: "SMTP_URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mail.FromEnv(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromEnv() error = %v, want one naming %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("FromEnv() error %q repeats the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromEnv() error = %v", err)
			}
			tt.check(t, c)
		})
	}
}

func newSender(t *testing.T, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	cfg, err := mail.FromEnv(env(map[string]string{"SMTP_URL": srv.URL(), "MAIL_FROM": "Mitwirken <noreply@mitwirken.example.org>",
		"PUBLIC_URL": "https://mitwirken.example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	return mail.New(*cfg)
}

// parts returns the decoded text/plain and text/html parts of a multipart/alternative message.
func parts(t *testing.T, data []byte) (header netmail.Header, text, html string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "quoted-printable":
			body = quotedprintable.NewReader(p)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	return msg.Header, text, html
}

func TestSendHeadersPartsAndLanguage(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2030, 5, 4, 16, 0, 0, 0, berlin)
	mk := func(id string, loc account.Locale, title string) notify.Mail {
		subject, body, err := notify.Render(notify.ShiftReminder, loc, notify.Data{Name: "Ada", Title: title, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		return notify.Mail{MessageID: id, To: "ada@example.org", Name: "Ada", Locale: loc, Subject: subject, Body: body}
	}
	de := mk("reminder:shift:s1:24h:email", account.LocaleDE, "Ausgabe an der Tafel <b>")
	en := mk("reminder:shift:s2:24h:email", account.LocaleEN, "Food bank")
	for _, err := range s.Send(t.Context(), []notify.Mail{de, en}) {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	// A second attempt of the same message carries the same Message-ID.
	if errs := s.Send(t.Context(), []notify.Mail{de}); errs[0] != nil {
		t.Fatalf("Send again: %v", errs[0])
	}
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	dec := new(mime.WordDecoder)
	for i, tt := range []struct {
		lang, subject, text, html, zone string
	}{
		{"de", "Erinnerung: Ausgabe an der Tafel <b>", "Ihr Einsatz „Ausgabe an der Tafel <b>“ beginnt am Samstag, 4. Mai 2030, um 16:00 Uhr (MESZ).",
			"Ausgabe an der Tafel &lt;b&gt;", "Benachrichtigungen einstellen"},
		{"en", "Reminder: Food bank", "your shift “Food bank” starts on Saturday, 4 May 2030, at 16:00 (CEST).", "your shift “Food bank” starts",
			"Notification settings"},
	} {
		h, text, html := parts(t, got[i].Data)
		if subj, _ := dec.DecodeHeader(h.Get("Subject")); subj != tt.subject {
			t.Errorf("message %d: Subject = %q, want %q", i, subj, tt.subject)
		}
		if h.Get("Content-Language") != tt.lang {
			t.Errorf("message %d: Content-Language = %q, want %q", i, h.Get("Content-Language"), tt.lang)
		}
		if want := "<https://mitwirken.example.org/settings/notifications>"; h.Get("List-Unsubscribe") != want {
			t.Errorf("message %d: List-Unsubscribe = %q, want %q", i, h.Get("List-Unsubscribe"), want)
		}
		if h.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("message %d: Auto-Submitted = %q", i, h.Get("Auto-Submitted"))
		}
		if !strings.Contains(text, tt.text) || !strings.Contains(text, tt.zone) {
			t.Errorf("message %d: text part lacks %q or %q:\n%s", i, tt.text, tt.zone, text)
		}
		if !strings.Contains(html, tt.html) || !strings.Contains(html, `href="https://mitwirken.example.org/settings/notifications"`) ||
			!strings.Contains(html, `lang="`+tt.lang+`"`) {
			t.Errorf("message %d: HTML part lacks %q, the settings link or the language:\n%s", i, tt.html, html)
		}
		if strings.Contains(html, "<b>") {
			t.Errorf("message %d: HTML part does not escape the title:\n%s", i, html)
		}
		if got[i].To[0] != "ada@example.org" || got[i].From != "noreply@mitwirken.example.org" {
			t.Errorf("message %d: envelope %s → %v", i, got[i].From, got[i].To)
		}
	}
	id0, id1, id2 := got[0].Header().Get("Message-Id"), got[1].Header().Get("Message-Id"), got[2].Header().Get("Message-Id")
	if id0 == "" || id0 != id2 || id0 == id1 {
		t.Errorf("Message-IDs = %q, %q, %q; want the first and third equal, the second different", id0, id1, id2)
	}
	if want := "<" + s.MessageID(de.MessageID) + ">"; id0 != want || strings.Contains(id0, "s1") {
		t.Errorf("Message-ID = %q, want %q, revealing no key", id0, want)
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	srv := mailtest.Start(t)
	srv.Reject(func(to string) error {
		switch {
		case strings.HasPrefix(to, "busy@"):
			return mailtest.Temporary("mailbox busy")
		case strings.HasPrefix(to, "gone@"):
			return mailtest.Permanent("no such user")
		}
		return nil
	})
	s := newSender(t, srv)
	mails := []notify.Mail{
		{MessageID: "a", To: "busy@example.org", Subject: "s", Body: "b"},
		{MessageID: "b", To: "gone@example.org", Subject: "s", Body: "b"},
		{MessageID: "c", To: "ok@example.org", Subject: "s", Body: "b"},
	}
	errs := s.Send(t.Context(), mails)
	var se *notify.SendError
	if !errors.As(errs[0], &se) || !se.Temporary || se.Unknown {
		t.Errorf("451 reply: err = %v, want a temporary SendError", errs[0])
	}
	if !errors.As(errs[1], &se) || se.Temporary || se.Unknown {
		t.Errorf("550 reply: err = %v, want a permanent SendError", errs[1])
	}
	if errs[2] != nil {
		t.Errorf("accepted message: err = %v", errs[2])
	}
	if srv.Count() != 1 {
		t.Errorf("server received %d messages, want 1", srv.Count())
	}

	// Nobody listening: nothing was handed over, so it is worth another try.
	cfg := mail.Config{Host: "127.0.0.1", Port: 1, From: "a@example.org", PublicURL: mail.DefaultPublicURL, Timeout: 2 * time.Second}
	errs = mail.New(cfg).Send(t.Context(), mails[2:])
	if !errors.As(errs[0], &se) || !se.Temporary {
		t.Errorf("no server: err = %v, want a temporary SendError", errs[0])
	}
}
