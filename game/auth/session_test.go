package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
)

func TestSessionCookieIsSecureBehindTLS(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		url        string
		wantSecure bool
	}{
		{"plain HTTP on loopback", Config{}, "http://localhost/", false},
		{"request over TLS", Config{}, "https://localhost/", true},
		{"secure-cookies setting behind a proxy", Config{SecureCookies: true}, "http://localhost/", true},
		{"https public URL", Config{PublicURL: "https://club.example.org"}, "http://localhost/", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Secret = testSecret
			svc, err := New(account.NewMemoryDirectory(nil), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			if err := svc.startSession(rec, httptest.NewRequest(http.MethodGet, tt.url, nil), anna); err != nil {
				t.Fatal(err)
			}
			cookies := rec.Result().Cookies()
			if len(cookies) != 1 {
				t.Fatalf("%d cookies, want 1", len(cookies))
			}
			c := cookies[0]
			if c.Secure != tt.wantSecure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Fatalf("cookie Secure=%v HttpOnly=%v SameSite=%v; want Secure=%v, HttpOnly, Lax", c.Secure, c.HttpOnly, c.SameSite, tt.wantSecure)
			}
		})
	}
}

func TestSessionCookieOfAnotherSecretIsNoSession(t *testing.T) {
	ours, err := New(account.NewMemoryDirectory(nil), Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := New(account.NewMemoryDirectory(nil), Config{Secret: []byte("another club's secret, 32 bytes or more")})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := theirs.startSession(rec, httptest.NewRequest(http.MethodGet, "/", nil), anna); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	if p, ok := theirs.Player(req.Clone(t.Context())); !ok || p.ID != anna.ID {
		t.Fatalf("control: the issuing club reads %+v, %v", p, ok)
	}
	if p, ok := ours.Player(req); ok {
		t.Fatalf("a cookie of another secret signed in %+v", p)
	}
}

func TestLogoutFromAPlainFormRedirectsHome(t *testing.T) {
	club := newTestClub(t, false, Config{})
	b := club.newBrowser(t)
	b.devSignIn("Gleb")
	resp := b.do(http.MethodPost, "/logout", nil, map[string]string{"Sec-Fetch-Mode": "navigate"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("POST /logout from a form = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if m := b.me(); m.Player != nil {
		t.Fatalf("still signed in as %+v", m.Player)
	}
}
