package sockjs

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// hooks lets a test choose what its sessions do; nil fields mean echo.
type hooks struct {
	onOpen    func(s *Session) error
	onMessage func(s *Session, msg string)
}

// conn is the Handler the tests use: it records every hook call and checks
// that OnMessage calls never overlap.
type conn struct {
	env  *testEnv
	s    *Session
	busy atomic.Int32

	mu     sync.Mutex
	msgs   []string
	closes int
	closed chan struct{}
}

func (c *conn) OnOpen(s *Session) error {
	c.s = s
	c.env.add(c)
	if c.env.hooks.onOpen != nil {
		return c.env.hooks.onOpen(s)
	}
	return nil
}

func (c *conn) OnMessage(msg string) {
	if c.busy.Add(1) != 1 {
		c.env.overlap.Store(true)
	}
	defer c.busy.Add(-1)
	c.mu.Lock()
	c.msgs = append(c.msgs, msg)
	c.mu.Unlock()
	if c.env.hooks.onMessage != nil {
		c.env.hooks.onMessage(c.s, msg)
		return
	}
	_ = c.s.Send(msg)
}

func (c *conn) OnClose() {
	c.mu.Lock()
	c.closes++
	n := c.closes
	c.mu.Unlock()
	if n == 1 {
		close(c.closed)
	} else {
		c.env.doubleClose.Store(true)
	}
}

func (c *conn) received() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// waitClosed waits for OnClose of c.
func (c *conn) waitClosed(t testing.TB) {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(10 * time.Second):
		t.Fatalf("OnClose of session %s not called", c.s.ID())
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a Server at /echo on a loopback httptest server.
type testEnv struct {
	t           testing.TB
	srv         *Server
	ts          *httptest.Server
	base        string // http://127.0.0.1:port/echo
	hooks       hooks
	client      *http.Client
	logs        *syncBuffer
	overlap     atomic.Bool
	doubleClose atomic.Bool

	mu    sync.Mutex
	conns []*conn
	added chan *conn
}

func newEnv(t testing.TB, opts Options, h hooks) *testEnv {
	t.Helper()
	env := &testEnv{t: t, hooks: h, logs: &syncBuffer{}, added: make(chan *conn, 100000)}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(env.logs, nil))
	}
	if opts.AllowedOrigins == nil {
		opts.AllowedOrigins = []string{"*"}
	}
	env.srv = NewServer("/echo", func() Handler { return &conn{env: env, closed: make(chan struct{})} }, &opts)
	env.ts = httptest.NewServer(env.srv)
	env.base = env.ts.URL + "/echo"
	env.client = &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second}
	t.Cleanup(env.close)
	return env
}

func (env *testEnv) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.srv.Shutdown(ctx); err != nil && err != ErrServerClosed {
		env.t.Errorf("Shutdown: %v", err)
	}
	env.client.CloseIdleConnections()
	env.ts.Close()
	if env.overlap.Load() {
		env.t.Error("OnMessage calls overlapped")
	}
	if env.doubleClose.Load() {
		env.t.Error("OnClose ran more than once for a session")
	}
}

func (env *testEnv) add(c *conn) {
	env.mu.Lock()
	env.conns = append(env.conns, c)
	env.mu.Unlock()
	env.added <- c
}

// next waits for the next session to open on the server.
func (env *testEnv) next() *conn {
	env.t.Helper()
	select {
	case c := <-env.added:
		return c
	case <-time.After(10 * time.Second):
		env.t.Fatal("no session opened")
		return nil
	}
}

// response is what a test reads of an HTTP answer.
type response struct {
	status int
	header http.Header
	body   string
}

func (env *testEnv) do(method, url, body string, header map[string]string) response {
	env.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		env.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := env.client.Do(req)
	if err != nil {
		env.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		env.t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// stream opens a streaming request and returns a reader of its body.
func (env *testEnv) stream(method, url string) (*http.Response, func()) {
	env.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		env.t.Fatal(err)
	}
	resp, err := env.client.Do(req)
	if err != nil {
		env.t.Fatalf("%s %s: %v", method, url, err)
	}
	stop := func() { cancel(); resp.Body.Close() }
	env.t.Cleanup(stop) // before env.close, which runs first-registered last
	return resp, stop
}

// readChunk reads what the server flushed next, at least want bytes.
func readChunk(t testing.TB, r io.Reader, want int) string {
	t.Helper()
	buf := make([]byte, want)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("read %d bytes: %v (got %q)", want, err, buf)
	}
	return string(buf)
}

// dial opens a SockJS websocket session with the shared test client and
// reads its open frame; the tests then speak frames on its websocket.
func (env *testEnv) dial(header http.Header) *websocket.Conn {
	env.t.Helper()
	return sockjstest.Dial(env.t, env.base, &sockjstest.Options{SessionID: randomID(), Header: header}).Conn()
}

// sockjsClient opens a SockJS session with the shared test client.
func (env *testEnv) sockjsClient(transport string) *sockjstest.Client {
	env.t.Helper()
	return sockjstest.Dial(env.t, env.base, &sockjstest.Options{Transport: transport, SessionID: randomID()})
}

func (env *testEnv) dialRaw(path string, header http.Header) *websocket.Conn {
	env.t.Helper()
	url := "ws" + strings.TrimPrefix(env.base, "http") + path
	ws, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		env.t.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	env.t.Cleanup(func() { ws.Close() })
	return ws
}

func (env *testEnv) readWS(ws *websocket.Conn) string {
	env.t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		env.t.Fatalf("websocket read: %v", err)
	}
	return string(b)
}

// readMessages reads the next SockJS frame from ws and returns the
// messages it carries: none for a heartbeat.
func (env *testEnv) readMessages(ws *websocket.Conn) []string {
	env.t.Helper()
	frame := env.readWS(ws)
	if frame == "h" {
		return nil
	}
	var msgs []string
	if err := jsonUnmarshalFrame(frame, &msgs); err != nil {
		env.t.Fatalf("frame %.40q: %v", frame, err)
	}
	return msgs
}

var idCounter atomic.Uint64

func randomID() string {
	return "t" + time.Now().Format("150405.000000000")[7:] + "-" + itoa(idCounter.Add(1))
}

func itoa(n uint64) string { return string(appendInt(nil, int(n))) }

func dialer() *websocket.Dialer { return &websocket.Dialer{HandshakeTimeout: 10 * time.Second} }
