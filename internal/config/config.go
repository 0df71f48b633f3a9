// Package config reads the process configuration from the environment once, validates all of
// it and reports every bad value with the variable's name.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mitwirken/mitwirken/internal/input"
)

// Config is the configuration of the server and the worker.
type Config struct {
	ListenAddr   string
	MongoURI     string // empty: embedded store
	Database     string
	DataDir      string
	EmbeddedAddr string // empty: the embedded store is private to the process
	DevMode      bool
	JWTSecret    []byte // empty in dev: generated once and kept in DataDir
	LogLevel     slog.Level

	MaxBodyBytes    int64
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	MaxDepth        int
	MaxComplexity   int
	// RatePerSecond limits requests per client address; zero disables the limit.
	RatePerSecond int
	// PersistedOnly runs only the operations of the mobile app's manifest.
	PersistedOnly bool

	// Worker runs the scheduled jobs inside the server process.
	Worker bool

	// StatsK is the suppression threshold of the engagement statistics: no smaller count is shown.
	StatsK int
	// AccountLimits limits signups, invitations and searches per account (package quota).
	AccountLimits bool
	// ShiftReminderLeads are how long before a shift's start its reminders are due.
	ShiftReminderLeads []time.Duration

	// CredentialRetentionDays is how long a verified credential is kept after the volunteer's
	// last activity in the organisation.
	CredentialRetentionDays int
	// Retention of personal data (the deletion concept in README.md): inactive accounts are
	// erased after RetentionInactiveMonths with a warning RetentionWarningDays before; delivered
	// notifications and audit entries are deleted after their periods.
	RetentionInactiveMonths   int
	RetentionWarningDays      int
	RetentionNotificationDays int
	RetentionAuditMonths      int

	// PlatformAdmins are the e-mail addresses of the people who operate the platform: they see
	// the runs of the scheduled jobs.
	PlatformAdmins []string
}

// Embedded reports whether the process owns an embedded store.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// Var documents one environment variable; the README's table is written from this list.
type Var struct {
	Name, Default, Meaning string
}

// Vars lists every variable the processes read.
var Vars = []Var{
	{"LISTEN_ADDR", ":8080", "HTTP address of the server"},
	{"MONGODB_URI", "", "MongoDB connection string; unset starts the embedded store"},
	{"MONGODB_DATABASE", "mitwirken", "database name"},
	{"DATA_DIR", "./data", "files of the embedded store and the development signing key"},
	{"EMBEDDED_MONGO_ADDR", "127.0.0.1:27017", "loopback address where the embedded store also listens (for `worker`, mongosh); `off` disables it"},
	{"DEV_MODE", "on with the embedded store, else off", "GraphiQL at /, introspection"},
	{"JWT_SECRET", "", "key for access tokens, at least 32 bytes; required with MONGODB_URI, generated into DATA_DIR otherwise"},
	{"LOG_LEVEL", "info", "debug, info, warn or error"},
	{"MAX_BODY_BYTES", "1048576", "largest accepted request body"},
	{"REQUEST_TIMEOUT", "15s", "time limit of one query or mutation"},
	{"SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may finish after SIGTERM"},
	{"MAX_QUERY_DEPTH", "12", "deepest accepted selection nesting"},
	{"MAX_QUERY_COMPLEXITY", "1000", "largest accepted query complexity"},
	{"WORKER", "on with the embedded store, else off", "run the scheduled jobs inside the server"},
	{"RATE_LIMIT", "50", "requests per second per client address (bursts of twice as many); 0 disables"},
	{"PERSISTED_QUERIES", "off", "`only`: run only the operations of mobile-contract/manifest.json"},
	{"STATS_K", "5", "engagement statistics suppress every count below this (k-anonymity), 2 to 100"},
	{"ACCOUNT_LIMITS", "on", "limit signups, invitations and searches per account against abuse; `off` for load tests"},
	{"SHIFT_REMINDER_LEADS", "24h,2h", "when shift reminders are due before the start: 1 to 4 durations from 15m to 168h"},
	{"CREDENTIAL_RETENTION_DAYS", "90", "days a verified credential is kept after the volunteer's last activity in the organisation, 1 to 3650"},
	{"RETENTION_INACTIVE_MONTHS", "24", "months without activity after which an account is erased (with a warning first), 1 to 120; 0 keeps accounts"},
	{"RETENTION_WARNING_DAYS", "30", "days before that erasure the person is warned by e-mail or in the app, 1 to 180"},
	{"RETENTION_NOTIFICATION_DAYS", "90", "days delivered notifications are kept, 1 to 90"},
	{"RETENTION_AUDIT_MONTHS", "24", "months entries of the audit log are kept, 1 to 120"},
	{"PLATFORM_ADMINS", "", "comma-separated e-mail addresses of the platform's operators (they see job runs)"},
}

