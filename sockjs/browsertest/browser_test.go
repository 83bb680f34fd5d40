package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// modulesDir is static/node_modules, relative to this package.
	modulesDir = "../../static/node_modules"
	// stepTimeout bounds each step of the driver (an open, a burst, a close,
	// the server's learning of a close: up to heartbeatDelay +
	// disconnectDelay); echoTimeout one echo.
	stepTimeout = 15 * time.Second
	echoTimeout = 3 * time.Second
	// driverBudget bounds the whole driver run; the test's own deadline is a
	// little later, so the driver can report before it is killed.
	driverBudget = 100 * time.Second
	burstSize    = 20
)

// transportSpec names a transport on both ends.
type transportSpec struct {
	client string // sockjs-client's name, as in {transports: [name]} and sock.transport
	server string // Session.Transport()
}

// browserTransports is every transport sockjs-client has in Chromium, with
// the name the server's Session.Transport reports for it: the iframe-*
// transports run the inner transport from the server's iframe page.
//
// htmlfile is in the list because sockjs-client 1.6.1 enables it in Chromium:
// HtmlfileReceiver.enabled is true wherever postMessage exists (it falls back
// from ActiveX to an iframe), and HtmlFileTransport.enabled also wants the
// page and the endpoint on the same origin (see originRuns).
var browserTransports = []transportSpec{
	{"websocket", sockjs.TransportWebsocket},
	{"xhr-streaming", sockjs.TransportXHRStreaming},
	{"xhr-polling", sockjs.TransportXHRPolling},
	{"eventsource", sockjs.TransportEventSource},
	{"iframe-eventsource", sockjs.TransportEventSource},
	{"htmlfile", sockjs.TransportHTMLFile},
	{"iframe-htmlfile", sockjs.TransportHTMLFile},
	{"iframe-xhr-polling", sockjs.TransportXHRPolling},
	{"jsonp-polling", sockjs.TransportJSONP},
}

// originRun is one placement of page and endpoint: every transport runs in
// each, with the outcome the origin rules give.
type originRun struct {
	name     string // subtest name, and prefix of the conn ids
	pageHost string // host of the test page's URL; the endpoint is always on 127.0.0.1
	prefix   string // the SockJS endpoint's path
	// refused gives, for a transport that must not open, the close code
	// the browser sees; ok is false for a transport that must work.
	refused func(client string) (code int, ok bool)
	// only limits the run to these transports (nil: all).
	only []string
}

// originRuns places the page on the endpoint's origin, on another origin
// the endpoint allows (/cors-echo allows http://localhost:port), and on an
// origin the endpoint does not allow (/echo keeps the default, same origin
// only). Across origins sockjs-client switches htmlfile off (it needs the
// parent page's callback), so that client fails with "All transports
// failed" (2000) without a request; the iframe-* transports exist for this
// case. A foreign origin is refused by the server at /info (403), which
// sockjs-client reports as 1002 before choosing a transport, so one
// transport shows it.
var originRuns = []originRun{
	{name: "same-origin", pageHost: "127.0.0.1", prefix: "/echo",
		refused: func(string) (int, bool) { return 0, false }},
	{name: "cross-origin", pageHost: "localhost", prefix: "/cors-echo",
		refused: func(client string) (int, bool) { return 2000, client == "htmlfile" }},
	{name: "foreign-origin", pageHost: "localhost", prefix: "/echo",
		refused: func(string) (int, bool) { return 1002, true }, only: []string{"websocket"}},
}

var onlyTransports = flag.String("transports", "", "comma-separated sockjs-client transports for TestBrowserTransports (default: all)")

// selected reports whether the -transports flag selects transport.
func selected(transport string) bool {
	return *onlyTransports == "" || slices.Contains(strings.Split(*onlyTransports, ","), transport)
}

