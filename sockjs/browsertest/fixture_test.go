package browsertest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

// What the server-closing connections are closed with: a code outside the
// table and a reason beyond ASCII, so both must travel verbatim.
const (
	serverCloseCode   = 4321
	serverCloseReason = "Server says bye ✓"
	// closeCommand, sent on a connection with role=close, makes the server
	// close it.
	closeCommand = "please close"
)

// testPage is the page the browser opens: same origin as the endpoint, and
// it loads the sockjs-client the server itself serves.
const testPage = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sockjs browser test</title>
<script src="/echo/sockjs.min.js"></script>
</head><body>sockjs browser test</body></html>`

// conn is what the server saw of one connection, keyed by the conn query
// parameter the client put in its URL.
type conn struct {
	id        string
	transport string // Session.Transport()

	mu          sync.Mutex
	opens       int // OnOpen calls with this id; more than one is a bug
	msgs        []string
	closes      int // OnClose calls
	closeCode   int
	closeReason string
	closed      chan struct{} // closed by the first OnClose
}

func (c *conn) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// closeStatus reports whether OnClose ran, how often, and the session's
// CloseStatus at that time.
func (c *conn) closeStatus() (closes, code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closes, c.closeCode, c.closeReason
}

// fixture is an httptest server on 127.0.0.1 with two SockJS endpoints,
// /echo (the default origin policy: same origin only) and /cors-echo (which
// allows pages from the fixture's localhost origin), the test page, and
// /test/closed, which lets the driver wait until the server has seen a
// connection close.
type fixture struct {
	t    testing.TB
	srvs []*sockjs.Server
	ts   *httptest.Server
	base string // http://127.0.0.1:port
	port string

	mu    sync.Mutex
	conns map[string]*conn
}

// disconnectDelay is the protocol's default. A client-side close that the
// server can only learn from silence (a JSONP poll, which sockjs-client
// cannot abort) reaches OnClose after it, so the tests wait for that; a
// shorter delay made a browser starved of CPU on a loaded machine miss it
// between two polls, and the server ended a live session (seen once in CI
// conditions with 2 s). heartbeatDelay is short because after a client
// close the server holds the orphan JSONP poll until the next heartbeat
// answers it, and only then starts the disconnect delay. (It also puts
// heartbeat frames among the echoes on every transport.)
const (
	disconnectDelay = 5 * time.Second
	heartbeatDelay  = 2 * time.Second
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, conns: make(map[string]*conn)}
	mux := http.NewServeMux()
	f.ts = httptest.NewUnstartedServer(mux)
	_, f.port, _ = net.SplitHostPort(f.ts.Listener.Addr().String())
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, ep := range []struct {
		prefix  string
		origins []string
	}{
		{"/echo", nil},
		{"/cors-echo", []string{"http://localhost:" + f.port}},
	} {
		srv := sockjs.NewServer(ep.prefix, func() sockjs.Handler { return &handler{f: f} }, &sockjs.Options{
			AllowedOrigins:  ep.origins,
			DisconnectDelay: disconnectDelay,
			HeartbeatDelay:  heartbeatDelay,
			Logger:          logger,
		})
		f.srvs = append(f.srvs, srv)
		mux.Handle(ep.prefix, srv)
		mux.Handle(ep.prefix+"/", srv)
	}
	mux.HandleFunc("GET /test/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(testPage))
	})
	mux.HandleFunc("GET /test/closed", f.serveClosed)
	f.ts.Start()
	f.base = f.ts.URL
	t.Cleanup(f.close)
	return f
}

func (f *fixture) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, srv := range f.srvs {
		start := time.Now()
		if err := srv.Shutdown(ctx); err != nil {
			f.t.Errorf("server shutdown: %v", err)
		}
		f.t.Logf("server shutdown took %v", time.Since(start).Round(time.Millisecond))
	}
	f.ts.CloseClientConnections()
	f.ts.Close()
}

// opened records an OnOpen for id.
func (f *fixture) opened(id, transport string) *conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.conns[id]
	if c == nil {
		c = &conn{id: id, transport: transport, closed: make(chan struct{})}
		f.conns[id] = c
	}
	c.mu.Lock()
	c.opens++
	c.mu.Unlock()
	return c
}

// conn returns the record of connection id, or nil if it never opened.
func (f *fixture) conn(id string) *conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns[id]
}

// serveClosed answers GET /test/closed?conn=ID&wait=MS with what the server
// knows of the connection, after waiting up to wait (at most 20 s) for its
// OnClose.
func (f *fixture) serveClosed(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("conn")
	wait, _ := strconv.Atoi(r.URL.Query().Get("wait"))
	wait = min(max(wait, 0), 20_000)
	timer := time.NewTimer(time.Duration(wait) * time.Millisecond)
	defer timer.Stop()
	var c *conn
	for c == nil {
		if c = f.conn(id); c != nil {
			break
		}
		select {
		case <-timer.C:
			writeJSON(w, map[string]any{"found": false})
			return
		case <-r.Context().Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	select {
	case <-c.closed:
	case <-timer.C:
	case <-r.Context().Done():
		return
	}
	closes, code, reason := c.closeStatus()
	writeJSON(w, map[string]any{
		"found": true, "transport": c.transport, "closed": closes > 0,
		"code": code, "reason": reason,
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// handler echoes every message (role=echo, the default) or closes the session
// with serverCloseCode on closeCommand (role=close), and records it all.
type handler struct {
	f     *fixture
	s     *sockjs.Session
	c     *conn
	close bool
}

func (h *handler) OnOpen(s *sockjs.Session) error {
	q := s.Request().Query()
	id := q.Get("conn")
	if id == "" {
		return &sockjs.CloseError{Code: sockjs.CloseBadRequest, Reason: "conn query parameter missing"}
	}
	h.s, h.c, h.close = s, h.f.opened(id, s.Transport()), q.Get("role") == "close"
	return nil
}

func (h *handler) OnMessage(msg string) {
	h.c.mu.Lock()
	h.c.msgs = append(h.c.msgs, msg)
	h.c.mu.Unlock()
	if h.close && msg == closeCommand {
		if err := h.s.Close(serverCloseCode, serverCloseReason); err != nil {
			h.f.t.Errorf("conn %s: Close: %v", h.c.id, err)
		}
		return
	}
	if err := h.s.Send(msg); err != nil {
		h.f.t.Errorf("conn %s: Send: %v", h.c.id, err)
	}
}

func (h *handler) OnClose() {
	code, reason := h.s.CloseStatus()
	h.c.mu.Lock()
	h.c.closes++
	first := h.c.closes == 1
	if first {
		h.c.closeCode, h.c.closeReason = code, reason
	}
	h.c.mu.Unlock()
	if first {
		close(h.c.closed)
	}
}

// testWriter sends the server's logs to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("server: %s", p)
	return len(p), nil
}
