package sockjs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// client drives one session over one transport, as a browser would.
type client interface {
	// clientClose is the client's own close: a close frame on websockets,
	// an aborted receiving request on HTTP transports.
	clientClose()
	// drop cuts the network under the session.
	drop()
	// expectClose reads until the close frame with code arrives.
	expectClose(code int)
}

type wsClient struct {
	env *testEnv
	ws  *websocket.Conn
	raw bool
}

func (c *wsClient) clientClose() {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"), time.Now().Add(time.Second))
}
func (c *wsClient) drop() { _ = c.ws.UnderlyingConn().Close() }
func (c *wsClient) expectClose(code int) {
	c.env.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			if !c.raw || !strings.Contains(err.Error(), fmt.Sprint(code)) {
				c.env.t.Errorf("websocket ended with %v before close frame %d", err, code)
			}
			return
		}
		if strings.HasPrefix(string(b), fmt.Sprintf("c[%d,", code)) {
			return
		}
	}
}

type httpClient struct {
	env       *testEnv
	url       string // session URL
	method    string
	path      string
	streaming bool
	body      io.ReadCloser
	stop      func()
}

func (c *httpClient) open() {
	c.env.t.Helper()
	if !c.streaming {
		if r := c.env.do(c.method, c.url+c.path, "", nil); !strings.Contains(r.body, "o") {
			c.env.t.Fatalf("open %s: %q", c.path, r.body)
		}
		return
	}
	resp, stop := c.env.stream(c.method, c.url+c.path)
	c.body, c.stop = resp.Body, stop
	c.readUntil(`o`)
}

func (c *httpClient) readUntil(frame string) {
	c.env.t.Helper()
	var seen strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), frame) {
		n, err := c.body.Read(buf)
		seen.Write(buf[:n])
		if err != nil && !strings.Contains(seen.String(), frame) {
			c.env.t.Fatalf("stream %s ended before %q: %v (read %q)", c.path, frame, err, seen.String())
		}
	}
}

func (c *httpClient) clientClose() { c.drop() }

func (c *httpClient) drop() {
	if c.streaming {
		c.stop()
		return
	}
	// Abort a pending poll.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(ctx, c.method, c.url+c.path, nil)
		if resp, err := c.env.client.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	<-done
}

func (c *httpClient) expectClose(code int) {
	c.env.t.Helper()
	want := fmt.Sprintf(`c[%d,`, code)
	if c.streaming {
		c.readUntil(want)
		c.stop()
		return
	}
	if r := c.env.do(c.method, c.url+c.path, "", nil); !strings.Contains(r.body, strings.ReplaceAll(want, `"`, `\"`)) &&
		!strings.Contains(r.body, want) {
		c.env.t.Errorf("poll after server close: %q, want %s", r.body, want)
	}
}

var transportsUnderTest = []string{"websocket", "websocket-raw", "xhr", "jsonp", "xhr_streaming", "eventsource", "htmlfile"}

func openClient(t *testing.T, env *testEnv, transport string) client {
	t.Helper()
	url := env.base + "/000/" + randomID()
	switch transport {
	case "websocket":
		return &wsClient{env: env, ws: env.dial(nil)}
	case "websocket-raw":
		return &wsClient{env: env, ws: env.dialRaw("/websocket", nil), raw: true}
	case "xhr":
		c := &httpClient{env: env, url: url, method: "POST", path: "/xhr"}
		c.open()
		return c
	case "jsonp":
		c := &httpClient{env: env, url: url, method: "GET", path: "/jsonp?c=cb"}
		c.open()
		return c
	case "xhr_streaming":
		c := &httpClient{env: env, url: url, method: "POST", path: "/xhr_streaming", streaming: true}
		c.open()
		return c
	case "eventsource":
		c := &httpClient{env: env, url: url, method: "GET", path: "/eventsource", streaming: true}
		c.open()
		return c
	case "htmlfile":
		c := &httpClient{env: env, url: url, method: "GET", path: "/htmlfile?c=cb", streaming: true}
		c.open()
		return c
	}
	t.Fatalf("unknown transport %s", transport)
	return nil
}

