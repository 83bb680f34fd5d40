package igmcompat_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	igm "github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs/igmcompat"
)

const (
	chromiumPath  = "/usr/bin/chromium"
	modulesDir    = "../../static/node_modules" // npm ci --prefix static
	browserBudget = 90 * time.Second
)

// clientTransports are sockjs-client's transport names.
var clientTransports = []string{
	"websocket", "xhr-streaming", "eventsource", "iframe-eventsource", "iframe-htmlfile",
	"xhr-polling", "iframe-xhr-polling", "jsonp-polling",
}

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

// TestSockJSClientInChromium runs igm's echo handler behind igmcompat and
// the browser's sockjs-client in Chromium on every transport: open, echo,
// then a close by the handler with its code and reason.
func TestSockJSClientInChromium(t *testing.T) {
	if why := browserMissing(); why != "" {
		t.Skip("browser test skipped: " + why)
	}
	h := igmcompat.New("/echo", func(s igm.Session) {
		for {
			msg, err := s.Recv()
			if err != nil {
				return
			}
			if msg == "close" {
				_ = s.Close(3001, "handler closed")
				return
			}
			_ = s.Send(msg)
		}
	}, nil)
	mux := http.NewServeMux()
	mux.Handle("/echo/", h)
	transports, _ := json.Marshal(clientTransports)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html>
<script src="/echo/sockjs.min.js"></script>
<script>
  window.log = [];
  async function one(t) {
    return new Promise((resolve) => {
      const sock = new SockJS("/echo", null, { transports: [t] });
      const timer = setTimeout(() => resolve(t + " timeout"), 15000);
      let echoed = false;
      sock.onopen = () => sock.send("hello ✓");
      sock.onmessage = (e) => {
        if (e.data === "hello ✓") { echoed = true; sock.send("close"); }
      };
      sock.onclose = (e) => {
        clearTimeout(timer);
        resolve(t + (echoed ? " echoed" : " no echo") + " closed " + e.code + " " + e.reason);
      };
    });
  }
  (async () => { for (const t of %s) window.log.push(await one(t)); window.log.push("done"); })();
</script>`, transports)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer h.Shutdown(t.Context())

	modules, err := filepath.Abs(modulesDir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "testdata/driver.mjs", modules, chromiumPath, ts.URL+"/", fmt.Sprint(browserBudget.Milliseconds()))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
	defer func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(browserBudget):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}()
	sc := bufio.NewScanner(stdout)
	var got []string
	for sc.Scan() {
		var line string
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line == "done" {
			break
		}
		got = append(got, line)
	}
	if len(got) != len(clientTransports) {
		t.Fatalf("page logged %q, want one line per transport", got)
	}
	for i, tr := range clientTransports {
		if want := tr + " echoed closed 3001 handler closed"; got[i] != want {
			t.Errorf("got %q, want %q", got[i], want)
		}
	}
}
