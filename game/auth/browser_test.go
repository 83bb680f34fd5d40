//go:build linux

package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// seenRequest is one request the club answered, as the browser sent it.
type seenRequest struct {
	method, path, fetchSite string
	status                  int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

var attackerPages = template.Must(template.New("").Parse(`
{{define "logout-form"}}<form method="post" action="{{.}}/logout"></form><script>document.forms[0].submit()</script>{{end}}
{{define "dev-form"}}<form method="post" action="{{.}}/auth/dev"><input type="hidden" name="name" value="Mallory"></form><script>document.forms[0].submit()</script>{{end}}
{{define "token-fetch"}}<title>waiting</title><script>
fetch({{.}} + "/api/token", {credentials: "include"}).then(r => r.text()).then(t => document.title = "read: " + t, e => document.title = "refused");
</script>{{end}}`))

// TestBrowserRefusesCrossSiteRequests runs Debian's Chromium, driven by
// playwright-core: one browser claims the dev name Anna, another is
// refused a look-alike of it, and pages of another site (localhost is
// another site than 127.0.0.1) try to sign Anna out, sign her in as Mallory
// and read her socket token. It checks what the server saw: the requests
// came with Sec-Fetch-Site: cross-site and were refused. It skips when
// node, chromium or playwright-core (npm ci --prefix static) are missing.
func TestBrowserRefusesCrossSiteRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	pw, _ := filepath.Abs("../../static/node_modules/playwright-core/index.mjs")
	if _, err := os.Stat(pw); err != nil {
		t.Skip("playwright-core is not installed: npm ci --prefix static")
	}

	var mu sync.Mutex
	var seen []seenRequest
	club := newWrappedTestClub(t, false, Config{}, func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			inner.ServeHTTP(sw, r)
			mu.Lock()
			seen = append(seen, seenRequest{r.Method, r.URL.Path, r.Header.Get("Sec-Fetch-Site"), sw.status})
			mu.Unlock()
		})
	})
	clubURL := club.srv.URL // http://127.0.0.1:port
	attacker := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := attackerPages.ExecuteTemplate(w, strings.TrimPrefix(r.URL.Path, "/"), clubURL); err != nil {
			http.NotFound(w, r)
		}
	}))
	u, err := url.Parse(attacker.URL)
	if err != nil {
		t.Fatal(err)
	}
	attackerURL := "http://localhost:" + u.Port()

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/crosssite.mjs", clubURL, attackerURL, chromium, "file://"+pw)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("driver: %v\n%s", err, outb)
	}
	var out struct {
		Claim, Token, Theft            int
		LogoutPage, DevPage, TokenRead string
		Me                             Me
		Errors                         []string
	}
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("driver output %q: %v", outb, err)
	}
	for _, e := range out.Errors {
		t.Errorf("driver: %s", e)
	}
	if out.Claim != http.StatusOK || out.Token != http.StatusOK {
		t.Errorf("Anna's claim = %d, her token = %d; want 200, 200", out.Claim, out.Token)
	}
	if out.Theft != http.StatusConflict {
		t.Errorf("another browser claiming a look-alike of Anna = %d, want 409", out.Theft)
	}
	if out.Me.Player == nil || out.Me.Player.Name != "Anna" {
		t.Errorf("after the other site's pages Anna's browser is %+v, want still Anna", out.Me.Player)
	}
	if strings.HasPrefix(out.TokenRead, "read:") && strings.Contains(out.TokenRead, "token") {
		t.Errorf("the other site read a token: %s", out.TokenRead)
	}

	mu.Lock()
	answered := append([]seenRequest(nil), seen...)
	mu.Unlock()
	for _, want := range []seenRequest{
		{http.MethodPost, "/logout", "cross-site", http.StatusForbidden},
		{http.MethodPost, "/auth/dev", "cross-site", http.StatusForbidden},
		{http.MethodGet, "/api/token", "cross-site", http.StatusForbidden},
		{http.MethodPost, "/auth/dev", "same-origin", http.StatusOK},
		{http.MethodPost, "/auth/dev", "same-origin", http.StatusConflict},
	} {
		found := false
		for _, s := range answered {
			found = found || s == want
		}
		if !found {
			t.Errorf("the club never answered %s %s from %s with %d; it saw %s", want.method, want.path, want.fetchSite, want.status, fmt.Sprint(answered))
		}
	}
	// Mallory was never claimed: a fresh browser may take the name.
	if resp := club.newBrowser(t).devSignIn("Mallory"); resp.StatusCode != http.StatusOK {
		t.Errorf("claiming Mallory afterwards = %d, want 200 (the other site claimed it)", resp.StatusCode)
	}
}
