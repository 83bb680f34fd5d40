// Package sockjstest is a SockJS client for tests: it opens one session on
// a SockJS endpoint over websocket, xhr-streaming or xhr-polling (both
// sending with xhr_send), sends messages and reads them back one by one, and reports the
// session's close frame. It is what the library's, the examples' and the
// applications' tests share instead of each hand-writing the protocol.
//
// Every method fails the test (t.Fatal) on a network or protocol error,
// and every read is bounded by Options.Timeout, so a test never hangs.
//
//	c := sockjstest.Dial(t, srv.URL+"/chat", nil)
//	c.Send("hello")
//	if got := c.Next(); got != "echo: hello" { ... }
//
// It imports nothing from package sockjs, so that package's own tests use
// it too.
package sockjstest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Transports the client speaks.
const (
	// Websocket is the SockJS websocket transport, {prefix}/{server}/{session}/websocket.
	Websocket = "websocket"
	// XHRStreaming receives on xhr_streaming and sends with xhr_send.
	XHRStreaming = "xhr-streaming"
	// XHRPolling receives with one xhr request per frame batch and sends
	// with xhr_send: every request of the session is a new HTTP request,
	// which is what a proxy's sticky sessions must keep on one process.
	XHRPolling = "xhr-polling"
)

// Options configure Dial. Nil means all defaults.
type Options struct {
	// Transport is Websocket (the default), XHRStreaming or XHRPolling.
	Transport string
	// SessionID is the SockJS session id the client picks. Empty means a
	// fresh one, unique in the process.
	SessionID string
	// Header is sent with the opening request (and, on the xhr transports,
	// with every request): an Origin, a Cookie.
	Header http.Header
	// Timeout bounds each read and each request. Zero means 10 seconds.
	Timeout time.Duration
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

// Client is one SockJS session. It is for one goroutine at a time.
type Client struct {
	t         testing.TB
	opts      Options
	transport string
	session   string // {endpoint}/000/{id}

	ws *websocket.Conn // Websocket

	hc     *http.Client // XHRStreaming, XHRPolling
	body   io.ReadCloser
	lines  *bufio.Reader
	cancel context.CancelFunc

	polled  []string        // XHRPolling: frames of the last poll not read yet
	pollCtx context.Context // XHRPolling: ends with Close

	pending []string
	closed  *CloseError
}

var sessionIDs atomic.Int64

// Dial opens a session of the SockJS endpoint at endpoint (like
// http://127.0.0.1:8080/chat) and reads its open frame. The session is
// closed when the test ends.
func Dial(t testing.TB, endpoint string, opts *Options) *Client {
	t.Helper()
	c := &Client{t: t}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = 10 * time.Second
	}
	if c.opts.Transport == "" {
		c.opts.Transport = Websocket
	}
	id := c.opts.SessionID
	if id == "" {
		id = "t" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(sessionIDs.Add(1), 10)
	}
	c.transport = c.opts.Transport
	c.session = strings.TrimSuffix(endpoint, "/") + "/000/" + id
	switch c.transport {
	case Websocket:
		c.dialWebsocket()
	case XHRStreaming:
		c.dialXHRStreaming()
	case XHRPolling:
		// The first poll opens the session.
		c.hc = &http.Client{Transport: &http.Transport{}}
		ctx, cancel := context.WithCancel(context.Background())
		c.pollCtx, c.cancel = ctx, cancel
	default:
		t.Fatalf("sockjstest: unknown transport %q", c.transport)
	}
	t.Cleanup(c.Close)
	frame, err := c.frame()
	if err != nil {
		t.Fatalf("sockjstest: open %s: %v", c.session, err)
	}
	if frame != "o" {
		t.Fatalf("sockjstest: open %s: first frame %q, want o", c.session, frame)
	}
	return c
}

func (c *Client) dialWebsocket() {
	c.t.Helper()
	url := "ws" + strings.TrimPrefix(c.session, "http") + "/websocket"
	d := websocket.Dialer{HandshakeTimeout: c.opts.Timeout}
	ws, resp, err := d.Dial(url, c.opts.Header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.t.Fatalf("sockjstest: dial %s: %v (HTTP status %d)", url, err, status)
	}
	c.ws = ws
}

func (c *Client) dialXHRStreaming() {
	c.t.Helper()
	c.hc = &http.Client{Transport: &http.Transport{}}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.session+"/xhr_streaming", nil)
	if err != nil {
		c.t.Fatalf("sockjstest: %v", err)
	}
	c.header(req)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("sockjstest: open %s: %v", c.session, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		c.t.Fatalf("sockjstest: open %s: HTTP status %d", c.session, resp.StatusCode)
	}
	c.body, c.lines = resp.Body, bufio.NewReader(resp.Body)
	// The 2 KiB prelude of 'h's and a newline.
	if err := c.readLine(func(line string) bool { return strings.Trim(line, "h") == "" }); err != nil {
		c.t.Fatalf("sockjstest: open %s: prelude: %v", c.session, err)
	}
}

