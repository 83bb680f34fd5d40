package auth

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/gorilla/mux"
	"github.com/markbates/goth"

	"github.com/trelljaz/trelljaz/game/account"
)

func TestProvidersFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		publicURL string
		want      []string
		ok        bool
	}{
		{"none", nil, "", nil, true},
		{"github", map[string]string{"TRELLJAZ_GITHUB_KEY": "k", "TRELLJAZ_GITHUB_SECRET": "s"}, "https://club.example.org", []string{"github"}, true},
		{"all three", map[string]string{
			"TRELLJAZ_YANDEX_KEY": "k", "TRELLJAZ_YANDEX_SECRET": "s",
			"TRELLJAZ_GOOGLE_KEY": "k", "TRELLJAZ_GOOGLE_SECRET": "s",
			"TRELLJAZ_GITHUB_KEY": "k", "TRELLJAZ_GITHUB_SECRET": "s",
		}, "https://club.example.org", []string{"github", "google", "yandex"}, true},
		{"key without secret", map[string]string{"TRELLJAZ_GOOGLE_KEY": "k"}, "https://club.example.org", nil, false},
		{"secret without key", map[string]string{"TRELLJAZ_YANDEX_SECRET": "s"}, "https://club.example.org", nil, false},
		{"no public URL", map[string]string{"TRELLJAZ_GITHUB_KEY": "k", "TRELLJAZ_GITHUB_SECRET": "s"}, "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := ProvidersFromEnv(env(tt.env), tt.publicURL)
			if (err == nil) != tt.ok {
				t.Fatalf("ProvidersFromEnv: %v, want ok=%v", err, tt.ok)
			}
			var names []string
			for _, p := range ps {
				names = append(names, p.Name())
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("providers %v, want %v", names, tt.want)
			}
		})
	}
}

// TestRealProvidersSendTheBrowserToThem starts each real provider's flow
// (no network is needed to build the authorization URL) and checks that the
// browser is sent to the provider with our client id, callback and state.
func TestRealProvidersSendTheBrowserToThem(t *testing.T) {
	getenv := env(map[string]string{
		"TRELLJAZ_GITHUB_KEY": "gh-id", "TRELLJAZ_GITHUB_SECRET": "s",
		"TRELLJAZ_GOOGLE_KEY": "gg-id", "TRELLJAZ_GOOGLE_SECRET": "s",
		"TRELLJAZ_YANDEX_KEY": "ya-id", "TRELLJAZ_YANDEX_SECRET": "s",
	})
	const pub = "https://club.example.org"
	ps, err := ProvidersFromEnv(getenv, pub)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(account.NewMemoryDirectory(nil), Config{PublicURL: pub, Providers: ps, Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if svc.DevSignIn() {
		t.Fatal("dev sign-in is on by default beside providers")
	}
	r := mux.NewRouter()
	svc.Routes(r)
	club := &testClub{svc: svc}
	club.srv = newServer(t, svc.CheckHost(r))
	tests := []struct{ provider, host, clientID string }{
		{"github", "github.com", "gh-id"},
		{"google", "accounts.google.com", "gg-id"},
		{"yandex", "oauth.yandex.ru", "ya-id"},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			resp := club.newBrowser(t).get("/auth/" + tt.provider)
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil {
				t.Fatalf("GET /auth/%s = %d to %q", tt.provider, resp.StatusCode, resp.Header.Get("Location"))
			}
			q := loc.Query()
			wantCB, _ := CallbackURL(pub, tt.provider)
			if loc.Scheme != "https" || loc.Host != tt.host || q.Get("client_id") != tt.clientID ||
				q.Get("redirect_uri") != wantCB || len(q.Get("state")) < 40 {
				t.Fatalf("sent to %s, want https://%s with client_id %s, redirect_uri %s and a state", loc, tt.host, tt.clientID, wantCB)
			}
		})
	}
	for _, p := range ps {
		if c := providerClient(p); c == nil || c.Timeout == 0 {
			t.Errorf("provider %s has no HTTP client with a timeout", p.Name())
		}
	}
}

func providerClient(p goth.Provider) *http.Client {
	if c, ok := p.(interface{ Client() *http.Client }); ok && c.Client() != http.DefaultClient {
		return c.Client()
	}
	return nil
}
