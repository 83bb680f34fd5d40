package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/trelljaz/trelljaz/game/account"
)

var anna = account.Player{ID: 7, Name: "Anna", Provider: "github"}

func TestTokenRoundTrip(t *testing.T) {
	club := newTestClub(t, false, Config{})
	tok, exp, err := club.svc.IssueToken(anna)
	if err != nil {
		t.Fatal(err)
	}
	if want := club.clock.Now().Add(DefaultTokenTTL); !exp.Equal(want) {
		t.Fatalf("token expires %v, want %v", exp, want)
	}
	got, err := club.svc.Verify(tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got != anna {
		t.Fatalf("Verify = %+v, want %+v", got, anna)
	}
}

// signWith makes a token with the given claims, method and key, as a forger
// would.
func signWith(t *testing.T, method jwt.SigningMethod, key any, c socketClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenRefusals(t *testing.T) {
	club := newTestClub(t, false, Config{})
	svc := club.svc
	k, err := deriveKeys(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	otherKeys, err := deriveKeys([]byte("another club's secret, 32 bytes or more"))
	if err != nil {
		t.Fatal(err)
	}
	now := club.clock.Now()
	valid := func() socketClaims {
		return socketClaims{Name: "Anna", Provider: "github", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: tokenIssuer, Subject: "7", Audience: jwt.ClaimStrings{tokenAudience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), ID: "jti-valid",
		}}
	}
	// Each forged token has its own id, so that none is refused merely as
	// reused.
	n := 0
	with := func(f func(*socketClaims)) socketClaims {
		c := valid()
		n++
		c.ID = fmt.Sprintf("jti-%d", n)
		f(&c)
		return c
	}
	// The control: a token made this way by the club's own key is accepted.
	if _, err := svc.Verify(signWith(t, jwt.SigningMethodHS256, k.token, valid())); err != nil {
		t.Fatalf("control token refused: %v", err)
	}

	tampered := func() string {
		tok, _, err := svc.IssueToken(anna)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(tok, ".")
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		payload = []byte(strings.Replace(string(payload), `"sub":"7"`, `"sub":"8"`, 1))
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		return strings.Join(parts, ".")
	}
	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "not.a.token"},
		{"subject changed to another player", tampered()},
		{"signed by another secret", signWith(t, jwt.SigningMethodHS256, otherKeys.token, with(func(c *socketClaims) {}))},
		{"signed by the cookie key", signWith(t, jwt.SigningMethodHS256, k.cookieHash, with(func(c *socketClaims) {}))},
		{"alg none", signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, with(func(c *socketClaims) {}))},
		{"HS512", signWith(t, jwt.SigningMethodHS512, k.token, with(func(c *socketClaims) {}))},
		{"another audience", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.Audience = jwt.ClaimStrings{"trelljaz-api"} }))},
		{"another issuer", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.Issuer = "evil" }))},
		{"no expiry", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.ExpiresAt = nil }))},
		{"expired", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(-2 * time.Minute))
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
		}))},
		{"lives longer than the TTL", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(time.Hour)) }))},
		{"issued in the future", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Minute)) }))},
		{"no issue time", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.IssuedAt = nil }))},
		{"subject not an id", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.Subject = "Anna" }))},
		{"no name", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.Name = "" }))},
		{"no token id", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.ID = "" }))},
		{"used before", signWith(t, jwt.SigningMethodHS256, k.token, valid())},
		{"too long", signWith(t, jwt.SigningMethodHS256, k.token, with(func(c *socketClaims) { c.Name = strings.Repeat("A", MaxTokenLen) }))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.Verify(tt.token)
			if err == nil {
				t.Fatalf("Verify accepted it as %+v", p)
			}
			if !errors.Is(err, ErrBadToken) {
				t.Fatalf("Verify error %v does not wrap ErrBadToken", err)
			}
		})
	}
}

func TestTokenExpiresAfterItsTTL(t *testing.T) {
	club := newTestClub(t, false, Config{TokenTTL: 30 * time.Second})
	fresh, _, err := club.svc.IssueToken(anna)
	if err != nil {
		t.Fatal(err)
	}
	stale, _, err := club.svc.IssueToken(anna)
	if err != nil {
		t.Fatal(err)
	}
	club.clock.Advance(29 * time.Second)
	if _, err := club.svc.Verify(fresh); err != nil {
		t.Fatalf("token at 29 s of 30: %v", err)
	}
	club.clock.Advance(2 * time.Second)
	if _, err := club.svc.Verify(stale); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Fatalf("token at 31 s of 30: err = %v, want expired", err)
	}
}

func TestTokenIsAcceptedOnceUnderConcurrency(t *testing.T) {
	club := newTestClub(t, false, Config{})
	tok, _, err := club.svc.IssueToken(anna)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = club.svc.Verify(tok) })
	}
	wg.Wait()
	accepted := 0
	for _, err := range errs {
		switch {
		case err == nil:
			accepted++
		case !errors.Is(err, ErrTokenReused):
			t.Errorf("Verify: %v, want nil or ErrTokenReused", err)
		}
	}
	if accepted != 1 {
		t.Fatalf("the token was accepted %d times, want once", accepted)
	}
}

func TestSpentTokensAreForgottenWhenTheyExpire(t *testing.T) {
	clock := newFakeClock()
	tk := newTokens([]byte("k"), time.Minute, clock.Now)
	for i := range 100 {
		if err := tk.spend(string(rune('a'+i%26))+string(rune('a'+i/26)), clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(2 * time.Minute)
	if err := tk.spend("late", clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(tk.used) != 1 {
		t.Fatalf("%d spent tokens remembered after the others expired, want 1", len(tk.used))
	}
}

func FuzzVerify(f *testing.F) {
	clock := newFakeClock()
	svc, err := New(nilDirectory(), Config{Secret: testSecret, Now: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	// The one token to accept: signed with the club's key and a fixed id, so
	// that every fuzzing process makes the same one.
	k, err := deriveKeys(testSecret)
	if err != nil {
		f.Fatal(err)
	}
	now := clock.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, socketClaims{Name: anna.Name, Provider: anna.Provider,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: tokenIssuer, Subject: "7", Audience: jwt.ClaimStrings{tokenAudience}, ID: "seed",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}}).SignedString(k.token)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tok)
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiI3In0.")
	f.Add("")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := svc.Verify(s)
		if err == nil && (s != tok || p != anna) {
			t.Fatalf("Verify(%q) accepted %+v", s, p)
		}
		if err != nil && !errors.Is(err, ErrBadToken) {
			t.Fatalf("Verify(%q) error %v does not wrap ErrBadToken", s, err)
		}
	})
}