func (c *Client) header(req *http.Request) {
	for k, vv := range c.opts.Header {
		req.Header[k] = append([]string(nil), vv...)
	}
}

// Conn returns the websocket of a Websocket client, for a test that reads or
// writes frames itself (nil on xhr-streaming).
func (c *Client) Conn() *websocket.Conn { return c.ws }

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
func (c *Client) TrySend(msgs ...string) error {
	frame, err := json.Marshal(msgs)
	if err != nil {
		return fmt.Errorf("sockjstest: encode frame: %w", err)
	}
	if c.ws != nil {
		_ = c.ws.SetWriteDeadline(time.Now().Add(c.opts.Timeout))
		if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return fmt.Errorf("sockjstest: send: %w", err)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.session+"/xhr_send", bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("sockjstest: send: %w", err)
	}
	c.header(req)
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sockjstest: send: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("sockjstest: xhr_send: HTTP status %d: %q", resp.StatusCode, body)
	}
	return nil
}

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
func (c *Client) Read() (string, error) {
	for len(c.pending) == 0 {
		if c.closed != nil {
			return "", c.closed
		}
		frame, err := c.frame()
		if err != nil {
			return "", err
		}
		if err := c.take(frame); err != nil {
			return "", err
		}
	}
	msg := c.pending[0]
	c.pending = c.pending[1:]
	return msg, nil
}

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

// take files one SockJS frame.
func (c *Client) take(frame string) error {
	switch {
	case frame == "h":
	case strings.HasPrefix(frame, "a"):
		var msgs []string
		if err := json.Unmarshal([]byte(frame[1:]), &msgs); err != nil {
			return fmt.Errorf("sockjstest: bad message frame %.80q: %w", frame, err)
		}
		c.pending = append(c.pending, msgs...)
	case strings.HasPrefix(frame, "c"):
		var cf []any
		if err := json.Unmarshal([]byte(frame[1:]), &cf); err != nil || len(cf) != 2 {
			return fmt.Errorf("sockjstest: bad close frame %q", frame)
		}
		code, _ := cf[0].(float64)
		reason, _ := cf[1].(string)
		c.closed = &CloseError{Code: int(code), Reason: reason}
	default:
		return fmt.Errorf("sockjstest: unexpected frame %.80q", frame)
	}
	return nil
}

// frame reads one SockJS frame.
func (c *Client) frame() (string, error) {
	if c.ws != nil {
		_ = c.ws.SetReadDeadline(time.Now().Add(c.opts.Timeout))
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return "", fmt.Errorf("sockjstest: read: %w", err)
		}
		return string(b), nil
	}
	if c.transport == XHRPolling {
		return c.poll()
	}
	var frame string
	err := c.readLine(func(line string) bool { frame = line; return true })
	return frame, err
}

// poll returns the next frame of xhr-polling, polling when none is left.
func (c *Client) poll() (string, error) {
	for len(c.polled) == 0 {
		ctx, cancel := context.WithTimeout(c.pollCtx, c.opts.Timeout)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.session+"/xhr", nil)
		if err != nil {
			cancel()
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		c.header(req)
		resp, err := c.hc.Do(req)
		if err != nil {
			cancel()
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxPoll))
		resp.Body.Close()
		cancel()
		if err != nil {
			return "", fmt.Errorf("sockjstest: poll: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("sockjstest: poll: HTTP status %d: %.200q", resp.StatusCode, body)
		}
		for _, line := range strings.Split(string(body), "\n") {
			if line != "" {
				c.polled = append(c.polled, line)
			}
		}
	}
	f := c.polled[0]
	c.polled = c.polled[1:]
	return f, nil
}

// maxPoll bounds the body of one poll the client reads.
const maxPoll = 16 << 20

// readLine reads one line of the xhr-streaming response, within the
// timeout, and hands it to take until take accepts one.
func (c *Client) readLine(take func(string) bool) error {
	timer := time.AfterFunc(c.opts.Timeout, c.cancel)
	defer timer.Stop()
	for {
		line, err := c.lines.ReadString('\n')
		if err != nil {
			return fmt.Errorf("sockjstest: read: %w", err)
		}
		if take(strings.TrimSuffix(line, "\n")) {
			return nil
		}
	}
}

// Close ends the client's side: the websocket is closed with a close
// frame, the streaming request is aborted. Closing twice is harmless.
func (c *Client) Close() {
	if c.ws != nil {
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		_ = c.ws.Close()
	}
	if c.cancel != nil {
		c.cancel()
	}
	if c.body != nil {
		_ = c.body.Close()
	}
	if c.hc != nil {
		c.hc.CloseIdleConnections()
	}
}