// OnClose runs exactly once for every opened session, on every transport and
// every way a session ends.
func TestOnCloseExactlyOnce(t *testing.T) {
	ways := []struct {
		name     string
		wantCode int
	}{
		{"client close", 0}, // the client's code (1000) on websockets, interrupted on HTTP
		{"server close", CloseForbidden},
		{"network drop", CloseInterrupted},
		{"disconnect delay expiry", CloseInterrupted},
		{"shutdown", CloseGoingAway},
	}
	for _, transport := range transportsUnderTest {
		for _, way := range ways {
			isWS := strings.HasPrefix(transport, "websocket")
			if way.name == "disconnect delay expiry" && isWS {
				continue // websocket sessions end with their connection
			}
			t.Run(transport+"/"+way.name, func(t *testing.T) {
				opts := Options{DisconnectDelay: 100 * time.Millisecond}
				if way.name == "server close" || way.name == "shutdown" {
					// The server ends these: a slow machine must not let the
					// disconnect delay of an HTTP session between polls end it first.
					opts.DisconnectDelay = time.Minute
				}
				if way.name == "disconnect delay expiry" {
					opts.ResponseLimit = 1 // streaming responses end after "o"
				}
				env := newEnv(t, opts, hooks{})
				cl := openClient(t, env, transport)
				c := env.next()
				switch way.name {
				case "client close":
					cl.clientClose()
				case "server close":
					if err := c.s.Close(CloseForbidden, "not allowed"); err != nil {
						t.Fatal(err)
					}
					cl.expectClose(CloseForbidden)
				case "network drop":
					cl.drop()
				case "shutdown":
					if err := env.srv.Shutdown(context.Background()); err != nil {
						t.Fatal(err)
					}
					if isWS {
						cl.expectClose(CloseGoingAway)
					}
				}
				c.waitClosed(t)
				code, _ := c.s.CloseStatus()
				want := way.wantCode
				if way.name == "client close" {
					want = CloseInterrupted
					if isWS {
						want = 1000
					}
				}
				if code != want {
					t.Errorf("CloseStatus code %d, want %d", code, want)
				}
				if !errors.Is(c.s.Send("late"), ErrSessionClosed) {
					t.Error("Send after close did not fail with ErrSessionClosed")
				}
				if c.s.Context().Err() == nil {
					t.Error("session context not cancelled after close")
				}
			})
		}
	}
}

