package auth

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/account"
)

// FuzzDevSignInForm throws arbitrary bodies at POST /auth/dev: the answer
// is 200 with a valid name, or a 4xx refusal, never a 5xx or a panic.
func FuzzDevSignInForm(f *testing.F) {
	svc, err := New(account.NewMemoryDirectory(nil), Config{Secret: testSecret})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"name=Anna", "name=%D0%90nna", "name=", "name=%ZZ", "name=a&name=b", "%", strings.Repeat("name=x&", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/auth/dev", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		svc.handleDevSignIn(rec, req)
		switch {
		case rec.Code == http.StatusOK:
			if _, err := account.ValidateName(req.PostForm.Get("name")); err != nil {
				t.Fatalf("accepted %q: %v", body, err)
			}
		case rec.Code >= 500:
			t.Fatalf("POST /auth/dev %q = %d %s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzCheckHost: a Host header is let through only when it names the
// public host or loopback.
func FuzzCheckHost(f *testing.F) {
	svc, err := New(account.NewMemoryDirectory(nil), Config{Secret: testSecret, PublicURL: "https://club.example.org"})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"club.example.org", "localhost:1", "[::1]:8", "127.1", "evil.example", "club.example.org.evil", "", "[", "::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !svc.hostAllowed(host) {
			return
		}
		h, _, err := net.SplitHostPort(strings.ToLower(host))
		if err != nil {
			h = strings.ToLower(host)
		}
		h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
		ip := net.ParseIP(h)
		if h != "club.example.org" && h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			t.Fatalf("Host %q let through", host)
		}
	})
}
