package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

const (
	chromiumPath = "/usr/bin/chromium"
	modulesDir   = "../../static/node_modules" // npm ci --prefix static
	// browserBudget bounds one browser run.
	browserBudget = 60 * time.Second
)

// browserMissing says why the browser test cannot run here, or "".
func browserMissing() string {
	if _, err := exec.LookPath("node"); err != nil {
		return "node is not installed"
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return chromiumPath + " is missing (apt-get install chromium)"
	}
	if _, err := os.Stat(filepath.Join(modulesDir, "playwright-core")); err != nil {
		return "static/node_modules/playwright-core is missing (npm ci --prefix static)"
	}
	return ""
}

// TestReconnectGetsAFreshToken runs subscribe.js, the code the README
// shows, in Chromium on a website page: it subscribes with a token from the
// website, gets a publication, is dropped by the broker (as on a broker
// restart), reconnects with a second, fresh token and gets the next one.
func TestReconnectGetsAFreshToken(t *testing.T) {
	if why := browserMissing(); why != "" {
		t.Skip("browser test skipped: " + why)
	}
	for _, transport := range []string{"websocket", "xhr-streaming"} {
		t.Run(transport, func(t *testing.T) { testReconnect(t, transport) })
	}
}

func testReconnect(t *testing.T, transport string) {
	var tokens atomic.Int64
	script, err := os.ReadFile("subscribe.js")
	if err != nil {
		t.Fatal(err)
	}
	site := http.NewServeMux()
	web := httptest.NewServer(site)
	defer web.Close()
	e := newEnvAllowing(t, []string{web.URL})
	site.HandleFunc("GET /token", func(w http.ResponseWriter, _ *http.Request) {
		tokens.Add(1)
		tok, err := MintToken(testSecret, "17", "user:17", time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(tok))
	})
	site.HandleFunc("GET /subscribe.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = w.Write(script)
	})
	site.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html>
<script src="%[1]s/push/sockjs.min.js"></script>
<script src="/subscribe.js"></script>
<script>
  window.log = [];
  subscribe("%[1]s/push", () => fetch("/token").then((r) => r.text()),
    (msg) => window.log.push("message " + msg),
    { sockjs: { transports: [%[2]q] }, onSubscribed: (ch) => window.log.push("subscribed " + ch) });
</script>`, e.url, transport)
	})

	modules, err := filepath.Abs(modulesDir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "testdata/driver.mjs", modules, chromiumPath, web.URL+"/", fmt.Sprint(browserBudget.Milliseconds()))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Chromium's processes go with it
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	entries := make(chan string, 100)
	go func() {
		defer close(entries)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var s string
			if json.Unmarshal(sc.Bytes(), &s) == nil {
				entries <- s
			}
		}
	}()
	defer func() {
		stdin.Close() // the driver closes the browser and exits
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(browserBudget):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case got, ok := <-entries:
			if !ok {
				t.Fatalf("the browser driver ended; want %q", want)
			}
			if got != want {
				t.Fatalf("page logged %q, want %q", got, want)
			}
		case <-time.After(browserBudget):
			t.Fatalf("page did not log %q", want)
		}
	}
	publish := func(msg string) {
		t.Helper()
		if code := e.publish("user:17", msg, "Bearer "+testPublishToken); code != http.StatusNoContent {
			t.Fatalf("publish: %d", code)
		}
	}

	expect("subscribed user:17")
	publish("one")
	expect("message one")
	for _, s := range e.srv.Sessions() { // as a broker restart would
		_ = s.Close(sockjs.CloseGoingAway, "")
	}
	expect("subscribed user:17")
	publish("two")
	expect("message two")
	if n := tokens.Load(); n != 2 {
		t.Errorf("the page fetched %d tokens, want 2: one per connection", n)
	}
}
