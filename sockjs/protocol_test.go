package sockjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// These tests pin the SockJS protocol (0.3.3) group by group, as the official
// sockjs-protocol suite checks it.

func TestGreetingAndNotFound(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	for _, path := range []string{"", "/"} {
		r := env.do("GET", env.base+path, "", nil)
		if r.status != 200 || r.body != "Welcome to SockJS!\n" {
			t.Errorf("GET %q = %d %q", path, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
			t.Errorf("greeting content type %q", ct)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Error("greeting sets a cookie")
		}
	}
	for _, path := range []string{"/a", "/a.html", "//", "///", "/a/a", "/a/a/", "/a/"} {
		if r := env.do("GET", env.base+path, "", nil); r.status != 404 {
			t.Errorf("GET %q = %d, want 404", path, r.status)
		}
	}
	for _, path := range []string{"//", "/a./a", "/a/a.", "/./.", "/", "///"} {
		for _, m := range []string{"GET", "POST"} {
			if r := env.do(m, env.base+path+"/xhr", "", nil); r.status != 404 {
				t.Errorf("%s %q/xhr = %d, want 404", m, path, r.status)
			}
		}
	}
}

func TestInfo(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	r := env.do("GET", env.base+"/info", "", map[string]string{"Origin": "test"})
	if r.status != 200 || r.header.Get("Content-Type") != "application/json; charset=UTF-8" {
		t.Fatalf("info: %d %q", r.status, r.header.Get("Content-Type"))
	}
	if got := r.header.Get("Cache-Control"); got != noCache {
		t.Errorf("Cache-Control %q", got)
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Error("/info sets a cookie")
	}
	checkCORS(t, r, "test")
	var info struct {
		Websocket    bool     `json:"websocket"`
		CookieNeeded bool     `json:"cookie_needed"`
		Origins      []string `json:"origins"`
		Entropy      uint32   `json:"entropy"`
	}
	if err := json.Unmarshal([]byte(r.body), &info); err != nil {
		t.Fatalf("info body %q: %v", r.body, err)
	}
	if !info.Websocket || info.CookieNeeded || len(info.Origins) != 1 || info.Origins[0] != "*:*" {
		t.Errorf("info = %+v", info)
	}
	r2 := env.do("GET", env.base+"/info", "", nil)
	if r2.body == r.body {
		t.Error("entropy repeats")
	}

	off := newEnv(t, Options{DisabledTransports: []string{TransportWebsocket}, JSessionID: true}, hooks{})
	r = off.do("GET", off.base+"/info", "", nil)
	if !strings.Contains(r.body, `"websocket":false`) || !strings.Contains(r.body, `"cookie_needed":true`) {
		t.Errorf("info with websocket off and cookies on: %s", r.body)
	}
	if r.header.Get("Set-Cookie") != "" {
		t.Error("/info sets a cookie even with JSessionID")
	}
}

func checkCORS(t *testing.T, r response, origin string) {
	t.Helper()
	if origin == "" {
		if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("CORS without origin: %v", r.header)
		}
		return
	}
	if r.header.Get("Access-Control-Allow-Origin") != origin || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS for %q: allow-origin %q credentials %q", origin,
			r.header.Get("Access-Control-Allow-Origin"), r.header.Get("Access-Control-Allow-Credentials"))
	}
}

func TestPreflight(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	cases := []struct{ path, methods string }{
		{"/info", "OPTIONS, GET"},
		{"/abc/abc/xhr", "OPTIONS, POST"},
		{"/abc/abc/xhr_send", "OPTIONS, POST"},
		{"/abc/abc/xhr_streaming", "OPTIONS, POST"},
	}
	for _, c := range cases {
		for _, origin := range []string{"test", "null"} {
			r := env.do("OPTIONS", env.base+c.path, "", map[string]string{
				"Origin": origin, "Access-Control-Request-Method": c.methods, "Access-Control-Request-Headers": "a, b, c"})
			if r.status != 204 || r.body != "" {
				t.Errorf("OPTIONS %s: %d %q", c.path, r.status, r.body)
			}
			if !regexp.MustCompile(`public`).MatchString(r.header.Get("Cache-Control")) ||
				!regexp.MustCompile(`max-age=[1-9][0-9]{6}`).MatchString(r.header.Get("Cache-Control")) ||
				r.header.Get("Expires") == "" || r.header.Get("Access-Control-Max-Age") != "31536000" {
				t.Errorf("OPTIONS %s not cacheable: %v", c.path, r.header)
			}
			for _, m := range strings.Split(c.methods, ", ") {
				if !strings.Contains(r.header.Get("Access-Control-Allow-Methods"), m) {
					t.Errorf("OPTIONS %s: methods %q lack %s", c.path, r.header.Get("Access-Control-Allow-Methods"), m)
				}
			}
			if r.header.Get("Access-Control-Allow-Headers") != "a, b, c" {
				t.Errorf("OPTIONS %s: allow-headers %q", c.path, r.header.Get("Access-Control-Allow-Headers"))
			}
			checkCORS(t, r, origin)
		}
	}
}

