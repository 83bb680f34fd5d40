package igmcompat_test

// A small SockJS client for these tests, over every transport the server
// has. The module's shared test client, sockjs/sockjstest, speaks websocket,
// xhr-streaming and xhr-polling only; the bridge is tested on all seven
// (raw websocket, eventsource, htmlfile and jsonp-polling too), so this one
// stays until sockjstest speaks them.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// transports are the client transports, by the server's names.
var transports = []string{"websocket", "websocket-raw", "xhr-streaming", "xhr-polling", "eventsource", "htmlfile", "jsonp-polling"}

// waitFor bounds every wait of these tests; a wait that ends it is a failure.
const waitFor = 10 * time.Second

var sessionSeq atomic.Int64

// client is one SockJS session seen from the client side. events carries
// every message, then a close event.
type client struct {
	t         *testing.T
	base      string // http://host:port/prefix/000/session
	transport string
	ws        *websocket.Conn
	events    chan event
	cancel    context.CancelFunc
	done      chan struct{}
}

// event is a message or, with closed set, the close frame.
type event struct {
	msg    string
	closed bool
	code   int
	reason string
}

// dial opens a session at url+prefix on transport and waits for its open frame.
func dial(t *testing.T, url, prefix, transport string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{
		t: t, transport: transport, events: make(chan event, 1024), cancel: cancel, done: make(chan struct{}),
		base: fmt.Sprintf("%s%s/000/s%d", url, prefix, sessionSeq.Add(1)),
	}
	opened := make(chan error, 1)
	switch transport {
	case "websocket", "websocket-raw":
		wsURL := "ws" + strings.TrimPrefix(c.base, "http") + "/websocket"
		if transport == "websocket-raw" {
			wsURL = "ws" + strings.TrimPrefix(url, "http") + prefix + "/websocket"
		}
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatalf("dial %s: %v", wsURL, err)
		}
		c.ws = ws
		if transport == "websocket-raw" {
			opened <- nil
			go c.readRaw()
		} else {
			go c.readWebsocket(opened)
		}
	default:
		go c.poll(ctx, opened)
	}
	t.Cleanup(c.close)
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("%s: open: %v", transport, err)
		}
	case <-time.After(waitFor):
		t.Fatalf("%s: no open frame", transport)
	}
	return c
}

func (c *client) close() {
	c.cancel()
	if c.ws != nil {
		_ = c.ws.Close()
	}
	<-c.done
}

// frame handles one SockJS frame; it reports false on a close frame.
func (c *client) frame(f string, opened chan<- error) bool {
	switch {
	case f == "o":
		notify(opened, nil)
	case f == "h" || f == "":
	case f[0] == 'a':
		var msgs []string
		if err := json.Unmarshal([]byte(f[1:]), &msgs); err != nil {
			c.t.Errorf("%s: bad frame %q", c.transport, f)
			return false
		}
		for _, m := range msgs {
			c.events <- event{msg: m}
		}
	case f[0] == 'c':
		var code int
		var reason string
		if err := json.Unmarshal([]byte(f[1:]), &[]any{&code, &reason}); err != nil {
			c.t.Errorf("%s: bad close frame %q", c.transport, f)
		}
		c.events <- event{closed: true, code: code, reason: reason}
		return false
	default:
		c.t.Errorf("%s: unknown frame %q", c.transport, f)
		return false
	}
	return true
}

func (c *client) readWebsocket(opened chan<- error) {
	defer close(c.done)
	for {
		_, p, err := c.ws.ReadMessage()
		if err != nil {
			c.events <- event{closed: true, code: -1, reason: err.Error()}
			return
		}
		if !c.frame(string(p), opened) {
			return
		}
	}
}

