package auth

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/faux"

	"github.com/trelljaz/trelljaz/game/account"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef-test-secret")

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fauxProvider is goth's faux provider vouching for a user the test picks:
// the flow (state, session marshalling, Authorize, the access-token check
// in FetchUser) is faux's own.
type fauxProvider struct {
	*faux.Provider
	mu   sync.Mutex
	user goth.User
}

func newFauxProvider() *fauxProvider { return &fauxProvider{Provider: &faux.Provider{}} }

func (p *fauxProvider) vouchFor(userID, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = goth.User{UserID: userID, Name: name}
}

func (p *fauxProvider) FetchUser(s goth.Session) (goth.User, error) {
	u, err := p.Provider.FetchUser(s)
	if err != nil {
		return u, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u.UserID, u.Name = p.user.UserID, p.user.Name
	return u, nil
}

// testClub is a Service behind a real HTTP server on loopback.
type testClub struct {
	svc   *Service
	dir   *account.MemoryDirectory
	faux  *fauxProvider
	clock *fakeClock
	srv   *httptest.Server
}

// newTestClub serves a Service made from cfg, with the faux provider when
// withFaux, through the middlewares the club uses.
func newTestClub(t *testing.T, withFaux bool, cfg Config) *testClub {
	t.Helper()
	return newWrappedTestClub(t, withFaux, cfg, nil)
}

// newWrappedTestClub is newTestClub with wrap, when not nil, around the
// club's handler.
func newWrappedTestClub(t *testing.T, withFaux bool, cfg Config, wrap func(http.Handler) http.Handler) *testClub {
	t.Helper()
	c := &testClub{dir: account.NewMemoryDirectory(nil), clock: newFakeClock()}
	if withFaux {
		c.faux = newFauxProvider()
		cfg.Providers = append(cfg.Providers, c.faux)
		if cfg.PublicURL == "" {
			cfg.PublicURL = "http://club.test"
		}
	}
	cfg.Secret = testSecret
	cfg.Now = c.clock.Now
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	svc, err := New(c.dir, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.svc = svc
	r := mux.NewRouter()
	svc.Routes(r)
	h := svc.CheckHost(SecurityHeaders("")(r))
	if wrap != nil {
		h = wrap(h)
	}
	c.srv = newServer(t, h)
	return c
}

// newServer serves h on a free loopback port until the test ends.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// browser is an HTTP client with its own cookie jar that does not follow
// redirects, so that tests see each step.
type browser struct {
	t    *testing.T
	club *testClub
	c    *http.Client
}

func (c *testClub) newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, club: c, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request as a same-origin fetch would, with extra headers.
func (b *browser) do(method, path string, form url.Values, header map[string]string) *http.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.club.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	b.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *browser) get(path string) *http.Response { return b.do(http.MethodGet, path, nil, nil) }

func (b *browser) devSignIn(name string) *http.Response {
	return b.do(http.MethodPost, "/auth/dev", url.Values{"name": {name}}, nil)
}

func (b *browser) me() Me {
	b.t.Helper()
	var m Me
	decodeJSON(b.t, b.get("/api/me"), http.StatusOK, &m)
	return m
}

func (b *browser) token() string {
	b.t.Helper()
	var tr TokenResponse
	decodeJSON(b.t, b.get("/api/token"), http.StatusOK, &tr)
	return tr.Token
}

// oauthSignIn goes through the faux provider as userID named name and
// returns the callback's response.
func (b *browser) oauthSignIn(userID, name string) *http.Response {
	b.t.Helper()
	b.club.faux.vouchFor(userID, name)
	state := b.beginOAuth()
	return b.get("/auth/faux/callback?code=any&state=" + url.QueryEscape(state))
}

// beginOAuth starts the faux flow and returns the state the provider got.
func (b *browser) beginOAuth() string {
	b.t.Helper()
	resp := b.get("/auth/faux")
	if resp.StatusCode != http.StatusFound {
		b.t.Fatalf("GET /auth/faux = %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "example.com" {
		b.t.Fatalf("GET /auth/faux sent the browser to %q, want faux's example.com", resp.Header.Get("Location"))
	}
	state := loc.Query().Get("state")
	if len(state) < 40 {
		b.t.Fatalf("state %q is too short to be unguessable", state)
	}
	return state
}

func decodeJSON(t *testing.T, resp *http.Response, wantStatus int, v any) {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s = %d %s, want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body, wantStatus)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s %s: %v in %s", resp.Request.Method, resp.Request.URL.Path, err, body)
	}
}

func nilDirectory() account.Directory { return account.NewMemoryDirectory(nil) }
