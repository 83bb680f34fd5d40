package sockjs

import (
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// smallBufferDialer dials websockets whose receive buffer is tiny, so that
// a client that pauses fills the server's socket at once.
func smallBufferDialer() *websocket.Dialer {
	return &websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
		}}
		return d.Dial(network, addr)
	}}
}

// With DirectWrites, senders on several goroutines, a broadcast (through
// the writer goroutine) and pongs to the client's pings share one
// connection: a frame the socket took only in part is finished before
// anything else, so the client reads every message whole, each sender's in
// its order, and a pong for every ping.
func TestDirectWritesFinishAFrameBeforeAnythingElse(t *testing.T) {
	env := newEnv(t, Options{DirectWrites: true, SendQueueBytes: 64 << 20, WriteTimeout: 30 * time.Second}, hooks{})
	ws, c := dialSmallBuffer(t, env)
	var pongs atomic.Int64
	ws.SetPongHandler(func(string) error { pongs.Add(1); return nil })

	const senders, each, broadcasts = 4, 400, 100
	pad := strings.Repeat("p", 2000)
	// One sender first, alone, until a direct write leaves a frame's rest:
	// the client reads nothing, and its socket fills.
	sent := 0
	for ; !c.s.restPending(); sent++ {
		if sent == 8000 { // 16 MB: the socket's buffer grows to a few
			t.Fatalf("%d messages sent directly and none left unfinished: the socket never filled", sent)
		}
		if err := c.s.Send(fmt.Sprintf("0:%d:%s", sent, pad)); err != nil {
			t.Fatal(err)
		}
	}
	// Then everyone at once, and pings, whose pongs must wait for the rest.
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			i, end := 0, each
			if g == 0 {
				i, end = sent, sent+each
			}
			for ; i < end; i++ {
				if err := c.s.Send(fmt.Sprintf("%d:%d:%s", g, i, pad)); err != nil {
					t.Errorf("sender %d message %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range broadcasts {
			Broadcast([]*Session{c.s}, fmt.Sprintf("b:%d:%s", i, pad))
		}
	})
	const pings = 5
	for range pings {
		if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	next := make([]int, senders+1) // the last is the broadcast's
	total := sent + senders*each + broadcasts
	for got := 0; got < total; {
		for _, m := range env.readMessages(ws) {
			var who string
			var i int
			if _, err := fmt.Sscanf(strings.TrimSuffix(m, ":"+pad), "%1s:%d", &who, &i); err != nil || !strings.HasSuffix(m, pad) {
				t.Fatalf("message %.40q... is not whole", m)
			}
			g := senders
			if who != "b" {
				g = int(who[0] - '0')
			}
			if i != next[g] {
				t.Fatalf("sender %s: message %d, want %d", who, i, next[g])
			}
			next[g]++
			got++
		}
	}
	wg.Wait()
	// The pongs were read with the frames (gorilla answers them while
	// reading); one more message makes sure the last ones are in.
	_ = c.s.Send("last")
	if f := env.readWS(ws); f != `a["last"]` {
		t.Fatalf("frame %.40q, want the last message", f)
	}
	if n := pongs.Load(); n != pings {
		t.Errorf("%d pongs, want %d", n, pings)
	}
	if code, _ := c.s.CloseStatus(); code != 0 {
		t.Errorf("session closed with %d", code)
	}
}

// A control frame written from the reader (a pong) while a direct write's
// frame is unfinished waits for the wire and writes that frame's rest
// first: it never lands inside the frame.
func TestAPongWaitsForTheRestOfAFrame(t *testing.T) {
	env := newEnv(t, Options{DirectWrites: true}, hooks{})
	ws := env.dial(nil)
	c := env.next()
	var pongs atomic.Int64
	ws.SetPongHandler(func(string) error { pongs.Add(1); return nil })

	// As a direct write whose socket took only half its frame leaves it.
	frames := appendDirectFrames(nil, outbox{batch: []*Message{NewMessage("whole")}}, false)
	half := len(frames) / 2
	conn := openedConn(t, c.s)
	c.s.wire.Lock()
	if _, err := conn.Write(frames[:half]); err != nil {
		t.Fatal(err)
	}
	c.s.mu.Lock()
	c.s.rest = frames[half:]
	c.s.mu.Unlock()

	if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	waitWriteControl(t, true, "the reader never came to write its pong")
	c.s.mu.Lock()
	c.s.releaseWireLocked()
	c.s.mu.Unlock()
	// The writer goroutine, told of the rest, may finish the frame, and a
	// direct write may then take the wire before the pong's writer wakes:
	// the pong is on the wire before "after" is sent only once it is gone.
	waitWriteControl(t, false, "the pong was never written")

	if f := env.readWS(ws); f != `a["whole"]` {
		t.Fatalf("frame %q, want the whole message", f)
	}
	_ = c.s.Send("after")
	if f := env.readWS(ws); f != `a["after"]` {
		t.Fatalf("frame %q, want the next message", f)
	}
	if n := pongs.Load(); n != 1 {
		t.Errorf("%d pongs, want 1", n)
	}
}

// forEachWriteMode runs test with the writer goroutine alone and with
// direct writes (Options.DirectWrites).
func forEachWriteMode(t *testing.T, test func(t *testing.T, direct bool)) {
	for _, direct := range []bool{false, true} {
		t.Run(fmt.Sprintf("direct=%v", direct), func(t *testing.T) { test(t, direct) })
	}
}

// On the raw websocket endpoint a direct write sends each message as a
// text frame of its own, unquoted, as the writer does.
func TestDirectWritesOnTheRawEndpoint(t *testing.T) {
	env := newEnv(t, Options{DirectWrites: true}, hooks{})
	ws := env.dialRaw("/websocket", nil)
	c := env.next()
	want := []string{"one", `"two"`, strings.Repeat("3", 70000)} // the last needs a 64-bit length
	for _, m := range want {
		if err := c.s.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range want {
		if got := env.readWS(ws); got != m {
			t.Fatalf("frame %.20q (%d bytes), want %.20q (%d bytes)", got, len(got), m, len(m))
		}
	}
}

// A blocking write (the open frame, the writer's, a pong) leaves its
// deadline on the connection; a direct write after that deadline passed
// still goes out (the runtime refuses any write past a deadline).
func TestADirectWriteOutlivesTheDeadlinesOfOtherWrites(t *testing.T) {
	const timeout = 20 * time.Millisecond
	env := newEnv(t, Options{DirectWrites: true, WriteTimeout: timeout}, hooks{})
	ws := env.dial(nil)
	c := env.next()
	waitPast := func(deadline time.Time) {
		time.Sleep(time.Until(deadline)) // the condition is the clock itself
	}
	waitPast(time.Now().Add(2 * timeout)) // past the open frame's deadline
	if err := c.s.Send("after the open frame"); err != nil {
		t.Fatal(err)
	}
	if f := env.readWS(ws); f != `a["after the open frame"]` {
		t.Fatalf("frame %q", f)
	}
	Broadcast([]*Session{c.s}, "through the writer")
	if f := env.readWS(ws); f != `a["through the writer"]` {
		t.Fatalf("frame %q", f)
	}
	if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	waitPast(time.Now().Add(2 * timeout)) // past the writer's and the pong's
	if err := c.s.Send("after the writer"); err != nil {
		t.Fatal(err)
	}
	if f := env.readWS(ws); f != `a["after the writer"]` {
		t.Fatalf("frame %q", f)
	}
	if code, reason := c.s.CloseStatus(); code != 0 {
		t.Errorf("session closed with %d %q", code, reason)
	}
}

// dialSmallBuffer opens a SockJS websocket session with a tiny receive
// buffer (smallBufferDialer); see dialOpened.
func dialSmallBuffer(t *testing.T, env *testEnv) (*websocket.Conn, *conn) {
	t.Helper()
	return dialOpened(t, env, smallBufferDialer())
}

// dialOpened opens a SockJS websocket session with d, reads its open frame
// and waits until the session's writes go to the connection: sends before
// that are queued for the writer goroutine, which would then hold the wire
// in a blocking write while the socket fills, and no direct write would
// happen at all.
func dialOpened(t *testing.T, env *testEnv, d *websocket.Dialer) (*websocket.Conn, *conn) {
	t.Helper()
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(env.base, "http")+"/000/"+randomID()+"/websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if f := env.readWS(ws); f != "o" {
		t.Fatalf("first frame %q, want o", f)
	}
	c := env.next()
	openedConn(t, c.s)
	return ws, c
}

// openedConn waits until s's writes go to its connection (set after the
// open frame, which the client may have read before) and returns it.
func openedConn(t *testing.T, s *Session) net.Conn {
	t.Helper()
	for i := 0; ; i++ {
		s.mu.Lock()
		ws := s.ws
		s.mu.Unlock()
		if ws != nil {
			return ws.NetConn()
		}
		if i == 10000 {
			t.Fatal("the session's connection was never set")
		}
		time.Sleep(time.Millisecond)
	}
}

// A pong whose deadline passes while it writes the rest of a direct
// write's frame (the client reads nothing for a while) leaves what it did
// not write for the next writer: the frame is finished before the next
// one, and the session, whose WriteTimeout has not run out, lives on.
func TestAPongGivenUpMidRestLeavesTheRestForTheWriter(t *testing.T) {
	env := newEnv(t, Options{DirectWrites: true, WriteTimeout: time.Minute}, hooks{})
	ws, c := dialSmallBuffer(t, env)

	// As a direct write whose socket took nothing leaves a frame more than
	// the sockets' buffers hold.
	big := strings.Repeat("r", 16<<20)
	c.s.wire.Lock()
	c.s.mu.Lock()
	c.s.rest = appendDirectFrames(nil, outbox{batch: []*Message{NewMessage(big)}}, false)
	c.s.mu.Unlock()
	if err := ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	waitWriteControl(t, true, "the reader never came to write its pong")
	c.s.wire.Unlock()                                             // to the pong's writer alone: the writer goroutine is not told
	waitWriteControl(t, false, "the pong's writer never gave up") // its one second passes

	if err := c.s.Send("after"); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil || string(b) != `a["`+big+`"]` {
		t.Fatalf("frame of %d bytes (%v), want the whole %d-byte message", len(b), err, len(big))
	}
	if f := env.readWS(ws); f != `a["after"]` {
		t.Fatalf("frame %.40q, want the next message", f)
	}
	if code, reason := c.s.CloseStatus(); code != 0 {
		t.Errorf("session closed with %d %q", code, reason)
	}
}

// A SockJS frame's websocket header is written once its messages are
// quoted into it: at every length where the header changes size (7, 16
// and 64-bit lengths), and when rare escapes make the quoted message
// longer than its queue size, every delivery (the first quotes the
// payload into the frame, the second appends the copy it keeps) arrives
// whole, in both write modes.
func TestEveryFrameLengthArrivesWhole(t *testing.T) {
	forEachWriteMode(t, func(t *testing.T, direct bool) {
		env := newEnv(t, Options{DirectWrites: direct}, hooks{})
		ws := env.dial(nil)
		c := env.next()
		for _, frame := range []int{125, 126, 127, 65535, 65536, 65537} {
			// A plain payload of n bytes is framed in n+5: a[" "].
			plain := strings.Repeat("x", frame-5)
			// Each \x01 is quoted as \u0001, 6 bytes: 5 more than quotedSize counts.
			escaped := strings.Repeat("\x01", 3) + strings.Repeat("y", frame-5-3*6)
			for _, payload := range []string{plain, escaped} {
				m := NewMessage(payload)
				want := "a[" + string(appendQuoted(nil, payload)) + "]"
				if len(want) != frame {
					t.Fatalf("test payload framed in %d bytes, want %d", len(want), frame)
				}
				for delivery := 1; delivery <= 2; delivery++ {
					if err := c.s.SendMessage(m); err != nil {
						t.Fatal(err)
					}
					if got := env.readWS(ws); got != want {
						t.Fatalf("frame of %d bytes, delivery %d: got %d bytes %.30q…, want %.30q…",
							frame, delivery, len(got), got, want)
					}
				}
			}
		}
	})
}

// waitWriteControl waits until some goroutine is in Session.writeControl
// (in) or none is (!in), and fails with what after ten seconds. It reads
// every goroutine's stack, into a buffer grown until the dump fits (a cut
// dump could miss the goroutine).
func waitWriteControl(t *testing.T, in bool, what string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); ; {
		n := runtime.Stack(buf, true)
		if n == len(buf) {
			buf = make([]byte, 2*len(buf))
			continue
		}
		if strings.Contains(string(buf[:n]), "(*Session).writeControl") == in {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(time.Millisecond)
	}
}
