// Package mailtest runs a real SMTP server inside a test and records what it receives, so
// that tests count delivered e-mails instead of trusting the sender.
package mailtest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message as the server accepted it.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Header parses the message's header.
func (r Received) Header() mail.Header {
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return mail.Header{}
	}
	return m.Header
}

// Server is an SMTP server on 127.0.0.1 that accepts everything unless told otherwise.
type Server struct {
	Addr string

	mu       sync.Mutex
	received []Received
	// reject, if set, answers RCPT TO for an address: nil accepts it.
	reject func(to string) error
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	srv := &Server{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: srv}, nil }))
	s.Domain = "localhost"
	s.ReadTimeout = 30 * time.Second
	s.WriteTimeout = 30 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.MaxRecipients = 10
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	srv.Addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv
}

// URL is the SMTP_URL of the server.
func (s *Server) URL() string { return "smtp://" + s.Addr }

// Reject makes the server answer RCPT TO with the error f returns (nil accepts), for
// example &smtp.SMTPError{Code: 451} for a temporary failure.
func (s *Server) Reject(f func(to string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = f
}

// Temporary is an SMTP 451 reply.
func Temporary(msg string) error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: msg}
}

// Permanent is an SMTP 550 reply.
func Permanent(msg string) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: msg}
}

// Messages returns what the server accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Count is how many messages the server accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.received)
}

// ByMessageID counts the accepted messages per Message-ID header.
func (s *Server) ByMessageID() map[string]int {
	out := map[string]int{}
	for _, r := range s.Messages() {
		out[r.Header().Get("Message-Id")]++
	}
	return out
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.srv.mu.Lock()
	reject := se.srv.reject
	se.srv.mu.Unlock()
	if reject != nil {
		if err := reject(to); err != nil {
			return err
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("mailtest: read data: %w", err)
	}
	se.srv.mu.Lock()
	se.srv.received = append(se.srv.received, Received{From: se.from, To: append([]string(nil), se.to...), Data: b})
	se.srv.mu.Unlock()
	return nil
}
