package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// waitLimit bounds every wait of these tests (a hung server fails the test
// instead of hanging it); nothing is asserted about speed.
const waitLimit = 20 * time.Second

// msg is one decoded server message.
type msg map[string]any

func (m msg) str(k string) string { s, _ := m[k].(string); return s }

// client is a browser stand-in speaking SockJS over one transport,
// "websocket" or "xhr_streaming", with the library's test client
// (sockjstest.Session). A reader goroutine queues every message and keeps
// it as received (for the leak inspection).
type client struct {
	t         testing.TB
	transport string
	s         *sockjstest.Session

	mu     sync.Mutex
	queue  []msg
	raw    []string // every message as received
	closed string   // why the session ended (its close frame c[code,"reason"]), once it did
	wake   chan struct{}
	notify chan struct{} // shared with other clients, may be nil
	done   chan struct{}
}

func dial(t testing.TB, srv *httptest.Server, transport string) *client {
	t.Helper()
	return dialWith(t, srv, transport, http.Header{})
}

// dialWith is dial with the request headers h.
func dialWith(t testing.TB, srv *httptest.Server, transport string, h http.Header) *client {
	t.Helper()
	// Reads wait for ever: the reader goroutine is ended by close; the
	// waits of the test are bounded by waitLimit.
	opts := &sockjstest.Options{Timeout: waitLimit, NoReadTimeout: true, Header: h}
	switch transport {
	case "websocket":
		opts.Transport = sockjstest.Websocket
		h.Set("Origin", srv.URL)
	case "xhr_streaming":
		opts.Transport = sockjstest.XHRStreaming
	default:
		t.Fatalf("transport %q", transport)
	}
	s, err := sockjstest.Open(srv.URL+Prefix, opts)
	if err != nil {
		t.Fatalf("%s: %v", transport, err)
	}
	c := &client{t: t, transport: transport, s: s, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.read()
	t.Cleanup(c.close)
	return c
}

// refusedSession opens one more session (xhr_streaming) and returns the
// close frame the server refuses it with; it fails the test if the session
// opens.
func refusedSession(t testing.TB, srv *httptest.Server) *sockjstest.CloseError {
	t.Helper()
	s, err := sockjstest.Open(srv.URL+Prefix, &sockjstest.Options{Transport: sockjstest.XHRStreaming, Timeout: waitLimit})
	var ce *sockjstest.CloseError
	if errors.As(err, &ce) {
		return ce
	}
	if s != nil {
		s.Close()
	}
	t.Fatalf("one more session: %v, want it refused with a close frame", err)
	return nil
}

func (c *client) close() {
	c.s.Close()
	<-c.done
}

// read queues the session's messages until it ends.
func (c *client) read() {
	defer close(c.done)
	for {
		m, err := c.s.Read()
		var ce *sockjstest.CloseError
		switch {
		case errors.As(err, &ce):
			c.received("", fmt.Sprintf("c[%d,%q]", ce.Code, ce.Reason))
			return
		case err != nil:
			c.received("", "gone: "+err.Error())
			return
		}
		c.received(m, "")
	}
}

// received queues message m, or notes why the session ended, and wakes
// the waiters.
func (c *client) received(m, ended string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ended == "" {
		var decoded msg
		if err := json.Unmarshal([]byte(m), &decoded); err != nil {
			ended = "bad message " + m
		} else {
			c.queue = append(c.queue, decoded)
			c.raw = append(c.raw, m)
		}
	}
	if c.closed == "" {
		c.closed = ended
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	if c.notify != nil {
		select {
		case c.notify <- struct{}{}:
		default:
		}
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.trySend(v); err != nil {
		c.t.Fatal(err)
	}
}

// trySend sends v and returns what went wrong; it may run on any goroutine
// (one at a time).
func (c *client) trySend(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.s.Send(string(b))
}

// take returns the queued messages, at once.
func (c *client) take() []msg {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queue
	c.queue = nil
	return q
}

// next returns the next message, waiting for it.
func (c *client) next() msg {
	c.t.Helper()
	deadline := time.After(waitLimit)
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			m := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			return m
		}
		closed := c.closed
		c.mu.Unlock()
		if closed != "" {
			c.t.Fatalf("%s session closed: %s", c.transport, closed)
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("no message in %v", waitLimit)
		}
	}
}

// await returns the next message of type typ, skipping others.
func (c *client) await(typ string) msg {
	c.t.Helper()
	for {
		if m := c.next(); m["type"] == typ {
			return m
		}
	}
}

// awaitClose waits for the session's close frame.
func (c *client) awaitClose() string {
	c.t.Helper()
	deadline := time.After(waitLimit)
	for {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed != "" {
			return closed
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("not closed in %v", waitLimit)
		}
	}
}

func (c *client) signin(name string) msg {
	c.t.Helper()
	c.send(msg{"type": "signin", "name": name})
	return c.await("welcome")
}

// testServer serves the club with fast bots on 127.0.0.1.
func testServer(t testing.TB, tcfg table.Config, cfg Config) (*httptest.Server, *lobby.Lobby) {
	t.Helper()
	return lobbyServer(t, lobby.Config{Table: tcfg, Flush: 5 * time.Millisecond}, cfg)
}

// lobbyServer serves the club of lobby lcfg (fast bots unless told) on
// 127.0.0.1.
func lobbyServer(t testing.TB, lcfg lobby.Config, cfg Config) (*httptest.Server, *lobby.Lobby) {
	t.Helper()
	tcfg := lcfg.Table
	log := slog.New(slog.DiscardHandler)
	if tcfg.BotDelay == 0 {
		tcfg.BotDelay = time.Millisecond
	}
	if tcfg.DealPause == 0 {
		tcfg.DealPause = time.Millisecond
	}
	lcfg.Logger, lcfg.Table = log, tcfg
	lb := lobby.New(lcfg)
	cfg.Lobby, cfg.Logger = lb, log
	if cfg.Assets == nil {
		cfg.Assets = fstest.MapFS{"index.html": {Data: []byte("<h1>club</h1>")}}
	}
	site := New(cfg)
	srv := httptest.NewServer(site) // 127.0.0.1
	t.Cleanup(func() {
		_ = site.Shutdown(t.Context())
		srv.Close()
		lb.Stop()
	})
	return srv, lb
}