// payload is one message the tests echo, byte-exact both ways.
type payload struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// payloads are echoed, in this order, on every transport.
var payloads = []payload{
	{"ascii", `Hello, SockJS! 0123456789 ~!@#$%^&*()_+-={}[]|\:";'<>?,./` + "`"},
	{"unicode", "Žluťoučký kůň, Привет, 日本語, ∀x∈ℝ, emoji 😀 👍🏽, music 𝄞, 𐍈"},
	// Characters sockjs-client or the server escape because browsers and
	// proxies mangle them: combining marks, joiners, line/paragraph
	// separators, BOM, specials and noncharacters.
	{"escaped-ranges", "a\u0300b\u0591c\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u2060\u206f\ufeff\ufff0\ufffd\ufffe\uffff"},
	// sockjs-client passes every eventsource message through decodeURI:
	// a '%' must reach it escaped, or the text is decoded or dropped.
	{"percent", "%41%42%43 = 100%25 of %E2%9C%93"},
	// The htmlfile transport writes frames inside a <script> element in
	// the endpoint's origin: markup in a message must stay text.
	{"markup", "</script><script>document.title='injected'</script><!-- <b>x</b> -->"},
	{"control", controlChars()},
	{"empty", ""},
	{"60KiB", bigText(60 << 10)},
}

// controlChars is every C0 control character, 0x00-0x1F, then DEL.
func controlChars() string {
	var b strings.Builder
	for c := range 0x20 {
		b.WriteByte(byte(c))
	}
	b.WriteByte(0x7f)
	return b.String()
}

// bigText is n bytes of printable ASCII, every character in turn, so any
// dropped, doubled or reordered chunk shows.
func bigText(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(' ' + i%95)
	}
	return string(b)
}

// driverConfig is what driver.mjs reads.
type driverConfig struct {
	Control      string      `json:"control"` // base URL of /test/closed
	Modules      string      `json:"modules"`
	Chromium     string      `json:"chromium"`
	Runs         []driverRun `json:"runs"`
	Payloads     []payload   `json:"payloads"`
	Burst        int         `json:"burst"`
	CloseCommand string      `json:"closeCommand"`
	StepMs       int64       `json:"stepMs"`
	EchoMs       int64       `json:"echoMs"`
	BudgetMs     int64       `json:"budgetMs"`
	SizeCases    []sizeCase  `json:"sizeCases,omitempty"`
	OverMessage  string      `json:"overMessage,omitempty"`
}

// serverView is /test/closed's answer: the server's record of a connection.
type serverView struct {
	Found     bool   `json:"found"`
	Transport string `json:"transport"`
	Closed    bool   `json:"closed"`
	Code      int    `json:"code"`
	Reason    string `json:"reason"`
}

// driverRun is one originRun as the driver takes it.
type driverRun struct {
	Name       string            `json:"name"`
	Page       string            `json:"page"`     // URL of the test page
	Endpoint   string            `json:"endpoint"` // SockJS URL
	Transports []driverTransport `json:"transports"`
	Sizes      bool              `json:"sizes,omitempty"` // run only the message-size cases
}

type driverTransport struct {
	Name  string `json:"name"`
	Opens bool   `json:"opens"`
}

// closeEvent is the browser's close event.
type closeEvent struct {
	Code     int    `json:"code"`
	Reason   string `json:"reason"`
	WasClean bool   `json:"wasClean"`
}

// result is one line of the driver's output; which fields are set depends on
// the case.
type result struct {
	Run       string `json:"run"`
	Transport string `json:"transport"`
	Case      string `json:"case"`
	OK        bool   `json:"ok"`
	Error     string `json:"error"`

	Version         string          `json:"version"`         // client-version, browser
	Conn            string          `json:"conn"`            // open
	ClientTransport string          `json:"clientTransport"` // open: sock.transport
	Echoed          json.RawMessage `json:"echoed"`          // echo/*: a string; burst: a list
	Sent            []string        `json:"sent"`            // burst
	Close           *closeEvent     `json:"close"`           // client-close, server-close
	Server          *serverView     `json:"server"`          // server-saw-close
	AfterMs         int64           `json:"afterMs"`         // server-saw-close
	Errors          []string        `json:"errors"`          // page-errors
	Count           int             `json:"count"`           // size/*: messages echoed
	Bad             []int           `json:"bad"`             // size/*: indices echoed wrong
}

