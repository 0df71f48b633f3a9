package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaultsToEmbeddedDevelopment(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || !c.DevMode || !c.Worker || c.ListenAddr != ":8080" || c.DataDir != "./data" ||
		c.EmbeddedAddr != "127.0.0.1:27017" || c.MaxBodyBytes != 1<<20 || c.RequestTimeout != 15*time.Second {
		t.Fatalf("Load() = %+v", c)
	}
}

func TestLoadWithMongoDBIsProduction(t *testing.T) {
	c, err := Load(env(map[string]string{"MONGODB_URI": "mongodb://db:27017", "JWT_SECRET": strings.Repeat("k", 32)}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DevMode || c.Worker || c.Embedded() {
		t.Fatalf("Load() = %+v, want production defaults", c)
	}
}

func TestLoadNamesEveryBadValue(t *testing.T) {
	_, err := Load(env(map[string]string{
		"MONGODB_URI":     "mongodb://db:27017",
		"LISTEN_ADDR":     "8080",
		"MAX_BODY_BYTES":  "lots",
		"REQUEST_TIMEOUT": "-1s",
		"DEV_MODE":        "maybe",
		"LOG_LEVEL":       "loud",
		"MAX_QUERY_DEPTH": "1000",
	}))
	if err == nil {
		t.Fatal("Load() accepted bad values")
	}
	for _, name := range []string{"LISTEN_ADDR", "MAX_BODY_BYTES", "REQUEST_TIMEOUT", "DEV_MODE", "LOG_LEVEL", "MAX_QUERY_DEPTH", "JWT_SECRET"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestEmbeddedStoreOnlyListensOnLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:27017", true},
		{"localhost:27018", true},
		{"[::1]:27017", true},
		{"off", true},
		{"0.0.0.0:27017", false},
		{"192.168.1.5:27017", false},
		{"27017", false},
	}
	for _, tt := range tests {
		_, err := Load(env(map[string]string{"EMBEDDED_MONGO_ADDR": tt.addr}))
		if (err == nil) != tt.ok {
			t.Errorf("EMBEDDED_MONGO_ADDR=%s: err = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}

func TestShortJWTSecretIsRefused(t *testing.T) {
	if _, err := Load(env(map[string]string{"JWT_SECRET": "short"})); err == nil || !strings.Contains(err.Error(), "JWT_SECRET") {
		t.Fatalf("err = %v, want JWT_SECRET named", err)
	}
}

func TestPlatformAdminsAreNormalisedAndChecked(t *testing.T) {
	c, err := Load(env(map[string]string{"PLATFORM_ADMINS": " Ops@Example.org, ,second@example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.PlatformAdmins, ","); got != "ops@example.org,second@example.org" {
		t.Fatalf("PlatformAdmins = %q", got)
	}
	if _, err := Load(env(map[string]string{"PLATFORM_ADMINS": "ops@example.org,not-an-address"})); err == nil ||
		!strings.Contains(err.Error(), "PLATFORM_ADMINS") {
		t.Fatalf("err = %v, want PLATFORM_ADMINS named", err)
	}
}

func TestShiftReminderLeads(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || len(c.ShiftReminderLeads) != 2 || c.ShiftReminderLeads[0] != 24*time.Hour || c.ShiftReminderLeads[1] != 2*time.Hour {
		t.Fatalf("default leads = %v (%v), want 24h,2h", c.ShiftReminderLeads, err)
	}
	c, err = Load(env(map[string]string{"SHIFT_REMINDER_LEADS": "48h, 3h"}))
	if err != nil || len(c.ShiftReminderLeads) != 2 || c.ShiftReminderLeads[0] != 48*time.Hour || c.ShiftReminderLeads[1] != 3*time.Hour {
		t.Fatalf("leads = %v (%v), want 48h,3h", c.ShiftReminderLeads, err)
	}
	for _, bad := range []string{"5m", "24h,24h", "soon", "200h", "1h,2h,3h,4h,5h"} {
		if _, err := Load(env(map[string]string{"SHIFT_REMINDER_LEADS": bad})); err == nil || !strings.Contains(err.Error(), "SHIFT_REMINDER_LEADS") {
			t.Errorf("SHIFT_REMINDER_LEADS=%s: err = %v, want it named", bad, err)
		}
	}
}