func (c *client) readRaw() {
	defer close(c.done)
	for {
		_, p, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if ok := asCloseError(err, &ce); ok {
				c.events <- event{closed: true, code: ce.Code, reason: ce.Text}
			} else {
				c.events <- event{closed: true, code: -1, reason: err.Error()}
			}
			return
		}
		c.events <- event{msg: string(p)}
	}
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	e, ok := err.(*websocket.CloseError)
	*ce = e
	return ok
}

// poll runs the receiving requests of an HTTP transport until a close frame.
func (c *client) poll(ctx context.Context, opened chan<- error) {
	defer close(c.done)
	for ctx.Err() == nil {
		var req *http.Request
		switch c.transport {
		case "xhr-streaming":
			req, _ = http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/xhr_streaming", nil)
		case "xhr-polling":
			req, _ = http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/xhr", nil)
		case "eventsource":
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/eventsource", nil)
		case "htmlfile":
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/htmlfile?c=cb", nil)
		case "jsonp-polling":
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/jsonp?c=cb", nil)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				notify(opened, err)
				c.events <- event{closed: true, code: -1, reason: err.Error()}
			}
			return
		}
		more := c.readFrames(resp.Body, opened)
		resp.Body.Close()
		if !more {
			return
		}
	}
}

// notify tells dial the session opened (or failed to), once.
func notify(opened chan<- error, err error) {
	select {
	case opened <- err:
	default:
	}
}

// readFrames reads the frames of one receiving response.
func (c *client) readFrames(body io.Reader, opened chan<- error) bool {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		var f string
		switch c.transport {
		case "xhr-streaming", "xhr-polling":
			if strings.Count(line, "h") == 2048 {
				continue // the prelude
			}
			f = line
		case "eventsource":
			var ok bool
			if f, ok = strings.CutPrefix(line, "data: "); !ok {
				continue
			}
		case "htmlfile", "jsonp-polling":
			inner, ok := strings.CutPrefix(line, "/**/cb(")
			if c.transport == "htmlfile" {
				inner, ok = strings.CutPrefix(line, "p(")
			}
			if !ok {
				continue
			}
			inner = strings.TrimSuffix(inner, ";")
			inner = strings.TrimSuffix(inner, ")")
			if err := json.Unmarshal([]byte(inner), &f); err != nil {
				c.t.Errorf("%s: bad frame line %q", c.transport, line)
				return false
			}
		}
		if !c.frame(f, opened) {
			return false
		}
	}
	return true
}

// send sends msgs in one SockJS frame.
func (c *client) send(msgs ...string) {
	c.t.Helper()
	frame, _ := json.Marshal(msgs)
	switch c.transport {
	case "websocket":
		if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			c.t.Fatalf("send: %v", err)
		}
		return
	case "websocket-raw":
		for _, m := range msgs {
			if err := c.ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
				c.t.Fatalf("send: %v", err)
			}
		}
		return
	}
	url := c.base + "/xhr_send"
	if c.transport == "jsonp-polling" {
		url = c.base + "/jsonp_send"
	}
	resp, err := http.Post(url, "text/plain", bytes.NewReader(frame))
	if err != nil {
		c.t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("%s send: %s %s", c.transport, resp.Status, b)
	}
}

// next returns the next event.
func (c *client) next() event {
	c.t.Helper()
	select {
	case e := <-c.events:
		return e
	case <-time.After(waitFor):
		c.t.Fatalf("%s: nothing received", c.transport)
		return event{}
	}
}

// expect reads the next event and fails unless it is message want.
func (c *client) expect(want string) {
	c.t.Helper()
	if e := c.next(); e.closed || e.msg != want {
		c.t.Fatalf("%s: got %+v, want message %q", c.transport, e, want)
	}
}

// expectClose reads the next event and fails unless it is a close with code
// (the raw websocket carries the code in its close frame).
func (c *client) expectClose(code int, reason string) {
	c.t.Helper()
	e := c.next()
	if !e.closed || e.code != code || e.reason != reason {
		c.t.Fatalf("%s: got %+v, want close %d %q", c.transport, e, code, reason)
	}
}