// prerequisites returns why the browser test cannot run here, or "".
func prerequisites() string {
	if _, err := exec.LookPath("node"); err != nil {
		return "node is not installed"
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return chromiumPath + " is missing (apt-get install chromium)"
	}
	for _, m := range []string{"playwright-core", "sockjs-client"} {
		if _, err := os.Stat(filepath.Join(modulesDir, m, "package.json")); err != nil {
			return "static/node_modules/" + m + " is missing (npm ci --prefix static)"
		}
	}
	return ""
}

// runDriver runs driver.mjs against f and returns its results by
// "run/transport" and case.
func runDriver(t *testing.T, f *fixture, runs []driverRun, edit ...func(*driverConfig)) map[string]map[string]result {
	t.Helper()
	modules, err := filepath.Abs(modulesDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := driverConfig{
		Control: f.base, Modules: modules, Chromium: chromiumPath,
		Runs: runs, Payloads: payloads, Burst: burstSize,
		CloseCommand: closeCommand,
		StepMs:       stepTimeout.Milliseconds(), EchoMs: echoTimeout.Milliseconds(), BudgetMs: driverBudget.Milliseconds(),
	}
	for _, e := range edit {
		e(&cfg)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), driverBudget+15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "driver.mjs", cfgPath)
	inOwnProcessGroup(cmd) // on timeout, Chromium dies with the driver
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node driver.mjs: %v", err)
	}

	results := make(map[string]map[string]result)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("driver printed a line that is not a result: %v: %.200q", err, sc.Bytes())
			continue
		}
		logResult(t, r)
		key := r.Run + "/" + r.Transport
		if results[key] == nil {
			results[key] = make(map[string]result)
		}
		results[key][r.Case] = r
	}
	if err := sc.Err(); err != nil {
		t.Errorf("reading the driver's output: %v", err)
	}
	err = cmd.Wait()
	t.Logf("driver ran %v", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Errorf("node driver.mjs: %v (deadline: %v)\nstderr:\n%s", err, ctx.Err(), stderr.String())
	}
	if drv, ok := results["/"]["driver"]; ok {
		t.Errorf("driver failed: %s", drv.Error)
	}
	if _, ok := results["/"]["done"]; !ok {
		t.Errorf("driver did not finish\nstderr:\n%s", stderr.String())
	}
	return results
}

// logResult logs a result line, cut short.
func logResult(t *testing.T, r result) {
	t.Helper()
	t.Logf("driver: %s", logLine(r))
}