func TestIframePage(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	body := regexp.MustCompile(`(?s)^<!DOCTYPE html>\n<html>.*<script src="([^"]*)"></script>.*SockJS.bootstrap_iframe\(\);.*</html>$`)
	var etag string
	for _, path := range []string{"/iframe.html", "/iframe-a.html", "/iframe-.html", "/iframe-0.1.2.html",
		"/iframe-0.1.2abc-dirty.2144.html", "/iframe-a.html?t=1234"} {
		r := env.do("GET", env.base+path, "", nil)
		if r.status != 200 || r.header.Get("Content-Type") != "text/html; charset=UTF-8" {
			t.Fatalf("GET %s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
		m := body.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("GET %s: body %q", path, r.body)
		}
		if m[1] != "/echo/sockjs.min.js" {
			t.Errorf("sockjs url %q", m[1])
		}
		if r.header.Get("ETag") == "" || r.header.Get("Last-Modified") != "" || r.header.Get("Expires") == "" {
			t.Errorf("GET %s caching headers %v", path, r.header)
		}
		etag = r.header.Get("ETag")
	}
	r := env.do("GET", env.base+"/iframe.html", "", map[string]string{"If-None-Match": etag})
	if r.status != 304 || r.body != "" || r.header.Get("Content-Type") != "" {
		t.Errorf("conditional GET: %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	for _, path := range []string{"/iframe.htm", "/iframe", "/IFRAME.HTML", "/IFRAME", "/iframe.HTML", "/iframe.xml", "/iframe-/.html"} {
		if r := env.do("GET", env.base+path, "", nil); r.status != 404 {
			t.Errorf("GET %s = %d, want 404", path, r.status)
		}
	}
	// The script the iframe loads is served here, not from a CDN.
	if r := env.do("GET", env.base+"/sockjs.min.js", "", nil); r.status != 200 || !strings.Contains(r.body, "sockjs-client v1.6.1") {
		t.Errorf("sockjs.min.js: %d, %d bytes", r.status, len(r.body))
	}
}

func TestXHRPolling(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	url := env.base + "/000/" + randomID()
	r := env.do("POST", url+"/xhr", "", map[string]string{"Origin": "test"})
	if r.status != 200 || r.body != "o\n" || r.header.Get("Content-Type") != "application/javascript; charset=UTF-8" {
		t.Fatalf("open: %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	checkCORS(t, r, "test")
	if r.header.Get("Cache-Control") != noCache {
		t.Errorf("xhr Cache-Control %q", r.header.Get("Cache-Control"))
	}
	r = env.do("POST", url+"/xhr_send", `["x"]`, map[string]string{"Origin": "test"})
	if r.status != 204 || r.body != "" || r.header.Get("Content-Type") != "text/plain; charset=UTF-8" {
		t.Errorf("send: %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	for _, ct := range []string{"text/plain", "T", "application/json", "application/xml", "", "text/xml; charset=utf-8"} {
		if r := env.do("POST", url+"/xhr_send", `["a"]`, map[string]string{"Content-Type": ct}); r.status != 204 {
			t.Errorf("send with content type %q: %d", ct, r.status)
		}
	}
	if r := env.do("POST", url+"/xhr_send", `[]`, nil); r.status != 204 {
		t.Errorf("empty frame: %d", r.status)
	}
	if r := env.do("POST", url+"/xhr", "", nil); r.body != `a["x","a","a","a","a","a","a"]`+"\n" {
		t.Errorf("poll = %q", r.body)
	}
	if r := env.do("POST", env.base+"/000/bad_session/xhr_send", `["a"]`, nil); r.status != 404 {
		t.Errorf("send to unknown session: %d", r.status)
	}
}

func TestSendErrors(t *testing.T) {
	env := newEnv(t, Options{MaxMessageSize: 1024, MaxFrameSize: 8192}, hooks{})
	url := env.base + "/000/" + randomID()
	env.do("POST", url+"/xhr", "", nil)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	cases := []struct {
		name, transport, body string
		header                map[string]string
		status                int
		text                  string
	}{
		{"broken JSON", "xhr_send", `["x`, nil, 500, "Broken JSON encoding."},
		{"not an array of strings", "xhr_send", `[1]`, nil, 500, "Broken JSON encoding."},
		{"no payload", "xhr_send", ``, nil, 500, "Payload expected."},
		{"jsonp broken JSON", "jsonp_send", `d=%5B%22x`, form, 500, "Broken JSON encoding."},
		{"jsonp empty", "jsonp_send", ``, form, 500, "Payload expected."},
		{"jsonp empty d", "jsonp_send", `d=`, form, 500, "Payload expected."},
		{"jsonp no d", "jsonp_send", `p=p`, form, 500, "Payload expected."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := env.do("POST", url+"/"+c.transport, c.body, c.header)
			if r.status != c.status || !strings.Contains(r.body, c.text) {
				t.Errorf("%d %q, want %d %q", r.status, r.body, c.status, c.text)
			}
		})
	}
	// The session survived every bad request.
	env.do("POST", url+"/xhr_send", `["alive"]`, nil)
	if r := env.do("POST", url+"/xhr", "", nil); r.body != `a["alive"]`+"\n" {
		t.Errorf("after bad input: %q", r.body)
	}
}

// TestSendOverSizeClosesTheSession checks that a send body over MaxFrameSize,
// or holding one message over MaxMessageSize once decoded, is answered 413,
// none of it is delivered, and the session is closed with
// CloseMessageTooBig, which the next poll carries.
func TestSendOverSizeClosesTheSession(t *testing.T) {
	var got []string
	var mu sync.Mutex
	env := newEnv(t, Options{MaxMessageSize: 1024, MaxFrameSize: 8192}, hooks{onMessage: func(_ *Session, msg string) {
		mu.Lock()
		got = append(got, msg)
		mu.Unlock()
	}})
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	overMessage := `["ok","` + strings.Repeat("x", 1025) + `"]`
	cases := []struct {
		name, transport, body string
		header                map[string]string
	}{
		{"one message over MaxMessageSize", "xhr_send", overMessage, nil},
		{"one multi-byte message over MaxMessageSize", "xhr_send", `["` + strings.Repeat("é", 512) + `x"]`, nil},
		{"message over MaxMessageSize only once decoded", "xhr_send", `["` + strings.Repeat(`\u00ff`, 513) + `"]`, nil},
		{"body over MaxFrameSize", "xhr_send", `["` + strings.Repeat("x", 8200) + `"]`, nil},
		{"jsonp message over MaxMessageSize", "jsonp_send", "d=" + neturl.QueryEscape(overMessage), form},
		{"jsonp raw message over MaxMessageSize", "jsonp_send", overMessage, nil},
		{"jsonp body over MaxFrameSize", "jsonp_send", "d=" + strings.Repeat("x", 8200), form},
		{"jsonp raw body over MaxFrameSize", "jsonp_send", strings.Repeat("x", 8200), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := env.base + "/000/" + randomID()
			env.do("POST", url+"/xhr", "", nil)
			if r := env.do("POST", url+"/"+c.transport, c.body, c.header); r.status != 413 || !strings.Contains(r.body, "Message too big") {
				t.Errorf("send: %d %q, want 413 Message too big", r.status, r.body)
			}
			if r := env.do("POST", url+"/xhr", "", nil); r.body != `c[1009,"Message too big"]`+"\n" {
				t.Errorf("next poll: %q, want the close frame", r.body)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 0 {
		t.Errorf("OnMessage got %q of refused bodies", got)
	}
}

// TestSendSizeBoundsEachMessage checks that MaxMessageSize bounds each
// decoded message and MaxFrameSize the body: a batch far over
// MaxMessageSize in sum is delivered whole, as are messages of exactly
// MaxMessageSize bytes, however they are escaped on the wire.
func TestSendSizeBoundsEachMessage(t *testing.T) {
	const maxMsg = 1024
	var got []string
	var mu sync.Mutex
	env := newEnv(t, Options{MaxMessageSize: maxMsg, MaxFrameSize: 16 << 10}, hooks{onMessage: func(_ *Session, msg string) {
		mu.Lock()
		got = append(got, msg)
		mu.Unlock()
	}})
	exact := []string{
		strings.Repeat("x", maxMsg),
		strings.Repeat("é", maxMsg/2),
		strings.Repeat("€", maxMsg/3) + "x", // 3-byte runes
		strings.Repeat("\x00", maxMsg),      // every byte escaped as \u0000 on the wire
	}
	cases := []struct {
		name string
		msgs []string
	}{
		{"a burst far over MaxMessageSize in sum", slices.Repeat([]string{strings.Repeat("b", 1000)}, 12)},
		{"messages of exactly MaxMessageSize", exact},
	}
	for _, c := range cases {
		for _, transport := range []string{"xhr_send", "jsonp_send"} {
			t.Run(c.name+"/"+transport, func(t *testing.T) {
				mu.Lock()
				got = nil
				mu.Unlock()
				url := env.base + "/000/" + randomID()
				env.do("POST", url+"/xhr", "", nil)
				body, _ := json.Marshal(c.msgs)
				var hdr map[string]string
				if transport == "jsonp_send" {
					body = []byte("d=" + neturl.QueryEscape(string(body)))
					hdr = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
				}
				if r := env.do("POST", url+"/"+transport, string(body), hdr); r.status/100 != 2 {
					t.Fatalf("send: %d %q", r.status, r.body)
				}
				mu.Lock()
				defer mu.Unlock()
				if !slices.Equal(got, c.msgs) {
					t.Errorf("delivered %d messages, want %d, in order", len(got), len(c.msgs))
				}
			})
		}
	}
}

func TestAnotherConnectionStillOpen(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	url := env.base + "/000/" + randomID()
	env.do("POST", url+"/xhr", "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		req, _ := http.NewRequestWithContext(ctx, "POST", url+"/xhr", nil)
		if resp, err := env.client.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the first poll attach
	r := env.do("POST", url+"/xhr", "", nil)
	if r.status != 200 || r.body != `c[2010,"Another connection still open"]`+"\n" {
		t.Errorf("second receiver: %d %q", r.status, r.body)
	}
	// Aborting the first poll interrupts the session (the protocol allows
	// either a new session or this close frame).
	cancel()
	<-firstDone
	if r := env.do("POST", url+"/xhr", "", nil); r.body != `c[1002,"Connection interrupted"]`+"\n" {
		t.Errorf("after aborted poll: %q", r.body)
	}
	env.next().waitClosed(t)
}

func TestServerClose(t *testing.T) {
	env := newEnv(t, Options{}, hooks{onOpen: func(s *Session) error { return s.Close(CloseGoAway, "Go away!") }})
	url := env.base + "/000/" + randomID()
	if r := env.do("POST", url+"/xhr", "", nil); r.body != "o\n" {
		t.Fatalf("open %q", r.body)
	}
	for i := 0; i < 2; i++ {
		if r := env.do("POST", url+"/xhr", "", nil); r.body != `c[3000,"Go away!"]`+"\n" {
			t.Errorf("poll %d after close: %q", i, r.body)
		}
	}
	env.next().waitClosed(t)

	// Streaming: the close frame ends the response; a new one gets it too.
	url = env.base + "/000/" + randomID()
	for i := 0; i < 2; i++ {
		resp, stop := env.stream("POST", url+"/xhr_streaming")
		readChunk(t, resp.Body, 2049)
		want := `c[3000,"Go away!"]` + "\n"
		if i == 0 {
			want = "o\n" + want
		}
		if got := readChunk(t, resp.Body, len(want)); got != want {
			t.Errorf("stream %d: %q", i, got)
		}
		if n, _ := resp.Body.Read(make([]byte, 1)); n != 0 {
			t.Errorf("stream %d not ended after close frame", i)
		}
		stop()
	}
}

func TestXHRStreaming(t *testing.T) {
	env := newEnv(t, Options{ResponseLimit: 4096}, hooks{})
	url := env.base + "/000/" + randomID()
	resp, stop := env.stream("POST", url+"/xhr_streaming")
	defer stop()
	if ct := resp.Header.Get("Content-Type"); ct != "application/javascript; charset=UTF-8" {
		t.Errorf("content type %q", ct)
	}
	if got := readChunk(t, resp.Body, 2049); got != strings.Repeat("h", 2048)+"\n" {
		t.Fatalf("prelude %q", got)
	}
	if got := readChunk(t, resp.Body, 2); got != "o\n" {
		t.Fatalf("open %q", got)
	}
	msg := `"` + strings.Repeat("x", 128) + `"`
	for i := 0; i < 31; i++ {
		if r := env.do("POST", url+"/xhr_send", "["+msg+"]", nil); r.status != 204 {
			t.Fatalf("send %d: %d", i, r.status)
		}
		want := "a[" + msg + "]\n"
		if got := readChunk(t, resp.Body, len(want)); got != want {
			t.Fatalf("frame %d: %q", i, got)
		}
	}
	// 31 frames pass the 4096-byte response limit: the response ends.
	if n, _ := resp.Body.Read(make([]byte, 1)); n != 0 {
		t.Error("response not ended at the response limit")
	}
}

func TestEventSource(t *testing.T) {
	env := newEnv(t, Options{ResponseLimit: 4096}, hooks{})
	url := env.base + "/000/" + randomID()
	resp, stop := env.stream("GET", url+"/eventsource")
	defer stop()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != noCache {
		t.Errorf("Cache-Control %q", cc)
	}
	if got := readChunk(t, resp.Body, 2+11); got != "\r\ndata: o\r\n\r\n" {
		t.Fatalf("prelude and open %q", got)
	}
	env.do("POST", url+"/xhr_send", `["  \u0000\n\r "]`, nil)
	want := `data: a["  \u0000\n\r "]` + "\r\n\r\n"
	if got := readChunk(t, resp.Body, len(want)); got != want {
		t.Errorf("frame %q, want %q", got, want)
	}
	big := `"` + strings.Repeat("x", 4096) + `"`
	env.do("POST", url+"/xhr_send", "["+big+"]", nil)
	want = "data: a[" + big + "]\r\n\r\n"
	if got := readChunk(t, resp.Body, len(want)); got != want {
		t.Errorf("big frame mismatch")
	}
	if n, _ := resp.Body.Read(make([]byte, 1)); n != 0 {
		t.Error("response not ended at the response limit")
	}
}

func TestHTMLFile(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	url := env.base + "/000/" + randomID()
	resp, stop := env.stream("GET", url+"/htmlfile?c=%63allback")
	defer stop()
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=UTF-8" {
		t.Errorf("content type %q", ct)
	}
	prelude := htmlFilePrelude("callback")
	if got := readChunk(t, resp.Body, len(prelude)); got != string(prelude) || len(got) <= 1024 ||
		!strings.Contains(got, "var c = parent.callback;") {
		t.Fatalf("prelude %q", got)
	}
	want := "<script>\np(\"o\");\n</script>\r\n"
	if got := readChunk(t, resp.Body, len(want)); got != want {
		t.Fatalf("open %q", got)
	}
	env.do("POST", url+"/xhr_send", `["x"]`, nil)
	want = "<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n"
	if got := readChunk(t, resp.Body, len(want)); got != want {
		t.Errorf("frame %q", got)
	}
}

func TestCallbackValidation(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	for _, transport := range []string{"htmlfile", "jsonp"} {
		r := env.do("GET", env.base+"/a/a/"+transport, "", nil)
		if r.status != 500 || !strings.Contains(r.body, `"callback" parameter required`) {
			t.Errorf("%s without callback: %d %q", transport, r.status, r.body)
		}
		for _, cb := range []string{"%20", "*", "abc(", "abc%28"} {
			r := env.do("GET", env.base+"/a/a/"+transport+"?c="+cb, "", nil)
			if r.status != 500 || !strings.Contains(r.body, `invalid "callback" parameter`) {
				t.Errorf("%s with callback %q: %d %q", transport, cb, r.status, r.body)
			}
		}
	}
}

func TestJSONPPolling(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	url := env.base + "/000/" + randomID()
	r := env.do("GET", url+"/jsonp?c=%63allback", "", nil)
	if r.status != 200 || r.body != "/**/callback(\"o\");\r\n" || r.header.Get("Cache-Control") != noCache {
		t.Fatalf("open: %d %q", r.status, r.body)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if r := env.do("POST", url+"/jsonp_send", `d=%5B%22x%22%5D`, form); r.status != 200 || r.body != "ok" ||
		r.header.Get("Content-Type") != "text/plain; charset=UTF-8" {
		t.Errorf("send: %d %q", r.status, r.body)
	}
	if r := env.do("POST", url+"/jsonp_send", `["%61bc"]`, map[string]string{"Content-Type": "text/plain"}); r.body != "ok" {
		t.Errorf("plain send: %q", r.body)
	}
	// MIME types are case-insensitive, and may carry parameters.
	if r := env.do("POST", url+"/jsonp_send", `d=%5B%22y%22%5D`, map[string]string{"Content-Type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}); r.body != "ok" {
		t.Errorf("form send, odd case: %q", r.body)
	}
	env.do("POST", url+"/jsonp_send", `d=%5B%5D`, form)
	if r := env.do("GET", url+"/jsonp?c=x", "", nil); r.body != "/**/x(\"a[\\\"x\\\",\\\"%61bc\\\",\\\"y\\\"]\");\r\n" {
		t.Errorf("poll %q", r.body)
	}
}

func TestJSessionIDCookie(t *testing.T) {
	env := newEnv(t, Options{JSessionID: true}, hooks{})
	check := func(name string, h http.Header, want string) {
		t.Helper()
		c := h.Get("Set-Cookie")
		parts := strings.Split(c, ";")
		if len(parts) < 2 || strings.TrimSpace(parts[0]) != "JSESSIONID="+want || strings.ToLower(strings.TrimSpace(parts[1])) != "path=/" {
			t.Errorf("%s: Set-Cookie %q", name, c)
		}
	}
	url := env.base + "/000/" + randomID()
	check("xhr", env.do("POST", url+"/xhr", "", nil).header, "dummy")
	check("xhr echo", env.do("POST", env.base+"/000/"+randomID()+"/xhr", "", map[string]string{"Cookie": "JSESSIONID=abcdef"}).header, "abcdef")
	check("xhr_send", env.do("POST", url+"/xhr_send", `["x"]`, nil).header, "dummy")
	for _, tr := range []struct{ method, path string }{
		{"POST", "/xhr_streaming"}, {"GET", "/eventsource"}, {"GET", "/htmlfile?c=cb"}, {"GET", "/jsonp?c=cb"},
	} {
		resp, stop := env.stream(tr.method, env.base+"/000/"+randomID()+tr.path)
		check(tr.path, resp.Header, "dummy")
		stop()
	}
}

func TestOrigins(t *testing.T) {
	cases := []struct {
		name    string
		allowed []string
		origin  string
		ok      bool
	}{
		{"no origin header is not a browser", nil, "", true},
		{"same origin by default", nil, "http://HOST", true},
		{"cross origin refused by default", nil, "http://evil.example", false},
		{"star allows any", []string{"*"}, "http://evil.example", true},
		{"own origin even with a list", []string{"https://club.example"}, "http://HOST", true},
		{"listed origin", []string{"https://club.example"}, "https://club.example", true},
		{"listed origin, other scheme", []string{"https://club.example"}, "http://club.example", false},
		{"wildcard subdomain", []string{"https://*.club.example"}, "https://chat.club.example", true},
		{"wildcard is not the apex", []string{"https://*.club.example"}, "https://club.example", false},
		{"wildcard suffix trick", []string{"https://*.club.example"}, "https://evilclub.example", false},
		{"null origin needs listing", []string{"https://club.example"}, "null", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{AllowedOrigins: c.allowed}
			if c.allowed == nil {
				opts.AllowedOrigins = []string{} // not nil: newEnv would default to "*"
			}
			env := newEnv(t, opts, hooks{})
			if c.allowed == nil {
				env.srv.opts.AllowedOrigins = nil
			}
			origin := strings.Replace(c.origin, "HOST", strings.TrimPrefix(env.ts.URL, "http://"), 1)
			h := map[string]string{}
			if origin != "" {
				h["Origin"] = origin
			}
			r := env.do("POST", env.base+"/000/"+randomID()+"/xhr", "", h)
			if (r.status == 200) != c.ok {
				t.Errorf("xhr from %q: %d", origin, r.status)
			}
			// The websocket upgrade follows the same rule.
			hdr := http.Header{}
			if origin != "" {
				hdr.Set("Origin", origin)
			}
			url := "ws" + strings.TrimPrefix(env.base, "http") + "/000/" + randomID() + "/websocket"
			ws, resp, err := dialer().Dial(url, hdr)
			if (err == nil) != c.ok {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				t.Errorf("websocket from %q: err %v status %d", origin, err, status)
			}
			if ws != nil {
				ws.Close()
			}
		})
	}
}

func TestWebsocketHTTPErrors(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	if r := env.do("GET", env.base+"/0/0/websocket", "", nil); r.status != 400 {
		t.Errorf("plain GET: %d", r.status)
	}
	r := env.do("GET", env.base+"/0/0/websocket", "", map[string]string{"Upgrade": "WebSocket", "Connection": "close"})
	if r.status != 400 || !strings.Contains(r.body, `"Connection" must be "Upgrade"`) {
		t.Errorf("bad Connection: %d %q", r.status, r.body)
	}
	for _, h := range []map[string]string{{"Upgrade": "WebSocket", "Connection": "Upgrade"}, {}} {
		r := env.do("POST", env.base+"/0/0/websocket", "", h)
		if r.status != 405 || r.header.Get("Allow") == "" || r.header.Get("Content-Type") != "" || r.body != "" {
			t.Errorf("POST: %d allow %q type %q body %q", r.status, r.header.Get("Allow"), r.header.Get("Content-Type"), r.body)
		}
	}
}

func TestWebsocketFraming(t *testing.T) { forEachWriteMode(t, testWebsocketFraming) }

func testWebsocketFraming(t *testing.T, direct bool) {
	env := newEnv(t, Options{DirectWrites: direct, MaxMessageSize: 1000}, hooks{})
	ws := env.dial(nil)
	for _, frame := range []string{"", "[]", `["a"]`} {
		if err := ws.WriteMessage(1, []byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	if got := env.readWS(ws); got != `a["a"]` {
		t.Errorf("echo after empty frames: %q", got)
	}
	_ = ws.WriteMessage(1, []byte(`"single"`))
	if got := env.readWS(ws); got != `a["single"]` {
		t.Errorf("single string message: %q", got)
	}

	t.Run("broken JSON closes the session", func(t *testing.T) {
		ws := env.dial(nil)
		_ = ws.WriteMessage(1, []byte(`["a`))
		// No SockJS "c" frame: the WebSocket close frame carries the code.
		_, got, err := ws.ReadMessage()
		if !websocket.IsCloseError(err, CloseBadRequest) {
			t.Errorf("got %q, %v; want close %d", got, err, CloseBadRequest)
		}
	})
	t.Run("oversize message closes with 1009", func(t *testing.T) {
		ws := env.dial(nil)
		_ = ws.WriteMessage(1, []byte(`["`+strings.Repeat("x", 1001)+`"]`))
		if got := env.readWS(ws); got != `c[1009,"Message too big"]` {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the limit counts the message, not its quoting", func(t *testing.T) {
		ws := env.dial(nil)
		exact := strings.Repeat("\"", 1000) // 2000 bytes quoted
		frame, _ := json.Marshal([]string{exact, exact})
		_ = ws.WriteMessage(1, frame)
		var echoed []string
		for len(echoed) < 2 {
			var msgs []string
			got := env.readWS(ws)
			if !strings.HasPrefix(got, "a") || json.Unmarshal([]byte(got[1:]), &msgs) != nil {
				t.Fatalf("got %.40q…, want the messages echoed", got)
			}
			echoed = append(echoed, msgs...)
		}
		if !slices.Equal(echoed, []string{exact, exact}) {
			t.Errorf("echoed %d messages, not the two sent", len(echoed))
		}
		// A message decoded to one byte over is refused however short its quoting.
		_ = ws.WriteMessage(1, []byte(`["`+strings.Repeat(`\u00ff`, 500)+`x"]`))
		if got := env.readWS(ws); got != `c[1009,"Message too big"]` {
			t.Errorf("one byte over: got %q", got)
		}
	})
	t.Run("reuse of a session id", func(t *testing.T) {
		path := "/000/" + randomID() + "/websocket"
		a, b := env.dialRaw(path, nil), env.dialRaw(path, nil)
		env.readWS(a)
		env.readWS(b)
		_ = a.WriteMessage(1, []byte(`["a"]`))
		_ = b.WriteMessage(1, []byte(`["b"]`))
		if env.readWS(a) != `a["a"]` || env.readWS(b) != `a["b"]` {
			t.Error("two sessions on one id mixed up")
		}
	})
}

func TestRawWebsocket(t *testing.T) { forEachWriteMode(t, testRawWebsocket) }

func testRawWebsocket(t *testing.T, direct bool) {
	env := newEnv(t, Options{DirectWrites: direct, MaxMessageSize: 1000}, hooks{onMessage: func(s *Session, msg string) {
		if msg == "close" {
			_ = s.Close(CloseGoAway, "Go away!")
			return
		}
		_ = s.Send(msg)
	}})
	ws := env.dialRaw("/websocket", nil)
	_ = ws.WriteMessage(1, []byte("Hello world!\uffff"))
	if got := env.readWS(ws); got != "Hello world!\uffff" {
		t.Errorf("echo %q", got)
	}
	_ = ws.WriteMessage(1, []byte("close"))
	_, _, err := ws.ReadMessage()
	var ce interface{ Error() string }
	if err == nil || !strings.Contains(err.Error(), "3000") || !strings.Contains(err.Error(), "Go away!") {
		t.Errorf("close: %v", err)
	}
	_ = ce

	ws = env.dialRaw("/websocket", nil)
	_ = ws.WriteMessage(1, []byte(strings.Repeat("x", 2000)))
	if _, _, err := ws.ReadMessage(); err == nil || !strings.Contains(err.Error(), "1009") {
		t.Errorf("oversize raw message: %v", err)
	}
}

func TestServerEscapes(t *testing.T) { forEachWriteMode(t, testServerEscapes) }

func testServerEscapes(t *testing.T, direct bool) {
	var in []rune
	for r := rune(0); r < 0x20; r++ {
		in = append(in, r)
	}
	for _, rg := range [][2]rune{{0x200c, 0x200f}, {0x2028, 0x202f}, {0x2060, 0x206f}, {0xfff0, 0xffff}} {
		for r := rg[0]; r <= rg[1]; r++ {
			in = append(in, r)
		}
	}
	payload := string(in) + "😀𝄞\"\\é"
	got := string(appendQuoted(nil, payload))
	for _, r := range in {
		if strings.ContainsRune(got, r) {
			t.Errorf("U+%04X sent raw", r)
		}
	}
	if !strings.Contains(got, `\u200c`) || !strings.Contains(got, `\ufff0`) || !strings.Contains(got, "😀𝄞") {
		t.Errorf("escaping: %s", got)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != payload {
		t.Errorf("round trip failed: %v", err)
	}
	if q := string(appendQuoted(nil, "a\xffb")); q != `"a\ufffdb"` {
		t.Errorf("invalid UTF-8 quoted as %s", q)
	}

	// End to end over xhr-polling, as the protocol suite checks it.
	env := newEnv(t, Options{DirectWrites: direct}, hooks{})
	url := env.base + "/000/" + randomID()
	env.do("POST", url+"/xhr", "", nil)
	body, _ := json.Marshal([]string{payload})
	env.do("POST", url+"/xhr_send", string(body), nil)
	r := env.do("POST", url+"/xhr", "", nil)
	if want := "a[" + got + "]\n"; r.body != want {
		t.Errorf("polled %q, want %q", r.body, want)
	}
}

func TestCloseReasonsTable(t *testing.T) {
	for code, reason := range closeReasons {
		if reason == "" {
			t.Errorf("code %d has no reason", code)
		}
		if ws := websocketCloseCode(code); ws != code && code != CloseAnotherConnection {
			t.Errorf("code %d is not a valid websocket close code (maps to %d)", code, ws)
		}
	}
	if got := fmt.Sprint(websocketCloseCode(2010)); got != "1000" {
		t.Errorf("2010 maps to %s", got)
	}
}

func TestEventSourcePercentEscaping(t *testing.T) {
	got := string(eventSource.frame(nil, []byte("a[\"50% off\r\n\x00\"]"), ""))
	if want := "data: a[\"50%25 off%0D%0A%00\"]\r\n\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A receiver that the client aborts is gone for the next one at once: the
// new request gets the session's interruption, never "Another connection
// still open" because the server had not noticed the abort yet (the
// protocol suite's HandlingClose.test_abort_* tests race exactly this).
func TestAbortedReceiverMakesRoom(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	const prelude = 2049 // 2048 'h' and a newline
	for i := 0; i < 30; i++ {
		url := env.base + "/000/" + randomID()
		resp, stop := env.stream("POST", url+"/xhr_streaming")
		if got := readChunk(t, resp.Body, prelude+2)[prelude:]; got != "o\n" {
			t.Fatalf("round %d: open frame %q", i, got)
		}
		stop() // abort the attached receiver
		resp, stop = env.stream("POST", url+"/xhr_streaming")
		readChunk(t, resp.Body, prelude)
		want := `c[1002,"Connection interrupted"]` + "\n"
		if got := readChunk(t, resp.Body, len(want)); got != want {
			t.Fatalf("round %d: after the abort, the next receiver got %q, want %q", i, got, want)
		}
		stop()
		env.next().waitClosed(t)
	}
}

// An htmlfile frame keeps every '<' of a message out of the markup: the
// script element it sits in cannot be ended or commented out by a message,
// and the script still sees the frame unchanged.
func TestHTMLFileFrameKeepsMarkupOut(t *testing.T) {
	for _, msg := range []string{"</script><script>alert(1)</script>", "<!-- x", "a<b", "<</SCRIPT >"} {
		frame := appendBatchFrame(nil, []*Message{NewMessage(msg)})
		got := string(htmlFile.frame(nil, frame, "cb"))
		const head, tail = "<script>\np(", ");\n</script>\r\n"
		if !strings.HasPrefix(got, head) || !strings.HasSuffix(got, tail) {
			t.Fatalf("%q: frame %q", msg, got)
		}
		literal := strings.TrimSuffix(strings.TrimPrefix(got, head), tail)
		if strings.Contains(literal, "<") {
			t.Errorf("%q: '<' inside the script: %q", msg, literal)
		}
		var decoded string
		if err := json.Unmarshal([]byte(literal), &decoded); err != nil || decoded != string(frame) {
			t.Errorf("%q: the script sees %q (%v), want %q", msg, decoded, err, frame)
		}
	}
}

// Requests without an Origin header: a browser's <script> (JSONP) or
// <iframe> (htmlfile) load from another site brings the user's cookies but
// no Origin; its Sec-Fetch-Site and Referer tell whose page it is, and the
// allowlist applies to that page as it does to an xhr or websocket.
func TestOriginlessBrowserLoadsFollowTheAllowlist(t *testing.T) {
	const allowed = "https://club.example"
	cases := []struct {
		name    string
		origins []string
		header  map[string]string
		opens   bool
	}{
		{"no browser headers (a non-browser client)", []string{allowed}, nil, true},
		{"same-origin load", []string{allowed}, map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"cross-site load from an allowed page", []string{allowed},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Referer": allowed + "/room/1"}, true},
		{"cross-site load from another page", []string{allowed},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Referer": "http://evil.example/"}, false},
		{"same-site load from another page", []string{allowed},
			map[string]string{"Sec-Fetch-Site": "same-site", "Referer": "https://other.club.example/"}, false},
		{"cross-site load hiding its page", []string{allowed},
			map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"cross-site load hiding its page, any origin allowed", []string{"*"},
			map[string]string{"Sec-Fetch-Site": "cross-site"}, true},
	}
	for _, c := range cases {
		for _, transport := range []string{"jsonp?c=cb", "htmlfile?c=cb"} {
			t.Run(c.name+"/"+strings.Split(transport, "?")[0], func(t *testing.T) {
				opened := make(chan struct{}, 1)
				env := newEnv(t, Options{AllowedOrigins: c.origins}, hooks{onOpen: func(*Session) error {
					opened <- struct{}{}
					return errors.New("test over")
				}})
				h := map[string]string{"Cookie": "auth=victim"}
				for k, v := range c.header {
					h[k] = v
				}
				r := env.do("GET", env.base+"/000/"+randomID()+"/"+transport, "", h)
				didOpen := len(opened) == 1
				if didOpen != c.opens || (c.opens && r.status != 200) || (!c.opens && r.status != http.StatusForbidden) {
					t.Errorf("status %d, session opened %v; want opened %v", r.status, didOpen, c.opens)
				}
			})
		}
	}
}

// The iframe page runs sockjs-client's bootstrap_iframe, which opens
// sessions from the endpoint's own (always allowed) origin on the orders of
// whichever page frames it: only the allowed origins may frame it.
func TestIframePageFramedOnlyByAllowedOrigins(t *testing.T) {
	cases := []struct {
		name    string
		origins []string
		csp     string
		xfo     string
	}{
		{"same origin only", nil, "frame-ancestors 'self'", "SAMEORIGIN"},
		{"a list", []string{"https://club.example", "https://*.club.example"},
			"frame-ancestors 'self' https://club.example https://*.club.example", ""},
		{"any origin", []string{"*"}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t, Options{AllowedOrigins: c.origins}, hooks{})
			env.srv.opts.AllowedOrigins = c.origins
			env.srv.frameAncestors = frameAncestors(c.origins)
			r := env.do("GET", env.base+"/iframe.html", "", nil)
			if got := r.header.Get("Content-Security-Policy"); r.status != 200 || got != c.csp {
				t.Errorf("status %d, Content-Security-Policy %q, want %q", r.status, got, c.csp)
			}
			if got := r.header.Get("X-Frame-Options"); got != c.xfo {
				t.Errorf("X-Frame-Options %q, want %q", got, c.xfo)
			}
		})
	}
}
