package sockjs

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHostsRefuseOtherHostsBeforeAnySession checks Options.Hosts: a request
// for a host not listed is answered 421 on every URL of the endpoint and no
// session is made; listed hosts (any port, a given port, a subdomain
// wildcard) are served. It includes the DNS-rebinding case: a page on the
// attacker's hostname, whose Origin and Host agree.
func TestHostsRefuseOtherHostsBeforeAnySession(t *testing.T) {
	cases := []struct {
		name   string
		hosts  []string
		host   string
		origin string
		want   int
	}{
		{"no Hosts: any host (the rebinding danger)", nil, "evil.test:8080", "http://evil.test:8080", 200},
		{"rebinding page refused", []string{"example.com"}, "evil.test:8080", "http://evil.test:8080", 421},
		{"name on any port", []string{"example.com"}, "example.com:8080", "", 200},
		{"name without port", []string{"example.com"}, "example.com", "", 200},
		{"name is case-insensitive", []string{"Example.COM"}, "example.com", "", 200},
		{"name:port on its port", []string{"example.com:8443"}, "example.com:8443", "", 200},
		{"name:port on another port", []string{"example.com:8443"}, "example.com:8080", "", 421},
		{"wildcard subdomain", []string{"*.example.com"}, "chat.example.com", "", 200},
		{"wildcard is not the apex", []string{"*.example.com"}, "example.com", "", 421},
		{"wildcard is not a suffix trick", []string{"*.example.com"}, "evilexample.com", "", 421},
		{"IPv6 literal", []string{"::1"}, "[::1]:8080", "", 200},
	}
	paths := []struct{ method, path string }{
		{"GET", "/echo/info"},
		{"POST", "/echo/000/hosts/xhr"},
		{"GET", "/echo/iframe.html"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opened := 0
			srv := NewServer("/echo", func() Handler { return &openCounter{opened: &opened} },
				&Options{Hosts: c.hosts, Logger: slog.New(slog.DiscardHandler)})
			defer srv.Shutdown(t.Context())
			for _, p := range paths {
				req := httptest.NewRequest(p.method, p.path, nil)
				req.Host = c.host
				if c.origin != "" {
					req.Header.Set("Origin", c.origin)
				}
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != c.want {
					t.Errorf("%s %s Host %s: %d %q, want %d", p.method, p.path, c.host, rec.Code, rec.Body.String(), c.want)
				}
			}
			wantOpened := 0
			if c.want == 200 {
				wantOpened = 1
			}
			if opened != wantOpened {
				t.Errorf("OnOpen ran %d times, want %d", opened, wantOpened)
			}
		})
	}
}

// TestHostsRefuseWebsocket checks that the websocket upgrade is refused for
// an unlisted host too.
func TestHostsRefuseWebsocket(t *testing.T) {
	env := newEnv(t, Options{Hosts: []string{"example.com"}}, hooks{})
	url := "ws" + strings.TrimPrefix(env.base, "http") + "/000/" + randomID() + "/websocket"
	_, resp, err := dialer().Dial(url, nil) // Host is 127.0.0.1:port
	if err == nil || resp == nil || resp.StatusCode != http.StatusMisdirectedRequest {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Errorf("dial: %v, status %d, want %d", err, status, http.StatusMisdirectedRequest)
	}
	if n := len(env.srv.Sessions()); n != 0 {
		t.Errorf("%d sessions made", n)
	}
}

// TestRefusedOriginIsLoggedAtABoundedRate checks that a refused origin is
// logged with the origin it refused, and that a burst of refusals gives one
// line, not one per request.
func TestRefusedOriginIsLoggedAtABoundedRate(t *testing.T) {
	env := newEnv(t, Options{AllowedOrigins: []string{"https://good.example"}}, hooks{})
	env.srv.refusals.every = time.Hour // the burst is within one interval however slow the machine
	for range 20 {
		r := env.do("GET", env.base+"/info", "", map[string]string{"Origin": "https://bad.example"})
		if r.status != 403 {
			t.Fatalf("refused origin: %d", r.status)
		}
	}
	logs := env.logs.String()
	lines := strings.Count(logs, "refused a request from an origin")
	if lines != 1 || !strings.Contains(logs, "origin=https://bad.example") || !strings.Contains(logs, "level=WARN") {
		t.Errorf("%d log lines for 20 refusals in one burst, want 1 at WARN naming the origin:\n%s", lines, logs)
	}
}

type openCounter struct{ opened *int }

func (h *openCounter) OnOpen(*Session) error { *h.opened++; return nil }
func (h *openCounter) OnMessage(string)      {}
func (h *openCounter) OnClose()              {}

// TestRateLogCountsWhatItDidNotLog checks that the line after a quiet
// interval tells how many refusals were not logged.
func TestRateLogCountsWhatItDidNotLog(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	l := rateLog{every: time.Hour}
	for range 3 {
		l.log(logger, "refused")
	}
	l.every = -1 // the interval has passed
	l.log(logger, "refused")
	got := buf.String()
	if strings.Count(got, "refused") != 2 || !strings.Contains(got, "refusals_not_logged_since_last=2") {
		t.Errorf("log:\n%s\nwant two lines, the second counting 2 not logged", got)
	}
}

// TestRequestInfoKeepsHeadersButTheHandshakes checks the compact copy of
// the opening request's headers: every header and value, in order, but for
// the WebSocket handshake's own.
func TestRequestInfoKeepsHeadersButTheHandshakes(t *testing.T) {
	h := http.Header{
		"Cookie":                 []string{"a=1", "b=2"},
		"User-Agent":             []string{"test"},
		"X-Empty":                []string{""},
		"Origin":                 []string{"https://example.com"},
		"Sec-Websocket-Key":      []string{"dGhlIHNhbXBsZSBub25jZQ=="},
		"Sec-Websocket-Version":  []string{"13"},
		"Upgrade":                []string{"websocket"},
		"Connection":             []string{"Upgrade"},
		"Sec-Websocket-Protocol": []string{"chat"},
	}
	got := compactHeader(h)
	for k, vv := range h {
		switch {
		case handshakeOnly[k]:
			if _, ok := got[k]; ok {
				t.Errorf("kept %s", k)
			}
		case !slices.Equal(got[k], vv):
			t.Errorf("%s = %q, want %q", k, got[k], vv)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d headers kept, want 5", len(got))
	}
	got.Add("Cookie", "c=3") // values of one key must not run into another's
	if !slices.Equal(got["User-Agent"], []string{"test"}) {
		t.Errorf("appending to one header changed another: %q", got["User-Agent"])
	}
}