// logLine is r as JSON, cut short.
func logLine(r result) string {
	b, _ := json.Marshal(r)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// TestBrowserTransports runs sockjs-client 1.6.1 in headless Chromium on
// every transport, from a page on the endpoint's origin and from pages on
// other origins, and checks each end of each case: the transport used, the
// echo of every payload byte-exact in both directions, a burst arriving in
// order, a client-side close reaching OnClose, a server-side close reaching
// the browser with the server's code and reason, and the refusals the origin
// rules call for.
func TestBrowserTransports(t *testing.T) {
	if why := prerequisites(); why != "" {
		t.Skip("browser test skipped: " + why)
	}
	f := newFixture(t)
	var runs []driverRun
	for _, or := range originRuns {
		dr := driverRun{
			Name:     or.name,
			Page:     "http://" + net.JoinHostPort(or.pageHost, f.port) + "/test/page.html",
			Endpoint: f.base + or.prefix,
		}
		for _, tr := range browserTransports {
			if selected(tr.client) && (or.only == nil || slices.Contains(or.only, tr.client)) {
				_, refused := or.refused(tr.client)
				dr.Transports = append(dr.Transports, driverTransport{Name: tr.client, Opens: !refused})
			}
		}
		if len(dr.Transports) > 0 {
			runs = append(runs, dr)
		}
	}
	if len(runs) == 0 {
		t.Fatalf("-transports=%s selects none of the transports", *onlyTransports)
	}
	results := runDriver(t, f, runs)

	if v := results["/"]["browser"].Version; v == "" {
		t.Errorf("driver reported no browser version")
	} else {
		t.Logf("browser: Chromium %s", v)
	}
	for _, dr := range runs {
		or := originRuns[slices.IndexFunc(originRuns, func(o originRun) bool { return o.name == dr.Name })]
		t.Run(dr.Name, func(t *testing.T) {
			for _, dt := range dr.Transports {
				tr := browserTransports[slices.IndexFunc(browserTransports, func(b transportSpec) bool { return b.client == dt.Name })]
				res := results[dr.Name+"/"+dt.Name]
				t.Run(dt.Name, func(t *testing.T) {
					if code, refused := or.refused(dt.Name); refused {
						checkRefused(t, f, dr.Name+"."+dt.Name, code, res)
						return
					}
					checkTransport(t, f, dr.Name+"."+dt.Name, dt.Name, tr.server, res)
				})
			}
		})
	}
}

// checkRefused asserts that a transport which must not open did not, and
// that the server never ran OnOpen for it.
func checkRefused(t *testing.T, f *fixture, connPrefix string, wantCode int, res map[string]result) {
	r, ok := res["open"]
	if !ok {
		t.Fatalf("driver reported no open result")
	}
	if r.OK {
		t.Fatalf("opened with %q, want it refused", r.ClientTransport)
	}
	if r.Close == nil || r.Close.Code != wantCode {
		t.Errorf("browser: %s; want a close event with code %d", logLine(r), wantCode)
	}
	if c := f.conn(connPrefix + ".echo"); c != nil {
		t.Errorf("the server opened a session for the refused client (transport %s)", c.transport)
	}
}

// checkTransport asserts every case of one transport, each as a subtest.
// The driver's connections are connPrefix+".echo" and connPrefix+".close".
func checkTransport(t *testing.T, f *fixture, connPrefix, client, server string, res map[string]result) {
	get := func(t *testing.T, name string) result {
		t.Helper()
		r, ok := res[name]
		if !ok {
			t.Fatalf("driver reported no %q result", name)
		}
		if r.Error != "" {
			t.Fatalf("%s: %s", name, r.Error)
		}
		return r
	}
	echoID, closeID := connPrefix+".echo", connPrefix+".close"

	t.Run("client_script_version", func(t *testing.T) {
		if got := get(t, "client-version").Version; got != "1.6.1" {
			t.Errorf("SockJS.version = %q, want 1.6.1 (the script the server serves at /echo/sockjs.min.js)", got)
		}
	})
	t.Run("client_uses_transport", func(t *testing.T) {
		r := get(t, "open")
		if !r.OK {
			t.Fatalf("did not open: %s", logLine(r))
		}
		if r.ClientTransport != client {
			t.Errorf("sock.transport = %q, want %q", r.ClientTransport, client)
		}
	})
	t.Run("server_sees_transport", func(t *testing.T) {
		for _, id := range []string{echoID, closeID} {
			c := f.conn(id)
			if c == nil {
				t.Errorf("conn %s: OnOpen never ran", id)
				continue
			}
			if c.transport != server {
				t.Errorf("conn %s: Session.Transport() = %q, want %q", id, c.transport, server)
			}
			c.mu.Lock()
			opens := c.opens
			c.mu.Unlock()
			if opens != 1 {
				t.Errorf("conn %s: OnOpen ran %d times, want 1", id, opens)
			}
		}
	})

	// What the server received on the echo connection, in order: every
	// payload, then the burst.
	var received []string
	if c := f.conn(echoID); c != nil {
		received = c.messages()
	}
	for i, p := range payloads {
		t.Run("echo/"+p.Name, func(t *testing.T) {
			if i < len(received) {
				if received[i] != p.Text {
					t.Errorf("server received %s, want %s (first difference at byte %d)",
						describe(received[i]), describe(p.Text), firstDiff(received[i], p.Text))
				}
			} else {
				t.Errorf("server received only %d messages, not message %d", len(received), i)
			}
			r := get(t, "echo/"+p.Name)
			var echoed string
			if err := json.Unmarshal(r.Echoed, &echoed); err != nil {
				t.Fatalf("no echo: %v: %s", err, logLine(r))
			}
			if echoed != p.Text {
				t.Errorf("browser got back %s, want %s (first difference at byte %d)",
					describe(echoed), describe(p.Text), firstDiff(echoed, p.Text))
			}
		})
	}
	t.Run("burst_in_order", func(t *testing.T) {
		r := get(t, "burst")
		if len(r.Sent) != burstSize {
			t.Fatalf("driver sent %d messages, want %d", len(r.Sent), burstSize)
		}
		var echoed []string
		if err := json.Unmarshal(r.Echoed, &echoed); err != nil {
			t.Fatalf("no echoes: %v: %s", err, logLine(r))
		}
		if !slices.Equal(echoed, r.Sent) {
			t.Errorf("browser got back %q, want %q", echoed, r.Sent)
		}
		if len(received) >= len(payloads) && !slices.Equal(received[len(payloads):], r.Sent) {
			t.Errorf("server received %q, want %q", received[len(payloads):], r.Sent)
		}
	})
	t.Run("client_close_reaches_OnClose", func(t *testing.T) {
		r := get(t, "client-close")
		if r.Close == nil || r.Close.Code != 1000 {
			t.Errorf("browser close event = %+v, want code 1000", r.Close)
		}
		saw := get(t, "server-saw-close")
		if saw.Server == nil || !saw.Server.Found || !saw.Server.Closed {
			t.Fatalf("server had not run OnClose %d ms after the client closed: %s", saw.AfterMs, logLine(saw))
		}
		c := f.conn(echoID)
		closes, code, reason := c.closeStatus()
		t.Logf("OnClose ran within %d ms of the client's close, with CloseStatus %d %q", saw.AfterMs, code, reason)
		if closes != 1 {
			t.Errorf("OnClose ran %d times, want 1", closes)
		}
		// sockjs-client sends no close code of its own, so what OnClose
		// sees must come from the server's table of close codes.
		if sockjs.CloseReason(code) == "" || reason != sockjs.CloseReason(code) {
			t.Errorf("CloseStatus in OnClose = %d %q, want a code of the close-code table with its reason", code, reason)
		}
	})
	t.Run("server_close_reaches_browser", func(t *testing.T) {
		r := get(t, "server-close")
		want := closeEvent{Code: serverCloseCode, Reason: serverCloseReason, WasClean: true}
		if r.Close == nil || *r.Close != want {
			t.Errorf("browser close event = %+v, want %+v", r.Close, want)
		}
		c := f.conn(closeID)
		if c == nil {
			t.Fatal("server never opened the connection")
		}
		select {
		case <-c.closed:
		case <-time.After(stepTimeout):
			t.Fatal("OnClose did not run")
		}
		closes, code, reason := c.closeStatus()
		if closes != 1 || code != serverCloseCode || reason != serverCloseReason {
			t.Errorf("OnClose ran %d times with CloseStatus %d %q, want once with %d %q",
				closes, code, reason, serverCloseCode, serverCloseReason)
		}
		if got := c.messages(); !slices.Equal(got, []string{closeCommand}) {
			t.Errorf("server received %q, want only %q", got, closeCommand)
		}
	})
	t.Run("no_page_errors", func(t *testing.T) {
		var errs []string
		for _, e := range res["page-errors"].Errors {
			if client == "jsonp-polling" && orphanJSONP.MatchString(e) {
				// sockjs-client cannot abort a JSONP poll in flight: when
				// the client closes it deletes the poll's callback, and
				// the script still runs when the server answers.
				continue
			}
			errs = append(errs, e)
		}
		if len(errs) > 0 {
			t.Errorf("the page logged errors: %q", errs)
		}
	})
}

// orphanJSONP is the page error of a JSONP poll answered after the client
// closed.
var orphanJSONP = regexp.MustCompile(`^(Uncaught )?TypeError: _jp\.a\w+ is not a function$`)

// describe shows a message briefly: a short one quoted, a long one by
// length and its ends.
func describe(s string) string {
	if len(s) <= 120 {
		return fmt.Sprintf("%+q", s)
	}
	return fmt.Sprintf("%+q…%+q (%d bytes)", s[:40], s[len(s)-20:], len(s))
}

// firstDiff is the first byte offset where got and want differ.
func firstDiff(got, want string) int {
	n := min(len(got), len(want))
	for i := range n {
		if got[i] != want[i] {
			return i
		}
	}
	return n
}
