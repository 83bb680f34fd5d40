package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/table"
)

// waitLimit bounds every wait of these tests (a hung server fails the test
// instead of hanging it); nothing is asserted about speed.
const waitLimit = 20 * time.Second

// msg is one decoded server message.
type msg map[string]any

func (m msg) str(k string) string { s, _ := m[k].(string); return s }

// client is a browser stand-in speaking SockJS over one transport:
// "websocket" or "xhr_streaming". A reader goroutine queues every message
// and every raw frame (for the leak inspection).
type client struct {
	t         testing.TB
	srv       *httptest.Server
	transport string
	base      string
	ws        *websocket.Conn
	body      io.Closer // the current xhr_streaming response, guarded by mu

	mu       sync.Mutex
	queue    []msg
	raw      []string // every message as received
	closed   string   // the close frame, once closed
	stopping bool
	wake     chan struct{}
	opened   chan struct{}
	notify   chan struct{} // shared with other clients, may be nil
	done     chan struct{}
}

var sessionSeq struct {
	sync.Mutex
	n int
}

func dial(t testing.TB, srv *httptest.Server, transport string) *client {
	t.Helper()
	sessionSeq.Lock()
	sessionSeq.n++
	sid := fmt.Sprintf("s%d", sessionSeq.n)
	sessionSeq.Unlock()
	c := &client{t: t, srv: srv, transport: transport, base: srv.URL + Prefix + "/000/" + sid, wake: make(chan struct{}, 1), done: make(chan struct{}), opened: make(chan struct{})}
	switch transport {
	case "websocket":
		u := "ws" + strings.TrimPrefix(c.base, "http") + "/websocket"
		ws, _, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {srv.URL}})
		if err != nil {
			t.Fatalf("dial %s: %v", u, err)
		}
		c.ws = ws
		go c.readWS()
	case "xhr_streaming":
		resp, err := http.Post(c.base+"/xhr_streaming", "text/plain", nil)
		if err != nil {
			t.Fatalf("xhr_streaming: %v", err)
		}
		c.body = resp.Body
		go c.readStream(resp)
	default:
		t.Fatalf("transport %q", transport)
	}
	t.Cleanup(c.close)
	select {
	case <-c.opened:
	case <-c.done:
		t.Fatalf("%s: closed before the open frame", transport)
	case <-time.After(waitLimit):
		t.Fatalf("%s: no open frame", transport)
	}
	return c
}

func (c *client) close() {
	if c.ws != nil {
		_ = c.ws.Close()
	}
	c.mu.Lock()
	c.stopping = true
	if c.body != nil {
		_ = c.body.Close()
	}
	c.mu.Unlock()
	<-c.done
}

func (c *client) readWS() {
	defer close(c.done)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.frame("c[0,\"gone\"]")
			return
		}
		c.frame(string(data))
	}
}

// readStream reads xhr_streaming responses. The server ends a response
// after a number of bytes; like sockjs-client, the reader then opens the
// next one on the same session.
func (c *client) readStream(resp *http.Response) {
	defer close(c.done)
	for {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.Trim(line, "h") == "" {
				continue // the prelude and heartbeats
			}
			c.frame(line)
		}
		resp.Body.Close()
		c.mu.Lock()
		stop := c.closed != "" || c.stopping
		c.mu.Unlock()
		if stop {
			break
		}
		next, err := http.Post(c.base+"/xhr_streaming", "text/plain", nil)
		if err != nil {
			break
		}
		c.mu.Lock()
		if c.stopping {
			c.mu.Unlock()
			next.Body.Close()
			break
		}
		c.body = next.Body
		c.mu.Unlock()
		resp = next
	}
	c.frame("c[0,\"gone\"]")
}

// frame handles one SockJS frame.
func (c *client) frame(f string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case f == "o":
		close(c.opened)
	case f == "h":
	case strings.HasPrefix(f, "c"):
		if c.closed == "" {
			c.closed = f
		}
	case strings.HasPrefix(f, "a"):
		var msgs []string
		if err := json.Unmarshal([]byte(f[1:]), &msgs); err != nil {
			c.closed = "bad frame " + f
			break
		}
		for _, s := range msgs {
			var m msg
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				c.closed = "bad message " + s
				break
			}
			c.queue = append(c.queue, m)
			c.raw = append(c.raw, s)
		}
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

// trySend sends v and returns what went wrong; it may run on any goroutine.
func (c *client) trySend(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	frame, _ := json.Marshal([]string{string(b)})
	if c.ws != nil {
		if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	resp, err := http.Post(c.base+"/xhr_send", "text/plain", bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("xhr_send: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("xhr_send: %s", resp.Status)
	}
	return nil
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
