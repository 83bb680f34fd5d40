package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/markbates/goth"
)

func TestCSRFRefusesCrossSitePosts(t *testing.T) {
	club := newTestClub(t, false, Config{})
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site subdomain", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"old browser foreign Origin", map[string]string{"Sec-Fetch-Site": "", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"same-origin fetch", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"old browser own Origin", map[string]string{"Sec-Fetch-Site": "", "Origin": club.srv.URL}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := club.newBrowser(t)
			resp := b.do(http.MethodPost, "/auth/dev", url.Values{"name": {tt.name}}, tt.header)
			if resp.StatusCode != tt.want {
				t.Fatalf("POST /auth/dev = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}

	t.Run("cross-site logout leaves the session", func(t *testing.T) {
		b := club.newBrowser(t)
		b.devSignIn("Lev")
		if resp := b.do(http.MethodPost, "/logout", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST /logout = %d, want 403", resp.StatusCode)
		}
		if m := b.me(); m.Player == nil || m.Player.Name != "Lev" {
			t.Fatalf("after a refused logout /api/me = %+v, want Lev", m.Player)
		}
		if resp := b.get("/logout"); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("GET /logout = %d, want 405", resp.StatusCode)
		}
	})
}

func TestTokenEndpointAnswersSameOriginOnly(t *testing.T) {
	club := newTestClub(t, false, Config{})
	b := club.newBrowser(t)
	if resp := b.get("/api/token"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /api/token signed out = %d, want 401", resp.StatusCode)
	}
	b.devSignIn("Olga")
	for _, site := range []string{"cross-site", "same-site", "none"} {
		if resp := b.do(http.MethodGet, "/api/token", nil, map[string]string{"Sec-Fetch-Site": site}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET /api/token from %s = %d, want 403", site, resp.StatusCode)
		}
	}
	resp := b.get("/api/token")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /api/token = %d, Cache-Control %q; want 200, no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestCheckHostRefusesForeignHosts(t *testing.T) {
	tests := []struct {
		publicURL string
		host      string
		want      bool
	}{
		{"https://club.example.org", "club.example.org", true},
		{"https://club.example.org", "CLUB.example.org", true},
		{"https://club.example.org", "club.example.org.", true},
		{"https://club.example.org", "club.example.org:443", true},
		{"https://club.example.org", "club.example.org:8443", false},
		{"https://club.example.org", "evil.example", false},
		{"https://club.example.org", "club.example.org.evil.example", false},
		{"https://club.example.org", "", false},
		{"http://club.example.org:8080", "club.example.org:8080", true},
		{"http://club.example.org:8080", "club.example.org", true},
		{"http://club.example.org:8080", "club.example.org:9090", false},
		{"https://club.example.org", "localhost:8080", true},
		{"https://club.example.org", "127.0.0.1:8080", true},
		{"https://club.example.org", "[::1]:8080", true},
		{"https://club.example.org", "10.0.0.5:8080", false},
		{"", "localhost", true},
		{"", "127.0.0.1", true},
		{"", "rebind.evil.example", false},
		{"", "0.0.0.0:8080", false},
	}
	for _, tt := range tests {
		svc, err := New(nilDirectory(), Config{Secret: testSecret, PublicURL: tt.publicURL})
		if err != nil {
			t.Fatal(err)
		}
		h := svc.CheckHost(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tt.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Code == http.StatusOK; got != tt.want {
			t.Errorf("public URL %q, Host %q: status %d, want allowed=%v", tt.publicURL, tt.host, rec.Code, tt.want)
		}
	}
}

func TestCheckHostThroughARealServer(t *testing.T) {
	club := newTestClub(t, true, Config{PublicURL: "https://club.example.org"})
	req, err := http.NewRequest(http.MethodGet, club.srv.URL+"/api/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "rebind.evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("GET /api/me with Host rebind.evil.example = %d, want 421", resp.StatusCode)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	club := newTestClub(t, false, Config{})
	b := club.newBrowser(t)
	for _, path := range []string{"/api/me", "/api/token", "/nosuch"} {
		resp := b.get(path)
		for k, want := range map[string]string{
			"Content-Security-Policy": DefaultCSP,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "SAMEORIGIN",
		} {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, want)
			}
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	faux := newFauxProvider()
	tests := []struct {
		name string
		cfg  Config
	}{
		{"short secret", Config{Secret: []byte("short")}},
		{"public URL with a path", Config{Secret: testSecret, PublicURL: "https://club.example.org/club"}},
		{"public URL without scheme", Config{Secret: testSecret, PublicURL: "club.example.org"}},
		{"provider without public URL", Config{Secret: testSecret, Providers: []goth.Provider{faux}}},
		{"provider twice", Config{Secret: testSecret, PublicURL: "http://x.test", Providers: []goth.Provider{faux, faux}}},
	}
	for _, tt := range tests {
		if _, err := New(nilDirectory(), tt.cfg); err == nil {
			t.Errorf("%s: New succeeded", tt.name)
		}
	}
}