// OnMessage calls keep the client's order and never overlap, even when sends
// arrive on concurrent requests.
func TestOnMessageOrderAndExclusion(t *testing.T) {
	slow := hooks{onMessage: func(s *Session, msg string) { time.Sleep(100 * time.Microsecond) }}
	env := newEnv(t, Options{}, slow)

	ws := env.dial(nil)
	c := env.next()
	const n = 500
	for i := 0; i < n; i++ {
		if err := ws.WriteMessage(1, []byte(fmt.Sprintf(`["%d","%d"]`, 2*i, 2*i+1))); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(c.received()) < 2*n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for i, m := range c.received() {
		if m != fmt.Sprint(i) {
			t.Fatalf("message %d is %q: order lost", i, m)
		}
	}

	// Concurrent xhr_send requests on one session never run OnMessage at once.
	url := env.base + "/000/" + randomID()
	env.do("POST", url+"/xhr", "", nil)
	c = env.next()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", url+"/xhr_send", strings.NewReader(`["a","b","c"]`))
			if resp, err := env.client.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if got := len(c.received()); got != 60 {
		t.Errorf("received %d messages, want 60", got)
	}
	// env.close fails the test if any OnMessage overlapped.
}

// Messages to one session arrive in the order sent, on every transport.
func TestSendOrder(t *testing.T) { forEachWriteMode(t, testSendOrder) }

func testSendOrder(t *testing.T, direct bool) {
	env := newEnv(t, Options{DirectWrites: direct}, hooks{})
	ws := env.dial(nil)
	c := env.next()
	const n = 2000
	go func() {
		for i := 0; i < n; i++ {
			_ = c.s.Send(fmt.Sprint(i))
		}
	}()
	next := 0
	for next < n {
		for _, m := range env.readMessages(ws) {
			if m != fmt.Sprint(next) {
				t.Fatalf("got %q, want %d", m, next)
			}
			next++
		}
	}
}

// A client that stops reading is closed as a slow consumer; the others get
// every message, in order.
func TestSlowConsumer(t *testing.T) { forEachWriteMode(t, testSlowConsumer) }

func testSlowConsumer(t *testing.T, direct bool) {
	env := newEnv(t, Options{DirectWrites: direct, SendQueueBytes: 64 << 10, WriteTimeout: 30 * time.Second}, hooks{})
	const healthy = 10
	var readers []*websocket.Conn
	var conns []*conn
	for i := 0; i < healthy; i++ {
		readers = append(readers, env.dial(nil))
		conns = append(conns, env.next())
	}
	// The stalled client has a tiny receive buffer and never reads.
	stalledDialer := &websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
		}}
		return d.Dial(network, addr)
	}}
	stalledWS, _, err := stalledDialer.Dial("ws"+strings.TrimPrefix(env.base, "http")+"/000/stalled/websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalledWS.Close()
	stalled := env.next()
	all := append([]*Session{stalled.s}, sessionsOf(conns)...)

	payload := strings.Repeat("x", 1000)
	counts := make([]int, healthy)
	var wg sync.WaitGroup
	errs := make(chan error, healthy)
	const total = 20000
	for i, ws := range readers {
		wg.Go(func() {
			for counts[i] < total {
				_ = ws.SetReadDeadline(time.Now().Add(20 * time.Second))
				_, b, err := ws.ReadMessage()
				if err != nil {
					errs <- fmt.Errorf("reader %d after %d messages: %w", i, counts[i], err)
					return
				}
				if b[0] == 'a' {
					counts[i] += strings.Count(string(b), payload)
				}
			}
		})
	}
	for i := 0; i < total; i++ {
		msg := NewMessage(payload)
		for _, s := range all {
			_ = s.SendMessage(msg)
		}
		if i%10 == 9 {
			// Pace the sender to the healthy readers, not to the stalled one.
			for _, c := range conns {
				for c.s.queuedBytes() > 16<<10 {
					time.Sleep(100 * time.Microsecond)
				}
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	stalled.waitClosed(t)
	if code, _ := stalled.s.CloseStatus(); code != CloseSlowConsumer {
		t.Errorf("stalled client closed with %d, want %d", code, CloseSlowConsumer)
	}
	for i, c := range conns {
		if code, _ := c.s.CloseStatus(); code != 0 {
			t.Errorf("healthy client %d closed with %d", i, code)
		}
	}
}

func sessionsOf(conns []*conn) []*Session {
	out := make([]*Session, len(conns))
	for i, c := range conns {
		out[i] = c.s
	}
	return out
}

// Polling transports hold at most SendQueueBytes between polls.
func TestPollingQueueBound(t *testing.T) {
	env := newEnv(t, Options{SendQueueBytes: 8 << 10}, hooks{})
	url := env.base + "/000/" + randomID()
	env.do("POST", url+"/xhr", "", nil)
	c := env.next()
	var err error
	sent := 0
	for ; sent < 100 && err == nil; sent++ {
		err = c.s.Send(strings.Repeat("y", 1000))
	}
	if !errors.Is(err, ErrSlowConsumer) || sent > 9 {
		t.Fatalf("after %d sends: %v, want ErrSlowConsumer by the 9th", sent, err)
	}
	if r := env.do("POST", url+"/xhr", "", nil); r.body != `c[4100,"Slow consumer"]`+"\n" {
		t.Errorf("poll: %q", r.body)
	}
	c.waitClosed(t)
}

func TestHookPanics(t *testing.T) {
	env := newEnv(t, Options{}, hooks{
		onOpen: func(s *Session) error {
			if s.Request().Query().Get("boom") != "" {
				panic("open boom")
			}
			return nil
		},
		onMessage: func(s *Session, msg string) {
			if msg == "boom" {
				panic("message boom")
			}
			_ = s.Send(msg)
		},
	})
	ws := env.dial(nil)
	c := env.next()
	_ = ws.WriteMessage(1, []byte(`["boom"]`))
	if got := env.readWS(ws); got != `c[1011,"Internal error"]` {
		t.Errorf("after panic: %q", got)
	}
	c.waitClosed(t)
	if !strings.Contains(env.logs.String(), "message boom") || !strings.Contains(env.logs.String(), "hook=OnMessage") {
		t.Errorf("panic not logged: %s", env.logs.String())
	}
	// The server lives: a new session echoes.
	ws = env.dial(nil)
	_ = ws.WriteMessage(1, []byte(`["still here"]`))
	if got := env.readWS(ws); got != `a["still here"]` {
		t.Errorf("after panic, new session: %q", got)
	}
	// A panic in OnOpen rejects the client with 1011 and OnClose never runs.
	ws = env.dialRaw("/000/"+randomID()+"/websocket?boom=1", nil)
	if got := env.readWS(ws); got != `c[1011,"Internal error"]` {
		t.Errorf("OnOpen panic: %q", got)
	}
}

func TestOnOpenRejects(t *testing.T) {
	env := newEnv(t, Options{}, hooks{onOpen: func(s *Session) error {
		if s.Request().Query().Get("forbid") != "" {
			return &CloseError{Code: CloseForbidden, Reason: "members only"}
		}
		return errors.New("full house")
	}})
	cases := []struct{ name, path, want string }{
		{"plain error over websocket", "/000/" + randomID() + "/websocket", `c[4000,"full house"]`},
		{"CloseError over websocket", "/000/" + randomID() + "/websocket?forbid=1", `c[4003,"members only"]`},
	}
	for _, c := range cases {
		ws := env.dialRaw(c.path, nil)
		if got := env.readWS(ws); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	r := env.do("POST", env.base+"/000/"+randomID()+"/xhr?forbid=1", "", nil)
	if r.body != `c[4003,"members only"]`+"\n" {
		t.Errorf("xhr rejected: %q", r.body)
	}
	raw := env.dialRaw("/websocket", nil)
	if _, _, err := raw.ReadMessage(); err == nil || !strings.Contains(err.Error(), "4000") {
		t.Errorf("raw websocket rejected: %v", err)
	}
	if err := env.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.mu.Lock()
	defer env.mu.Unlock()
	for _, c := range env.conns {
		if c.closes != 0 {
			t.Error("OnClose ran for a rejected session")
		}
	}
}

func TestShutdown(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	ws := env.dial(nil)
	wsConn := env.next()
	stream := openClient(t, env, "xhr_streaming")
	streamConn := env.next()
	openClient(t, env, "xhr") // a polling session with no receiver attached
	pollConn := env.next()
	_ = wsConn.s.Send("last words")

	done := make(chan error, 1)
	go func() { done <- env.srv.Shutdown(context.Background()) }()
	if got := env.readWS(ws); got != `a["last words"]` {
		t.Errorf("queued message before going away: %q", got)
	}
	if got := env.readWS(ws); got != `c[1001,"Going away"]` {
		t.Errorf("websocket: %q", got)
	}
	stream.expectClose(CloseGoingAway)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, c := range []*conn{wsConn, streamConn, pollConn} {
		c.waitClosed(t)
	}
	if r := env.do("POST", env.base+"/000/"+randomID()+"/xhr", "", nil); r.status != 503 {
		t.Errorf("after shutdown: %d, want 503", r.status)
	}
	if err := env.srv.Shutdown(context.Background()); !errors.Is(err, ErrServerClosed) {
		t.Errorf("second Shutdown: %v", err)
	}
}

// After many open/close cycles on every transport the server holds no
// goroutine and no session.
func TestOpenCloseCyclesLeaveNothing(t *testing.T) {
	cycles := 10000
	if testing.Short() {
		cycles = 1000
	}
	// An xhr or jsonp cycle is three requests; a gap between two of them
	// longer than DisconnectDelay (a second was not enough under -race on
	// a loaded machine: 10,005 sessions) expires the session, and the last
	// poll opens a new one.
	env := newEnv(t, Options{DisconnectDelay: 5 * time.Second}, hooks{onMessage: func(s *Session, msg string) {
		_ = s.Close(0, "")
	}})
	cycle(t, env, "websocket") // starts the server's one heartbeat goroutine
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	baseline := runtime.NumGoroutine()
	kinds := []string{"websocket", "websocket-raw", "xhr", "jsonp"}
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Go(func() {
			for i := range work {
				cycle(t, env, kinds[i%len(kinds)])
			}
		})
	}
	for i := 0; i < cycles; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		return
	}
	env.client.CloseIdleConnections()
	deadline := time.Now().Add(15 * time.Second)
	for {
		env.srv.mu.Lock()
		live, byID := env.srv.live.len(), len(env.srv.byID)
		env.srv.mu.Unlock()
		n := runtime.NumGoroutine()
		if live == 0 && byID == 0 && n <= baseline {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("after %d cycles: %d live sessions, %d remembered ids, %d goroutines (baseline %d)\n%s",
				cycles, live, byID, n, baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
	env.mu.Lock()
	defer env.mu.Unlock()
	if len(env.conns) != cycles+1 {
		t.Errorf("%d sessions opened, want %d", len(env.conns), cycles)
	}
	for _, c := range env.conns {
		if c.closes != 1 {
			t.Fatalf("a session saw OnClose %d times", c.closes)
		}
	}
}

// cycle opens a session, sends one message (the server closes on it) and
// waits for the close.
func cycle(t *testing.T, env *testEnv, kind string) {
	switch kind {
	case "websocket", "websocket-raw":
		path := "/000/" + randomID() + "/websocket"
		if kind == "websocket-raw" {
			path = "/websocket"
		}
		url := "ws" + strings.TrimPrefix(env.base, "http") + path
		ws, _, err := dialer().Dial(url, nil)
		if err != nil {
			t.Errorf("dial: %v", err)
			return
		}
		defer ws.Close()
		msg := `["x"]`
		if kind == "websocket-raw" {
			msg = "x"
		}
		_ = ws.WriteMessage(1, []byte(msg))
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	default:
		url := env.base + "/000/" + randomID()
		recv, send, body := url+"/xhr", url+"/xhr_send", `["x"]`
		method := "POST"
		if kind == "jsonp" {
			recv, send, body, method = url+"/jsonp?c=cb", url+"/jsonp_send", `d=%5B%22x%22%5D`, "GET"
		}
		for _, step := range []struct{ method, url, body string }{{method, recv, ""}, {"POST", send, body}, {method, recv, ""}} {
			req, _ := http.NewRequest(step.method, step.url, strings.NewReader(step.body))
			if kind == "jsonp" && step.method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := env.client.Do(req)
			if err != nil {
				t.Errorf("%s: %v", step.url, err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

func TestRemoteIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name, peer, xff, want string
		trusted               []netip.Prefix
	}{
		{"no proxies configured ignores the header", "203.0.113.5:1000", "198.51.100.7", "203.0.113.5", nil},
		{"untrusted peer cannot spoof", "203.0.113.5:1000", "198.51.100.7", "203.0.113.5", proxies},
		{"trusted proxy", "10.1.2.3:1000", "198.51.100.7", "198.51.100.7", proxies},
		{"right-most untrusted hop wins", "10.1.2.3:1000", "1.1.1.1, 198.51.100.7, 10.9.9.9", "198.51.100.7", proxies},
		{"all hops trusted", "10.1.2.3:1000", "10.5.5.5", "10.5.5.5", proxies},
		{"malformed hop stops the walk", "10.1.2.3:1000", "1.1.1.1, garbage", "10.1.2.3", proxies},
		{"ipv6 proxy", "[::1]:1000", "2001:db8::1", "2001:db8::1", proxies},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			r.Header.Set("X-Forwarded-For", c.xff)
			if got := ClientIP(r, c.trusted); got.String() != c.want {
				t.Errorf("remoteIP = %s, want %s", got, c.want)
			}
		})
	}
}

func jsonUnmarshalFrame(frame string, v *[]string) error {
	if !strings.HasPrefix(frame, "a") {
		return fmt.Errorf("not a message frame")
	}
	msgs, err := decodeMessages([]byte(frame[1:]))
	*v = msgs
	return err
}

// queuedBytes reports the bytes waiting in s's queue.
func (s *Session) queuedBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

func TestMessageRateLimit(t *testing.T) {
	env := newEnv(t, Options{MessageRate: 1, MessageBurst: 3}, hooks{onMessage: func(*Session, string) {}})
	ws := env.dial(nil)
	c := env.next()
	_ = ws.WriteMessage(1, []byte(`["1","2","3","4"]`))
	if got := env.readWS(ws); got != `c[4005,"Too many messages"]` {
		t.Errorf("over the rate: %q", got)
	}
	c.waitClosed(t)
	if got := c.received(); len(got) != 3 {
		t.Errorf("%d messages reached OnMessage, want the burst of 3", len(got))
	}
}

// Shutdown while a session is still in OnOpen waits for it, then runs its
// OnClose before returning.
func TestShutdownDuringOnOpen(t *testing.T) {
	for _, transport := range []string{"websocket", "xhr"} {
		t.Run(transport, func(t *testing.T) {
			entered, release := make(chan struct{}), make(chan struct{})
			env := newEnv(t, Options{}, hooks{onOpen: func(s *Session) error {
				close(entered)
				<-release
				return nil
			}})
			go func() {
				if transport == "websocket" {
					url := "ws" + strings.TrimPrefix(env.base, "http") + "/000/" + randomID() + "/websocket"
					if ws, _, err := dialer().Dial(url, nil); err == nil {
						defer ws.Close()
						_, _, _ = ws.ReadMessage()
					}
					return
				}
				req, _ := http.NewRequest("POST", env.base+"/000/"+randomID()+"/xhr", nil)
				if resp, err := env.client.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
			<-entered
			c := env.next()
			done := make(chan error, 1)
			go func() { done <- env.srv.Shutdown(context.Background()) }()
			select {
			case <-done:
				t.Fatal("Shutdown returned while OnOpen was still running")
			case <-time.After(100 * time.Millisecond):
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			select {
			case <-c.closed:
			default:
				t.Fatal("Shutdown returned before OnClose ran")
			}
		})
	}
}

// A close reason longer than a websocket close frame holds (123 bytes) is
// cut at a character boundary there, so the client still learns the code;
// the SockJS close frame carries it whole.
func TestLongCloseReasonStillCarriesTheCode(t *testing.T) {
	long := strings.Repeat("ж", 100) // 200 bytes
	env := newEnv(t, Options{}, hooks{
		onOpen: func(s *Session) error {
			if s.Request().Query().Get("reject") != "" {
				return &CloseError{Code: CloseForbidden, Reason: long}
			}
			return nil
		},
		onMessage: func(s *Session, _ string) { _ = s.Close(CloseForbidden, long) },
	})
	for _, c := range []struct {
		name, path string
		sockjs     bool // the endpoint speaks SockJS framing
		send       bool // the client sends a message that makes the server close
	}{
		{"raw, OnOpen rejects", "/websocket?reject=1", false, false},
		{"raw, Session.Close", "/websocket", false, true},
		{"sockjs, OnOpen rejects", "/000/" + randomID() + "/websocket?reject=1", true, false},
		{"sockjs, Session.Close", "/000/" + randomID() + "/websocket", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := env.dialRaw(c.path, nil)
			_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			if c.sockjs && c.send {
				if got := env.readWS(ws); got != "o" {
					t.Fatalf("open frame %q", got)
				}
				_ = ws.WriteMessage(websocket.TextMessage, []byte(`["bye"]`))
			} else if c.send {
				_ = ws.WriteMessage(websocket.TextMessage, []byte("bye"))
			}
			if c.sockjs {
				want := `c[4003,"` + long + `"]`
				if got := env.readWS(ws); got != want {
					t.Errorf("SockJS close frame %q, want %q", got, want)
				}
			}
			_, _, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("read: %v, want a close frame", err)
			}
			if c.sockjs {
				return // the SockJS close frame above told the code; the websocket closes after it
			}
			if ce.Code != CloseForbidden || len(ce.Text) > 123 || !utf8.ValidString(ce.Text) || !strings.HasPrefix(long, ce.Text) || len(ce.Text) < 122 {
				t.Errorf("close frame %d %q (%d bytes), want %d and the reason's first 122 bytes", ce.Code, ce.Text, len(ce.Text), CloseForbidden)
			}
		})
	}
}

// stallWriter is a ResponseWriter whose first Write blocks until release is
// closed: a receiving request whose prelude is slow to go out, so its
// session is registered while OnOpen has not run yet.
type stallWriter struct {
	h       http.Header
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (w *stallWriter) Header() http.Header { return w.h }
func (w *stallWriter) WriteHeader(int)     {}
func (w *stallWriter) Flush()              {}
func (w *stallWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.entered); <-w.release })
	return len(b), nil
}

// OnMessage never runs before OnOpen, nor for a session OnOpen refused: an
// xhr_send that arrives while the opening request is still on its way is
// answered 404, as for a session that does not exist yet.
func TestNoMessageBeforeOnOpen(t *testing.T) {
	for _, reject := range []bool{false, true} {
		t.Run(fmt.Sprintf("reject=%v", reject), func(t *testing.T) {
			var opened, early, messages atomic.Int32
			env := newEnv(t, Options{}, hooks{
				onOpen: func(*Session) error {
					opened.Add(1)
					if reject {
						return &CloseError{Code: CloseForbidden, Reason: "members only"}
					}
					return nil
				},
				onMessage: func(*Session, string) {
					messages.Add(1)
					if opened.Load() == 0 {
						early.Add(1)
					}
				},
			})
			sw := &stallWriter{h: http.Header{}, entered: make(chan struct{}), release: make(chan struct{})}
			done := make(chan struct{})
			go func() {
				defer close(done)
				env.srv.ServeHTTP(sw, httptest.NewRequest("POST", "/echo/000/sess/xhr_streaming", nil))
			}()
			<-sw.entered // registered, prelude under way, OnOpen not run
			rec := httptest.NewRecorder()
			env.srv.ServeHTTP(rec, httptest.NewRequest("POST", "/echo/000/sess/xhr_send", strings.NewReader(`["a","b"]`)))
			close(sw.release)
			if !reject {
				// Let the streaming request end: the session closes.
				_ = env.next().s.Close(CloseNormal, "")
			}
			<-done
			if rec.Code != http.StatusNotFound {
				t.Errorf("xhr_send before OnOpen: %d, want 404", rec.Code)
			}
			if early.Load() != 0 || (reject && messages.Load() != 0) {
				t.Errorf("OnMessage ran %d times (%d before OnOpen)", messages.Load(), early.Load())
			}
		})
	}
}

// countingHandler counts its sessions' OnOpen and OnClose calls.
type countingHandler struct{ opens, closes *atomic.Int32 }

func (h countingHandler) OnOpen(*Session) error { h.opens.Add(1); return nil }
func (h countingHandler) OnMessage(string)      {}
func (h countingHandler) OnClose()              { h.closes.Add(1) }

// Shutdown waits for the OnClose of sessions other goroutines are closing
// at the same moment: Shutdown's own Close finds them closed already, yet
// their OnClose has to be done when it returns. The race is narrow, so it
// runs many rounds.
func TestShutdownWaitsForConcurrentCloses(t *testing.T) {
	const rounds, sessions = 200, 50
	for r := range rounds {
		var opens, closes atomic.Int32
		srv := NewServer("/echo", func() Handler { return countingHandler{&opens, &closes} },
			&Options{Logger: benchSilentLogger()})
		for i := range sessions {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("POST", "/echo/000/s"+itoa(uint64(i))+"/xhr", nil))
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, s := range srv.Sessions() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_ = s.Close(CloseForbidden, "")
			}()
		}
		close(start)
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, want := closes.Load(), opens.Load()
		wg.Wait()
		if want != sessions || got != want {
			t.Fatalf("round %d: Shutdown returned with %d of %d OnClose calls done (%d opened)", r, got, want, sessions)
		}
	}
}

// stalledConn dials addr with a tiny receive buffer; the caller never reads
// from it, so the server's writes to it block once the buffers are full.
func stalledConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A session whose client stops reading until a write outlasts WriteTimeout
// is closed with CloseWriteTimeout; one whose client drops the connection
// (TCP reset) with CloseInterrupted, whatever the server was doing.
func TestWriteFailureCloseCodes(t *testing.T) { forEachWriteMode(t, testWriteFailureCloseCodes) }

func testWriteFailureCloseCodes(t *testing.T, direct bool) {
	reg := prometheus.NewRegistry()
	env := newEnv(t, Options{DirectWrites: direct, WriteTimeout: 300 * time.Millisecond, SendQueueBytes: 256 << 20, ResponseLimit: 1 << 30, Metrics: reg}, hooks{})
	addr := strings.TrimPrefix(env.base, "http://")
	addr = addr[:strings.Index(addr, "/")]
	big := strings.Repeat("x", 16<<10)
	// sendUntilClosed sends until the session closes (at most 128 MiB), one
	// message at a time: the next only once the last one left the queue for
	// the connection. Flooding the queue instead makes the next delivery one
	// batch of tens of MiB, and framing that (slow under -race on a loaded
	// machine) outlasted the wait below: what stalls must be the client, not
	// the framing.
	sendUntilClosed := func(s *Session) {
		deadline := time.Now().Add(time.Minute) // a last guard, not a timing
		for i := 0; i < 8192 && s.Send(big) == nil; i++ {
			for queued(s) > 0 && s.Context().Err() == nil && time.Now().Before(deadline) {
				runtime.Gosched()
			}
		}
	}
	cases := []struct {
		name string
		open func(t *testing.T) (s *Session, drop func())
		want int
	}{
		{"websocket, client stops reading", func(t *testing.T) (*Session, func()) {
			d := websocket.Dialer{NetDial: func(string, string) (net.Conn, error) { return stalledConn(t, addr), nil }}
			if _, _, err := d.Dial("ws://"+addr+"/echo/000/"+randomID()+"/websocket", nil); err != nil {
				t.Fatal(err)
			}
			return env.next().s, nil
		}, CloseWriteTimeout},
		{"xhr-streaming, client stops reading", func(t *testing.T) (*Session, func()) {
			c := stalledConn(t, addr)
			fmt.Fprintf(c, "POST /echo/000/%s/xhr_streaming HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n", randomID(), addr)
			return env.next().s, nil
		}, CloseWriteTimeout},
		{"websocket, client resets the connection", func(t *testing.T) (*Session, func()) {
			ws := env.dial(nil)
			return env.next().s, func() {
				tc := ws.UnderlyingConn().(*net.TCPConn)
				_ = tc.SetLinger(0)
				_ = tc.Close()
			}
		}, CloseInterrupted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			timeouts := metricValue(t, reg, "sockjs_write_timeout_closes_total", nil)
			s, drop := c.open(t)
			if drop != nil {
				go func() {
					time.Sleep(5 * time.Millisecond)
					drop()
				}()
			}
			sendUntilClosed(s)
			select {
			case <-s.Context().Done():
			case <-time.After(10 * time.Second):
				t.Fatal("session still open")
			}
			if code, reason := s.CloseStatus(); code != c.want {
				t.Errorf("closed with %d %q, want %d", code, reason, c.want)
			}
			counted := metricValue(t, reg, "sockjs_write_timeout_closes_total", nil) - timeouts
			if want := float64(btoi(c.want == CloseWriteTimeout)); counted != want {
				t.Errorf("sockjs_write_timeout_closes_total went up by %v, want %v", counted, want)
			}
		})
	}
}

// queued is the number of bytes s holds for delivery.
func queued(s *Session) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Session.Context is done when Close returns, on every kind of session, not
// only once the connection has ended (a websocket waits up to closeGrace for
// the client's close frame).
func TestContextDoneAtClose(t *testing.T) {
	env := newEnv(t, Options{}, hooks{})
	for _, c := range []struct {
		name string
		open func()
	}{
		{"websocket", func() { env.dial(nil) }},
		{"raw websocket", func() { env.dialRaw("/websocket", nil) }},
		{"xhr-polling", func() { env.do("POST", env.base+"/000/"+randomID()+"/xhr", "", nil) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.open() // the client reads nothing more, nor answers a close frame
			s := env.next().s
			if err := s.Close(CloseForbidden, ""); err != nil {
				t.Fatal(err)
			}
			if s.Context().Err() == nil {
				t.Fatal("context not done when Close returned")
			}
		})
	}
}
