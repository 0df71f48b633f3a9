package graph_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mitwirken/mitwirken/internal/auth"
)

func TestSessionLifecycleAndRefreshTokenReuse(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "Ada@Example.org", "Ada")
	if reg.User.Email == nil || *reg.User.Email != "ada@example.org" {
		t.Fatalf("register shows email %v, want the normalised own address", reg.User.Email)
	}

	var login struct{ Login session }
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": " ADA@example.org", "password": testPassword}}).OK(t, &login)
	if login.Login.User.ID != reg.User.ID {
		t.Fatalf("login user = %s, want %s", login.Login.User.ID, reg.User.ID)
	}

	var me struct {
		Me struct{ ID, DisplayName, Email string }
	}
	a.As(login.Login.AccessToken).Do(t, `{ me { id displayName email } }`, nil).OK(t, &me)
	if me.Me.ID != reg.User.ID || me.Me.Email != "ada@example.org" {
		t.Fatalf("me = %+v", me.Me)
	}

	var r1 struct{ RefreshSession session }
	a.Do(t, refreshMutation, map[string]any{"t": login.Login.RefreshToken}).OK(t, &r1)
	if r1.RefreshSession.RefreshToken == login.Login.RefreshToken || r1.RefreshSession.AccessToken == "" {
		t.Fatal("refresh did not rotate the token")
	}

	// The old token again: a replay. It fails and takes the whole session with it.
	a.Do(t, refreshMutation, map[string]any{"t": login.Login.RefreshToken}).Fails(t, "UNAUTHENTICATED", "")
	a.Do(t, refreshMutation, map[string]any{"t": r1.RefreshSession.RefreshToken}).Fails(t, "UNAUTHENTICATED", "")

	// Other sessions of the user are untouched.
	var r2 struct{ RefreshSession session }
	a.Do(t, refreshMutation, map[string]any{"t": reg.RefreshToken}).OK(t, &r2)

	var out struct{ Logout bool }
	a.Do(t, `mutation($t: String!) { logout(refreshToken: $t) }`, map[string]any{"t": r2.RefreshSession.RefreshToken}).OK(t, &out)
	if !out.Logout {
		t.Fatal("logout = false for a live token")
	}
	a.Do(t, refreshMutation, map[string]any{"t": r2.RefreshSession.RefreshToken}).Fails(t, "UNAUTHENTICATED", "")
	a.Do(t, `mutation { logout(refreshToken: "mwr_unknown") }`, nil).OK(t, &out)
	if out.Logout {
		t.Fatal("logout = true for an unknown token")
	}

	var anon struct{ Me *struct{ ID string } }
	a.Do(t, `{ me { id } }`, nil).OK(t, &anon)
	if anon.Me != nil {
		t.Fatalf("me without a token = %+v, want null", anon.Me)
	}
}

// Two devices racing to use the same refresh token: at most one gets a new pair.
func TestConcurrentRefreshWithOneTokenRotatesOnce(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "bo@example.org", "Bo")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := a.Do(t, refreshMutation, map[string]any{"t": reg.RefreshToken})
			if len(resp.Errors) == 0 {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok > 1 {
		t.Fatalf("%d refreshes succeeded with one token, want at most 1", ok)
	}
}

func TestUntrustworthyAccessTokensAreRefused(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "cy@example.org", "Cy")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(m jwt.SigningMethod, key any, edit func(*jwt.RegisteredClaims)) string {
		c := jwt.RegisteredClaims{Issuer: auth.Issuer, Audience: jwt.ClaimStrings{auth.Audience}, Subject: reg.User.ID,
			IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute))}
		if edit != nil {
			edit(&c)
		}
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct{ name, token string }{
		{"expired", sign(jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) {
			c.IssuedAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-30 * time.Minute))
		})},
		{"wrong signature", sign(jwt.SigningMethodHS256, []byte(strings.Repeat("z", 48)), nil)},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)},
		{"RS256 confusion", sign(jwt.SigningMethodRS256, rsaKey, nil)},
		{"wrong audience", sign(jwt.SigningMethodHS256, testKey, func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"billing"} })},
		{"garbage", "eyJ.garbage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.As(tt.token).Do(t, `{ me { id } }`, nil)
			if resp.Status != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.Status)
			}
			resp.Fails(t, "UNAUTHENTICATED", "")
		})
	}
	// The genuine token still works, so the refusals above are about the tokens.
	a.As(reg.AccessToken).Do(t, `{ me { id } }`, nil).OK(t, nil)
}

