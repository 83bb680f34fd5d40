package sockjs

import (
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// deadPeerOptions ping often and give up soon, so the tests end quickly;
// nothing in them waits on time, only on the session's state.
var deadPeerOptions = Options{HeartbeatDelay: 50 * time.Millisecond, PeerTimeout: 300 * time.Millisecond}

// readUntilError reads ws (so that its ping handler runs) until a read
// fails, and returns that error.
func readUntilError(ws *websocket.Conn) <-chan error {
	done, _ := readFrames(ws)
	return done
}

// readFrames is readUntilError that also keeps the text frames read, which
// are safe to look at once the error has come.
func readFrames(ws *websocket.Conn) (<-chan error, *[]string) {
	done := make(chan error, 1)
	var frames []string
	go func() {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				done <- err
				return
			}
			frames = append(frames, string(b))
		}
	}()
	return done, &frames
}

// TestPeerTimeoutClosesSilentClients checks the rule of Options.PeerTimeout
// on both websocket endpoints: a client that stops answering pings is closed
// with ClosePeerTimeout (its OnClose sees that code, the client gets the
// close frame), while one that answers stays open all the while.
func TestPeerTimeoutClosesSilentClients(t *testing.T) {
	for _, path := range []string{"sockjs", "raw"} {
		t.Run(path, func(t *testing.T) {
			env := newEnv(t, deadPeerOptions, hooks{})
			dial := func() (*websocket.Conn, *conn) {
				if path == "raw" {
					ws := env.dialRaw("/websocket", nil)
					return ws, env.next()
				}
				return env.dial(nil), env.next()
			}
			live, liveConn := dial()
			var pings atomic.Int32
			live.SetPingHandler(func(data string) error {
				pings.Add(1)
				return live.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
			})
			liveDone := readUntilError(live)

			silent, silentConn := dial()
			silent.SetPingHandler(func(string) error { return nil }) // never answers
			silentDone, silentFrames := readFrames(silent)

			silentConn.waitClosed(t)
			if code, reason := silentConn.s.CloseStatus(); code != ClosePeerTimeout || reason != CloseReason(ClosePeerTimeout) {
				t.Errorf("silent client: CloseStatus in OnClose = %d %q, want %d", code, reason, ClosePeerTimeout)
			}
			// The code reaches a client still there: in the SockJS close
			// frame, or in the WebSocket close frame (the raw endpoint's
			// only one; on SockJS, a race with the SockJS frame's delivery).
			err := <-silentDone
			sockjsFrame := slices.Contains(*silentFrames, `c[4102,"Peer timeout"]`)
			if !websocket.IsCloseError(err, ClosePeerTimeout) && (path == "raw" || !sockjsFrame) {
				t.Errorf("silent client read %q then %v, want a close frame with code %d", *silentFrames, err, ClosePeerTimeout)
			}
			// The answering client, opened first, outlived the silent one.
			if code, _ := liveConn.s.CloseStatus(); code != 0 {
				t.Errorf("answering client closed with %d", code)
			}
			if pings.Load() == 0 {
				t.Error("the answering client was never pinged")
			}
			_ = live.Close()
			<-liveDone
			liveConn.waitClosed(t)
		})
	}
}

// TestPeerTimeoutNoticesDroppedPackets puts a TCP proxy between client and
// server that, once told, stops forwarding in both directions (what a
// vanished network looks like: no FIN, no RST). The session is closed with
// ClosePeerTimeout and OnClose runs.
func TestPeerTimeoutNoticesDroppedPackets(t *testing.T) {
	env := newEnv(t, deadPeerOptions, hooks{})
	p := newBlackholeProxy(t, strings.TrimPrefix(env.ts.URL, "http://"))
	url := "ws://" + p.addr() + "/echo/000/" + randomID() + "/websocket"
	ws, _, err := dialer().Dial(url, nil)
	if err != nil {
		t.Fatalf("dial through the proxy: %v", err)
	}
	defer ws.Close()
	if got := env.readWS(ws); got != "o" {
		t.Fatalf("open frame %q", got)
	}
	c := env.next()
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`["before"]`))
	got := env.readWS(ws)
	for got == "h" { // heartbeats come every 50 ms
		got = env.readWS(ws)
	}
	if got != `a["before"]` {
		t.Fatalf("echo through the proxy: %q", got)
	}
	p.blackhole()
	c.waitClosed(t)
	if code, _ := c.s.CloseStatus(); code != ClosePeerTimeout {
		t.Errorf("CloseStatus in OnClose = %d, want %d", code, ClosePeerTimeout)
	}
}

// blackholeProxy forwards TCP between its clients and target until
// blackhole is called; from then on it reads and discards everything in
// both directions, holding the connections open.
type blackholeProxy struct {
	ln      net.Listener
	target  string
	dropped atomic.Bool
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
}

func newBlackholeProxy(t *testing.T, target string) *blackholeProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &blackholeProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *blackholeProxy) addr() string { return p.ln.Addr().String() }

func (p *blackholeProxy) blackhole() { p.dropped.Store(true) }

func (p *blackholeProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(out, in)
		go p.pipe(in, out)
	}
}

// pipe copies from src to dst, or discards once the proxy drops packets.
func (p *blackholeProxy) pipe(dst io.Writer, src io.Reader) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.dropped.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *blackholeProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// TestAHeartbeatDueWhileMessagesWaitStillPings checks that a heartbeat that
// falls due while messages are queued still sends its websocket ping after
// them: a client that only listens to a busy session (a spectator) must be
// asked for pongs, or Options.PeerTimeout would close it while it is there.
func TestAHeartbeatDueWhileMessagesWaitStillPings(t *testing.T) {
	forEachWriteMode(t, testAHeartbeatDueWhileMessagesWaitStillPings)
}

func testAHeartbeatDueWhileMessagesWaitStillPings(t *testing.T, direct bool) {
	for _, path := range []string{"sockjs", "raw"} {
		t.Run(path, func(t *testing.T) {
			// No heartbeat of the ticker's during the test: the one due is set below.
			env := newEnv(t, Options{DirectWrites: direct, HeartbeatDelay: time.Hour, PeerTimeout: time.Hour}, hooks{})
			var ws *websocket.Conn
			if path == "raw" {
				ws = env.dialRaw("/websocket", nil)
			} else {
				ws = env.dial(nil)
			}
			c := env.next()
			var pings atomic.Int32
			ws.SetPingHandler(func(string) error { pings.Add(1); return nil })

			// A heartbeat falls due (the ticker's queueHeartbeat, without its
			// wake-up), then a message is queued before the writer runs.
			c.s.mu.Lock()
			c.s.heartbeat = true
			c.s.mu.Unlock()
			if err := c.s.Send("busy"); err != nil {
				t.Fatal(err)
			}
			if got := env.readWS(ws); !strings.Contains(got, "busy") {
				t.Fatalf("first frame %q, want the message", got)
			}
			// The ping follows the message; the next message shows it was read.
			if err := c.s.Send("after"); err != nil {
				t.Fatal(err)
			}
			if got := env.readWS(ws); !strings.Contains(got, "after") {
				t.Fatalf("second frame %q, want the second message", got)
			}
			if n := pings.Load(); n != 1 {
				t.Errorf("pings = %d, want the due heartbeat's one", n)
			}
		})
	}
}