// Load reads and validates the configuration. getenv is os.Getenv in production.
func Load(getenv func(string) string) (Config, error) {
	p := parser{getenv: getenv}
	c := Config{
		ListenAddr:   p.str("LISTEN_ADDR", ":8080"),
		MongoURI:     strings.TrimSpace(getenv("MONGODB_URI")),
		Database:     p.str("MONGODB_DATABASE", "mitwirken"),
		DataDir:      p.str("DATA_DIR", "./data"),
		EmbeddedAddr: p.str("EMBEDDED_MONGO_ADDR", "127.0.0.1:27017"),
		LogLevel:     p.level("LOG_LEVEL"),

		MaxBodyBytes:            int64(p.intRange("MAX_BODY_BYTES", 1<<20, 1024, 64<<20)),
		RequestTimeout:          p.duration("REQUEST_TIMEOUT", 15*time.Second),
		ShutdownTimeout:         p.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		MaxDepth:                p.intRange("MAX_QUERY_DEPTH", 12, 2, 50),
		MaxComplexity:           p.intRange("MAX_QUERY_COMPLEXITY", 1000, 10, 100000),
		RatePerSecond:           p.intRange("RATE_LIMIT", 50, 0, 100000),
		StatsK:                  p.intRange("STATS_K", 5, 2, 100),
		CredentialRetentionDays: p.intRange("CREDENTIAL_RETENTION_DAYS", 90, 1, 3650),

		RetentionInactiveMonths:   p.intRange("RETENTION_INACTIVE_MONTHS", 24, 0, 120),
		RetentionWarningDays:      p.intRange("RETENTION_WARNING_DAYS", 30, 1, 180),
		RetentionNotificationDays: p.intRange("RETENTION_NOTIFICATION_DAYS", 90, 1, 90),
		RetentionAuditMonths:      p.intRange("RETENTION_AUDIT_MONTHS", 24, 1, 120),
	}
	c.DevMode = p.boolean("DEV_MODE", c.Embedded())
	c.Worker = p.boolean("WORKER", c.Embedded())
	switch v := strings.ToLower(strings.TrimSpace(getenv("PERSISTED_QUERIES"))); v {
	case "", "off":
	case "only":
		c.PersistedOnly = true
	default:
		p.fail("PERSISTED_QUERIES", "must be only or off, is %q", v)
	}
	for _, raw := range strings.Split(getenv("PLATFORM_ADMINS"), ",") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		email, err := input.Email("PLATFORM_ADMINS", raw)
		if err != nil {
			p.fail("PLATFORM_ADMINS", "contains %q, which is not an e-mail address", strings.TrimSpace(raw))
			continue
		}
		c.PlatformAdmins = append(c.PlatformAdmins, email)
	}
	c.AccountLimits = p.boolean("ACCOUNT_LIMITS", true)
	c.ShiftReminderLeads = p.leads("SHIFT_REMINDER_LEADS", []time.Duration{24 * time.Hour, 2 * time.Hour})
	if strings.EqualFold(c.EmbeddedAddr, "off") {
		c.EmbeddedAddr = ""
	} else if c.Embedded() {
		p.loopback("EMBEDDED_MONGO_ADDR", c.EmbeddedAddr)
	}
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		p.fail("LISTEN_ADDR", "%q is not host:port (e.g. :8080)", c.ListenAddr)
	}
	if s := getenv("JWT_SECRET"); s != "" {
		if len(s) < 32 {
			p.fail("JWT_SECRET", "must be at least 32 bytes, has %d", len(s))
		}
		c.JWTSecret = []byte(s)
	} else if !c.Embedded() {
		p.fail("JWT_SECRET", "is required when MONGODB_URI is set")
	}
	return c, errors.Join(p.errs...)
}

type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("config: %s %s", name, fmt.Sprintf(format, args...)))
}

func (p *parser) str(name, def string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return def
}

func (p *parser) boolean(name string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(p.getenv(name))) {
	case "":
		return def
	case "1", "true", "on", "yes":
		return true
	case "0", "false", "off", "no":
		return false
	default:
		p.fail(name, "must be on or off, is %q", p.getenv(name))
		return def
	}
}

func (p *parser) intRange(name string, def, lo, hi int) int {
	s := strings.TrimSpace(p.getenv(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.fail(name, "must be a whole number from %d to %d, is %q", lo, hi, s)
		return def
	}
	return n
}

func (p *parser) duration(name string, def time.Duration) time.Duration {
	s := strings.TrimSpace(p.getenv(name))
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(name, "must be a positive duration such as 15s, is %q", s)
		return def
	}
	return d
}

func (p *parser) level(name string) slog.Level {
	var l slog.Level
	s := strings.TrimSpace(p.getenv(name))
	if s == "" {
		return slog.LevelInfo
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		p.fail(name, "must be debug, info, warn or error, is %q", s)
	}
	return l
}

// loopback refuses an address other processes on the network could reach: the embedded store
// has no authentication.
func (p *parser) loopback(name, addr string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		p.fail(name, "%q is not host:port", addr)
		return
	}
	if host == "localhost" {
		return
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		p.fail(name, "must be a loopback address such as 127.0.0.1:27017, is %q (the embedded store has no authentication)", addr)
	}
}

// leads reads a list of reminder lead times: distinct, each from 15 minutes to a week.
func (p *parser) leads(name string, def []time.Duration) []time.Duration {
	raw := strings.TrimSpace(p.getenv(name))
	if raw == "" {
		return def
	}
	var out []time.Duration
	for _, part := range strings.Split(raw, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 15*time.Minute || d > 7*24*time.Hour || slices.Contains(out, d) {
			p.fail(name, "must list distinct durations from 15m to 168h, such as 24h,2h; %q is not one", strings.TrimSpace(part))
			return def
		}
		out = append(out, d)
	}
	if len(out) > 4 {
		p.fail(name, "lists %d lead times; at most 4", len(out))
		return def
	}
	return out
}
