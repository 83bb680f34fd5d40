// Package sockjstest is a SockJS client for tests: it opens one session on
// a SockJS endpoint over websocket, xhr-streaming or xhr-polling (both
// sending with xhr_send), sends messages and reads them back one by one, and reports the
// session's close frame. It is what the library's, the examples' and the
// applications' tests share instead of each hand-writing the protocol.
//
// Client fails the test (t.Fatal) on a network or protocol error, and
// every read is bounded by Options.Timeout, so a test never hangs:
//
//	c := sockjstest.Dial(t, srv.URL+"/chat", nil)
//	c.Send("hello")
//	if got := c.Next(); got != "echo: hello" { ... }
//
// Session is the same client returning its errors, for a goroutine of the
// test's own (a reader queueing every message) or a program that is not a
// test, such as a load generator.
//
// It imports nothing from package sockjs, so that package's own tests use
// it too.
package sockjstest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Transports the client speaks.
const (
	// Websocket is the SockJS websocket transport, {prefix}/{server}/{session}/websocket.
	Websocket = "websocket"
	// XHRStreaming receives on xhr_streaming and sends with xhr_send. When
	// the server ends a response, the next read opens another.
	XHRStreaming = "xhr-streaming"
	// XHRPolling receives with one xhr request per frame batch and sends
	// with xhr_send: every request of the session is a new HTTP request,
	// which is what a proxy's sticky sessions must keep on one process.
	XHRPolling = "xhr-polling"
)

// Options configure Dial and Open. Nil means all defaults.
type Options struct {
	// Transport is Websocket (the default), XHRStreaming or XHRPolling.
	Transport string
	// SessionID is the SockJS session id the client picks. Empty means a
	// fresh one, unique in the process.
	SessionID string
	// Header is sent with the opening request (and, on the xhr transports,
	// with every request): an Origin, a Cookie.
	Header http.Header
	// Timeout bounds each request, the open frame and, unless
	// NoReadTimeout, each read. Zero means 10 seconds.
	Timeout time.Duration
	// NoReadTimeout lets a read wait for the next frame however long it
	// takes: for a Session read by a goroutine of its own, which Close
	// ends. Without it a quiet server fails a read after Timeout.
	NoReadTimeout bool
}

// CloseError is the SockJS close frame c[code,"reason"] the session ended
// with, as Read returns it.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return "sockjstest: session closed: " + strconv.Itoa(e.Code) + " " + e.Reason
}

// Client is one SockJS session that fails its test on any error. It is
// for one goroutine at a time.
type Client struct {
	t testing.TB
	s *Session
}

// Dial opens a session of the SockJS endpoint at endpoint (like
// http://127.0.0.1:8080/chat) and reads its open frame. The session is
// closed when the test ends.
func Dial(t testing.TB, endpoint string, opts *Options) *Client {
	t.Helper()
	s, err := Open(endpoint, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{t: t, s: s}
	t.Cleanup(c.Close)
	return c
}

// Conn returns the websocket of a Websocket client, for a test that reads or
// writes frames itself (nil on the xhr transports).
func (c *Client) Conn() *websocket.Conn { return c.s.Conn() }

// Send sends msgs in one SockJS frame (one xhr_send body).
func (c *Client) Send(msgs ...string) {
	c.t.Helper()
	if err := c.TrySend(msgs...); err != nil {
		c.t.Fatal(err)
	}
}

// SendJSON encodes v as JSON and sends it as one message.
func (c *Client) SendJSON(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatalf("sockjstest: encode message: %v", err)
	}
	c.Send(string(b))
}

// TrySend is Send that returns the error (such as an HTTP status other than
// 204 from xhr_send) instead of failing the test.
func (c *Client) TrySend(msgs ...string) error { return c.s.Send(msgs...) }

// Next returns the next message from the server, failing the test if the
// session closes or none comes within Options.Timeout.
func (c *Client) Next() string {
	c.t.Helper()
	msg, err := c.Read()
	if err != nil {
		c.t.Fatalf("sockjstest: next message: %v", err)
	}
	return msg
}

// NextJSON decodes the next message into v.
func (c *Client) NextJSON(v any) {
	c.t.Helper()
	msg := c.Next()
	if err := json.Unmarshal([]byte(msg), v); err != nil {
		c.t.Fatalf("sockjstest: message %q: %v", msg, err)
	}
}

// Read returns the next message from the server, skipping heartbeats. When
// the session has closed it returns a *CloseError with the close frame's
// code and reason; on a network error or a timeout, that error.
func (c *Client) Read() (string, error) { return c.s.Read() }

// WaitClosed reads (discarding messages) until the session's close frame
// and returns it, failing the test if none comes.
func (c *Client) WaitClosed() *CloseError {
	c.t.Helper()
	for {
		_, err := c.Read()
		var ce *CloseError
		if errors.As(err, &ce) {
			return ce
		}
		if err != nil {
			c.t.Fatalf("sockjstest: waiting for the close frame: %v", err)
		}
	}
}

// Close ends the client's side: the websocket is closed with a close
// frame, the streaming request is aborted. Closing twice is harmless.
func (c *Client) Close() { c.s.Close() }