func TestConcurrentRegistrationsOfOneEmailGiveOneAccount(t *testing.T) {
	a := newAPI(t)
	const n = 20
	var wg sync.WaitGroup
	codes := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Variants of one address: case and spaces must not create a second account.
			email := []string{"dora@example.org", "Dora@Example.org", " dora@EXAMPLE.org "}[i%3]
			resp := a.Do(t, registerMutation, map[string]any{"input": map[string]any{
				"email": email, "password": testPassword, "displayName": fmt.Sprintf("Dora %d", i),
			}})
			if len(resp.Errors) == 0 {
				codes[i] = "OK"
			} else {
				codes[i] = resp.Errors[0].Code() + ":" + resp.Errors[0].Field()
			}
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["OK"] != 1 || count["CONFLICT:input.email"] != n-1 {
		t.Fatalf("outcomes = %v, want 1 OK and %d CONFLICT", count, n-1)
	}
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "dora@example.org", "password": testPassword}}).OK(t, nil)
}

func TestRegisterRefusesBadInputAndStoresNothing(t *testing.T) {
	a := newAPI(t)
	valid := func() map[string]any {
		return map[string]any{"email": "eve@example.org", "password": testPassword, "displayName": "Eve"}
	}
	tests := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"empty display name", func(m map[string]any) { m["displayName"] = "   " }, "input.displayName"},
		{"oversized display name", func(m map[string]any) { m["displayName"] = strings.Repeat("n", 81) }, "input.displayName"},
		{"control character in name", func(m map[string]any) { m["displayName"] = "Eve\x00" }, "input.displayName"},
		{"malformed e-mail", func(m map[string]any) { m["email"] = "eve-at-example.org" }, "input.email"},
		{"e-mail with display name", func(m map[string]any) { m["email"] = "Eve <eve@example.org>" }, "input.email"},
		{"e-mail without domain dot", func(m map[string]any) { m["email"] = "eve@localhost" }, "input.email"},
		{"oversized e-mail", func(m map[string]any) { m["email"] = strings.Repeat("e", 250) + "@example.org" }, "input.email"},
		{"short password", func(m map[string]any) { m["password"] = "short" }, "input.password"},
		{"common password", func(m map[string]any) { m["password"] = "Password123" }, "input.password"},
		{"password is the e-mail", func(m map[string]any) { m["password"] = "eve@example.org" }, "input.password"},
		{"unknown locale", func(m map[string]any) { m["locale"] = "FR" }, "input.locale"},
		{"unknown field", func(m map[string]any) { m["isAdmin"] = true }, "input.isAdmin"},
		{"missing password", func(m map[string]any) { delete(m, "password") }, "input.password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.edit(in)
			a.Do(t, registerMutation, map[string]any{"input": in}).Fails(t, "BAD_USER_INPUT", tt.field)
		})
	}
	// Nothing above claimed the address.
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "eve@example.org", "password": testPassword}}).Fails(t, "UNAUTHENTICATED", "")
	a.register(t, "eve@example.org", "Eve")
}

func TestLoginFailuresAreRateLimitedAndAlike(t *testing.T) {
	a := newAPI(t)
	a.register(t, "fay@example.org", "Fay")
	login := func(email, password string) string {
		resp := a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": email, "password": password}})
		if len(resp.Errors) != 1 {
			t.Fatalf("login errors = %+v", resp.Errors)
		}
		return resp.Errors[0].Code() + ": " + resp.Errors[0].Message
	}
	wrong := login("fay@example.org", "not the password")
	unknown := login("nobody@example.org", "not the password")
	if wrong != unknown {
		t.Fatalf("wrong password says %q, unknown e-mail says %q; they must not differ", wrong, unknown)
	}
	for range 4 {
		login("fay@example.org", "not the password")
	}
	resp := a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "fay@example.org", "password": testPassword}})
	e := resp.Fails(t, "RATE_LIMITED", "")
	if secs, _ := e.Extensions["retryAfterSeconds"].(float64); secs < 1 || secs > 15*60 {
		t.Fatalf("retryAfterSeconds = %v, want within the 15-minute window", e.Extensions["retryAfterSeconds"])
	}
	// Another account from the same address is not locked by Fay's failures.
	a.register(t, "gus@example.org", "Gus")
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "gus@example.org", "password": testPassword}}).OK(t, nil)
}

func TestLogsCarryNoSecrets(t *testing.T) {
	a := newAPI(t)
	reg := a.register(t, "hal@example.org", "Hal")
	var r struct{ RefreshSession session }
	a.Do(t, refreshMutation, map[string]any{"t": reg.RefreshToken}).OK(t, &r)
	a.Do(t, loginMutation, map[string]any{"input": map[string]any{"email": "hal@example.org", "password": "wrong " + testPassword}})
	logs := a.logs.String()
	if !strings.Contains(logs, `"operation":"Refresh"`) {
		t.Fatalf("logs do not name the operation:\n%s", logs)
	}
	for _, secret := range []string{testPassword, reg.AccessToken, reg.RefreshToken, r.RefreshSession.RefreshToken, r.RefreshSession.AccessToken} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs contain a secret %q:\n%s", secret[:8], logs)
		}
	}
}
