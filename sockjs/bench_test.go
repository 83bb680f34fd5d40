package sockjs

// Benchmarks of the sockjs server over loopback, and the cheap hand-written
// websocket clients they use. Baselines (a bare gorilla/websocket hub and
// igm/sockjs-go) are in baseline_test.go, memory per idle session in
// memory_test.go. Typical runs (2 shared cores):
//
//	go test ./sockjs -run '^$' -bench 'BenchmarkBroadcast$' -benchtime 2s -count 3
//	go test ./sockjs -run '^$' -bench 'BenchmarkSend$' -benchtime 1s -count 3
//	go test ./sockjs -run '^$' -bench 'BenchmarkIdleSessionMemory' -benchtime 1x -count 3

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	// benchPayloadSize is the size of every benchmark message.
	benchPayloadSize = 100
	// benchWindow is how many broadcasts may be in flight: broadcast i is
	// sent once every client has received broadcast i-benchWindow. (It is
	// also the largest window the client process can track.)
	benchWindow = 16
	// benchSendWindow is how many Session.Send messages may be unread by the
	// client in BenchmarkSend (well under the default 1 MiB queue bound).
	benchSendWindow = 1024
	// benchIdleGap is longer than the server's writer goroutines stay idle
	// (writerIdle, 5 s).
	benchIdleGap = 6 * time.Second
	// benchWait bounds every wait of a benchmark for the network.
	benchWait = 30 * time.Second
)

// benchPayload returns the benchmark message: benchPayloadSize bytes that
// need no JSON escaping, so its count in any framing is easy to check.
func benchPayload() string { return strings.Repeat("x", benchPayloadSize) }

// benchNeedFiles makes sure the process may open need file descriptors,
// raising RLIMIT_NOFILE (root may raise the hard limit too), or skips b.
func benchNeedFiles(b *testing.B, need uint64) {
	b.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skipf("getrlimit: %v", err)
	}
	if lim.Cur >= need {
		return
	}
	want := lim
	want.Cur = max(need, 65536)
	if want.Max < want.Cur {
		want.Max = want.Cur
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		b.Skipf("need %d open files, limit is %d and raising it failed: %v", need, lim.Cur, err)
	}
}

// benchSilentLogger discards the server's logs.
func benchSilentLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// benchHandshake writes a websocket upgrade request for path on conn.
func benchHandshake(conn net.Conn, host, path string) error {
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	_, err := io.WriteString(conn, req)
	return err
}

// benchConn is a minimal websocket client on a raw TCP connection: it reads
// unmasked server frames and never writes after the handshake.
type benchConn struct {
	conn net.Conn
	r    *bufio.Reader
	msg  []byte // the message being read; reused
	ctl  [125]byte
}

// benchDial opens a websocket on addr at path. With sockjs it also reads the
// SockJS open frame "o".
func benchDial(addr, path string, sockjs bool) (*benchConn, error) {
	conn, err := net.DialTimeout("tcp", addr, benchWait)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	c := &benchConn{conn: conn, r: bufio.NewReaderSize(conn, 2048)}
	_ = conn.SetDeadline(time.Now().Add(benchWait))
	if err := c.handshake(addr, path, sockjs); err != nil {
		c.close()
		return nil, fmt.Errorf("websocket %s: %w", path, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return c, nil
}

func (c *benchConn) handshake(addr, path string, sockjs bool) error {
	if err := benchHandshake(c.conn, addr, path); err != nil {
		return err
	}
	status, err := c.r.ReadSlice('\n')
	if err != nil {
		return fmt.Errorf("read status: %w", err)
	}
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 101 ")) {
		return fmt.Errorf("status %q, want 101", bytes.TrimSpace(status))
	}
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("read headers: %w", err)
		}
		if len(line) <= 2 {
			break
		}
	}
	if !sockjs {
		return nil
	}
	_, msg, err := c.readMessage()
	if err != nil {
		return fmt.Errorf("read open frame: %w", err)
	}
	if string(msg) != "o" {
		return fmt.Errorf("first frame %q, want o", msg)
	}
	return nil
}

// errBenchClosed reports a websocket close frame.
var errBenchClosed = errors.New("websocket closed by server")

// readMessage reads one data message (joining continuation frames),
// skipping ping and pong frames. The message is valid until the next call.
func (c *benchConn) readMessage() (opcode byte, msg []byte, err error) {
	c.msg = c.msg[:0]
	first := true
	for {
		b0, err := c.r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		b1, err := c.r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		if b1&0x80 != 0 {
			return 0, nil, errors.New("server frame is masked")
		}
		n := uint64(b1 & 0x7f)
		switch n {
		case 126:
			var ext [2]byte
			if _, err := io.ReadFull(c.r, ext[:]); err != nil {
				return 0, nil, err
			}
			n = uint64(binary.BigEndian.Uint16(ext[:]))
		case 127:
			var ext [8]byte
			if _, err := io.ReadFull(c.r, ext[:]); err != nil {
				return 0, nil, err
			}
			n = binary.BigEndian.Uint64(ext[:])
		}
		op := b0 & 0x0f
		if op >= 8 { // control frame: at most 125 bytes, may come between fragments
			if n > 125 {
				return 0, nil, errors.New("control frame too long")
			}
			if _, err := io.ReadFull(c.r, c.ctl[:n]); err != nil {
				return 0, nil, err
			}
			if op == 8 {
				return 0, nil, errBenchClosed
			}
			if op == 9 {
				// Answer the server's ping (its Options.PeerTimeout), with a
				// zero mask key as a client frame must be masked.
				pong := append([]byte{0x8a, 0x80 | byte(n), 0, 0, 0, 0}, c.ctl[:n]...)
				if _, err := c.conn.Write(pong); err != nil {
					return 0, nil, err
				}
			}
			continue
		}
		if n > 64<<20 {
			return 0, nil, fmt.Errorf("frame of %d bytes", n)
		}
		if first {
			opcode, first = op, false
		}
		start := len(c.msg)
		c.msg = append(c.msg, make([]byte, n)...)[:start+int(n)]
		if _, err := io.ReadFull(c.r, c.msg[start:]); err != nil {
			return 0, nil, err
		}
		if b0&0x80 != 0 {
			return opcode, c.msg, nil
		}
	}
}

// close drops the connection with a reset, so that neither side is left in
// TIME_WAIT and repeated runs do not run out of loopback ports.
func (c *benchConn) close() {
	if tc, ok := c.conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.conn.Close()
}

// benchCountMessages returns how many messages a frame carries: the string
// elements of a SockJS array frame a[...]; 0 for o, h and c frames.
func benchCountMessages(frame []byte) int {
	if len(frame) == 0 || frame[0] != 'a' {
		return 0
	}
	n, in := 0, false
	for i := 1; i < len(frame); i++ {
		switch c := frame[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			if !in {
				n++
			}
			in = !in
		}
	}
	return n
}

func TestBenchCountMessages(t *testing.T) {
	tests := []struct {
		frame string
		want  int
	}{
		{"o", 0},
		{"h", 0},
		{`c[3000,"Go away!"]`, 0},
		{`a[]`, 0},
		{`a["x"]`, 1},
		{`a["x","y","z"]`, 3},
		{`a["a\"b","c,d","\\"]`, 3},
		{`a["[\"x\",\"y\"]"]`, 1},
	}
	for _, tt := range tests {
		if got := benchCountMessages([]byte(tt.frame)); got != tt.want {
			t.Errorf("benchCountMessages(%s) = %d, want %d", tt.frame, got, tt.want)
		}
	}
}

// benchDelivery tracks which broadcasts every client has received. Broadcast
// j is complete when all n clients counted it; completions are signalled in
// order (each client counts in order), on done.
type benchDelivery struct {
	n    int64
	ring []atomic.Int64 // clients that received broadcast j, at j % len(ring)
	done chan int
	stop chan struct{}
}

func newBenchDelivery(clients, window int) *benchDelivery {
	return &benchDelivery{
		n:    int64(clients),
		ring: make([]atomic.Int64, window+1),
		done: make(chan int, 2*(window+1)),
		stop: make(chan struct{}),
	}
}

// received records that one client received broadcasts from..from+count-1.
func (d *benchDelivery) received(from, count int) {
	for j := from; j < from+count; j++ {
		if slot := &d.ring[j%len(d.ring)]; slot.Add(1) == d.n {
			// Every client has counted j; the slot is next used by
			// j+len(ring), which is sent only after j completed.
			slot.Store(0)
			select {
			case d.done <- j:
			case <-d.stop:
				return
			}
		}
	}
}

// countBroadcasts reads c until the connection ends, recording each message
// in d. With sockjs the messages are the elements of SockJS array frames,
// else one per websocket message.
func (c *benchConn) countBroadcasts(d *benchDelivery, sockjs bool) {
	got := 0
	for {
		_, msg, err := c.readMessage()
		if err != nil {
			return
		}
		n := 1
		if sockjs {
			if len(msg) > 0 && msg[0] == 'c' {
				return
			}
			n = benchCountMessages(msg)
		}
		if n > 0 {
			d.received(got, n)
			got += n
		}
	}
}

// benchTarget is one server under the broadcast benchmark.
type benchTarget struct {
	handler   http.Handler
	sockjs    bool                 // SockJS framing: o first, then a[...] frames
	path      string               // websocket URL path; "{i}" becomes the client's number
	count     func() int           // sessions open on the server
	broadcast func(payload string) // one message to every open session
	shutdown  func() error         // ends every session and server goroutine
	reg       *benchRegistry       // the package's own server's sessions (nil for the others)
}

// benchSockJSTarget is the package's own server.
func benchSockJSTarget() *benchTarget { return benchSockJSTargetWith(Options{}) }

// benchSockJSTargetWith is benchSockJSTarget with opts (its Logger set).
func benchSockJSTargetWith(opts Options) *benchTarget {
	reg := &benchRegistry{}
	opts.Logger = benchSilentLogger()
	srv := NewServer("/bench", func() Handler { return &benchHandler{reg: reg} }, &opts)
	var sessions []*Session
	return &benchTarget{
		reg:     reg,
		handler: srv,
		sockjs:  true,
		path:    "/bench/000/{i}/websocket",
		count:   reg.len,
		broadcast: func(payload string) {
			if sessions == nil {
				sessions = reg.snapshot()
			}
			Broadcast(sessions, payload)
		},
		shutdown: func() error {
			ctx, cancel := context.WithTimeout(context.Background(), benchWait)
			defer cancel()
			return srv.Shutdown(ctx)
		},
	}
}

// benchRegistry holds the sessions of a benchmark server.
type benchRegistry struct {
	mu       sync.Mutex
	sessions []*Session
	opened   chan *Session // if not nil, gets every session as it opens
}

func (r *benchRegistry) add(s *Session) {
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	if r.opened != nil {
		r.opened <- s
	}
}

func (r *benchRegistry) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

func (r *benchRegistry) snapshot() []*Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Session(nil), r.sessions...)
}

// benchHandler registers its session and ignores what the client sends.
type benchHandler struct {
	reg *benchRegistry
}

func (h *benchHandler) OnOpen(s *Session) error { h.reg.add(s); return nil }
func (h *benchHandler) OnMessage(string)        {}
func (h *benchHandler) OnClose()                {}

// benchDialMany opens n clients, several at a time. path is a template in
// which "{i}" becomes the client's number. With idle, the clients keep no
// read buffer.
func benchDialMany(addr, path string, n int, sockjs, idle bool) ([]*benchConn, error) {
	clients := make([]*benchConn, n)
	var (
		next     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := benchDial(addr, strings.ReplaceAll(path, "{i}", strconv.Itoa(i)), sockjs)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					next.Store(int64(n))
					return
				}
				if idle {
					c.r = nil
				}
				clients[i] = c
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		for _, c := range clients {
			if c != nil {
				c.close()
			}
		}
		return nil, firstErr
	}
	return clients, nil
}

// benchWaitFor polls cond until it holds or benchWait passes.
func benchWaitFor(cond func() bool) bool {
	deadline := time.Now().Add(benchWait)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// benchWaitGoroutines waits (bounded) until the goroutine count is back to
// base, so that one benchmark's leftovers do not load the next one.
func benchWaitGoroutines(b *testing.B, base int) {
	b.Helper()
	if !benchWaitFor(func() bool { return runtime.NumGoroutine() <= base }) {
		b.Errorf("%d goroutines still running after cleanup, want <= %d", runtime.NumGoroutine(), base)
	}
}

// BenchmarkBroadcast broadcasts one 100-byte message to every websocket
// session over loopback per op, on this package's server and on two
// baselines built from the same clients (see baseline_test.go). It reports
// messages delivered per second, counted by the clients, and the
// allocations made during the broadcast calls per recipient (process-wide,
// so they include what the server's writer goroutines and the clients
// allocate meanwhile).
func BenchmarkBroadcast(b *testing.B) {
	for _, tgt := range benchBroadcastTargets {
		b.Run(tgt.name, func(b *testing.B) {
			for _, n := range benchBroadcastSizes {
				b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
					benchBroadcast(b, tgt.make(), n, benchWindow)
				})
			}
		})
	}
}

// benchBroadcastSizes are the session counts the broadcast benchmarks run
// at: 1k and 10k as the library's figures, 2k to compare with the reference
// figures measured for a bare hub, igm/sockjs-go and sockjs-node.
var benchBroadcastSizes = []int{1000, 2000, 10000}

// benchBroadcastTargets are the servers the broadcast benchmarks compare.
var benchBroadcastTargets = []struct {
	name string
	make func() *benchTarget
}{
	{"sockjs", benchSockJSTarget},
	{"bare-gorilla-prepared", benchBareHubTarget},
	{"igm-send-loop", benchIGMTarget},
}

// BenchmarkUnicastLockstep is BenchmarkBroadcastLockstep with a message
// of its own for every session (as a seated player's table event), so no
// frame is shared: the per-message cost of a message written once, through
// the sessions' writer goroutines and with Options.DirectWrites.
func BenchmarkUnicastLockstep(b *testing.B) {
	for _, direct := range []bool{false, true} {
		b.Run(fmt.Sprintf("sockjs/direct=%v/sessions=2000", direct), func(b *testing.B) {
			t := benchSockJSTargetWith(Options{DirectWrites: direct})
			var sessions []*Session
			reg := t.reg
			t.broadcast = func(payload string) {
				if sessions == nil {
					sessions = reg.snapshot()
				}
				for _, s := range sessions {
					_ = s.SendMessage(NewMessage(payload))
				}
			}
			benchBroadcast(b, t, 2000, 1)
		})
	}
}

// BenchmarkBroadcastLockstep is BenchmarkBroadcast with one broadcast in
// flight: each is sent once the previous one reached every client, so no
// server can coalesce queued messages and the figure is the per-message cost
// plus a round trip.
func BenchmarkBroadcastLockstep(b *testing.B) {
	for _, tgt := range benchBroadcastTargets {
		b.Run(tgt.name+"/sessions=2000", func(b *testing.B) {
			benchBroadcast(b, tgt.make(), 2000, 1)
		})
	}
}

// benchServe serves t on a loopback server and connects n clients in mode,
// waiting until the server holds every session. beforeClients, if not nil,
// runs once the server is up and before the clients connect. The returned
// function closes everything and waits until the goroutines are back to what
// they were.
func benchServe(b *testing.B, t *benchTarget, n int, mode string, beforeClients func()) (*benchClients, func()) {
	benchNeedFiles(b, uint64(n+256))
	base := runtime.NumGoroutine()
	ts := httptest.NewServer(t.handler)
	if beforeClients != nil {
		beforeClients()
	}
	clients, err := startBenchClients(ts.Listener.Addr().String(), t.path, n, t.sockjs, mode)
	teardown := func() {
		if clients != nil {
			if err := clients.close(); err != nil {
				b.Error(err)
			}
		}
		if err := t.shutdown(); err != nil {
			b.Errorf("shutdown: %v", err)
		}
		ts.Close()
		benchWaitGoroutines(b, base)
	}
	if err != nil {
		teardown()
		b.Fatal(err)
	}
	if !benchWaitFor(func() bool { return t.count() == n }) {
		teardown()
		b.Fatalf("%d of %d sessions open on the server", t.count(), n)
	}
	return clients, teardown
}

// benchBroadcast runs b.N broadcasts to n sessions, at most window in flight.
func benchBroadcast(b *testing.B, t *benchTarget, n, window int) {
	clients, teardown := benchServe(b, t, n, benchModeCount, nil)
	defer teardown()
	payload := benchPayload()
	var ms runtime.MemStats
	// broadcast sends broadcast number sent, once broadcast sent-window has
	// reached every client, and returns the allocations made meanwhile.
	broadcast := func(sent int) uint64 {
		if sent >= window {
			if err := clients.await(sent - window); err != nil {
				b.Fatal(err)
			}
		}
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		t.broadcast(payload)
		runtime.ReadMemStats(&ms)
		return ms.Mallocs - before
	}
	// Warm up: the first broadcast finds every session new (on this
	// package's server: no writer goroutine, queue or timer yet); its
	// allocations are reported apart, and the timed loop starts in the
	// steady state.
	cold := broadcast(0)
	warm := benchWindow + 1
	for i := 1; i < warm; i++ {
		broadcast(i)
	}
	if err := clients.await(warm - 1); err != nil {
		b.Fatal(err)
	}
	var (
		mallocs  uint64
		start    time.Time
		startCPU time.Duration
		sent     = warm
	)
	b.ReportAllocs()
	for b.Loop() {
		if sent == warm {
			start, startCPU = time.Now(), benchProcessCPU()
		}
		mallocs += broadcast(sent)
		sent++
	}
	if err := clients.await(sent - 1); err != nil {
		b.Fatal(err)
	}
	elapsed, cpu := time.Since(start), benchProcessCPU()-startCPU
	// One more broadcast after the sessions sat idle for longer than the
	// server keeps an idle writer goroutine (5 s): the usual case of a chat
	// room where messages are seconds apart.
	time.Sleep(benchIdleGap)
	idle := broadcast(sent)
	if err := clients.await(sent); err != nil {
		b.Fatal(err)
	}
	delivered := float64(sent-warm) * float64(n)
	b.ReportMetric(delivered/elapsed.Seconds(), "msgs/s")
	// The server's CPU (the clients run in another process) per message
	// delivered: steadier than msgs/s when other work shares the machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/delivered, "server-cpu-ns/msg")
	b.ReportMetric(float64(mallocs)/delivered, "allocs/recipient")
	b.ReportMetric(float64(cold)/float64(n), "first-allocs/recipient")
	b.ReportMetric(float64(idle)/float64(n), "after-idle-allocs/recipient")
}

// BenchmarkBroadcastQueue measures Broadcast alone: the sessions are open
// websocket sessions whose OnOpen has not returned yet, so Broadcast only
// queues and no writer goroutine runs concurrently to blur the allocation
// count. allocs/recipient is (allocations in Broadcast) / recipients,
// including the one-off encoding of the message and the amortised growth of
// each session's queue (which no writer drains here).
func BenchmarkBroadcastQueue(b *testing.B) {
	for _, n := range benchBroadcastSizes {
		b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
			benchBroadcastQueue(b, n)
		})
	}
}

// benchHeldHandler registers its session and holds OnOpen until release is
// closed.
type benchHeldHandler struct {
	reg     *benchRegistry
	release chan struct{}
}

func (h *benchHeldHandler) OnOpen(s *Session) error {
	h.reg.add(s)
	<-h.release
	return nil
}
func (h *benchHeldHandler) OnMessage(string) {}
func (h *benchHeldHandler) OnClose()         {}

func benchBroadcastQueue(b *testing.B, n int) {
	benchNeedFiles(b, uint64(n+256))
	base := runtime.NumGoroutine()
	reg := &benchRegistry{}
	release := make(chan struct{})
	srv := NewServer("/bench", func() Handler { return &benchHeldHandler{reg: reg, release: release} },
		&Options{Logger: benchSilentLogger(), SendQueueBytes: 1 << 30})
	ts := httptest.NewServer(srv)
	// The handshake completes before OnOpen; "o" comes only after it.
	clients, err := startBenchClients(ts.Listener.Addr().String(), "/bench/000/{i}/websocket", n, false, benchModeIdle)
	defer func() {
		if clients != nil {
			if err := clients.close(); err != nil {
				b.Error(err)
			}
		}
		close(release)
		ctx, cancel := context.WithTimeout(context.Background(), benchWait)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			b.Errorf("shutdown: %v", err)
		}
		ts.Close()
		benchWaitGoroutines(b, base)
	}()
	if err != nil {
		b.Fatal(err)
	}
	if !benchWaitFor(func() bool { return reg.len() == n }) {
		b.Fatalf("%d of %d sessions open on the server", reg.len(), n)
	}
	sessions := reg.snapshot()
	payload := benchPayload()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	recipients := 0
	for b.Loop() {
		recipients += Broadcast(sessions, payload)
	}
	runtime.ReadMemStats(&after)
	if recipients != b.N*n {
		b.Fatalf("Broadcast reached %d recipients, want %d", recipients, b.N*n)
	}
	b.ReportMetric(float64(recipients)/b.Elapsed().Seconds(), "recipients/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(recipients), "allocs/recipient")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(recipients), "B/recipient")
}

// The benchmark's websocket clients run in a child process (this test
// binary, in TestBenchClientProcess), so that their file descriptors, heap
// and goroutines are not counted against the server's: 10,000 sessions need
// 20,000 descriptors in one process, over this machine's limit, and the idle
// memory benchmark must see the server alone.

const (
	// benchClientEnv switches TestBenchClientProcess on in the child.
	benchClientEnv = "SOCKJS_BENCH_CLIENT_PROCESS"
	// benchModeCount: read every message, report broadcast completions.
	benchModeCount = "count"
	// benchModeIdle: hold the connections open and read nothing more.
	benchModeIdle = "idle"
)

// benchClients is the parent's handle on a client process.
type benchClients struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	ready  chan error
	done   chan int      // completed broadcasts, in order
	stop   chan struct{} // closed by close
	exited chan struct{} // the child's stdout ended
	last   int
}

// startBenchClients starts a client process that opens n websocket clients
// to addr (path as for benchDialMany) and waits until they are open.
func startBenchClients(addr, path string, n int, sockjs bool, mode string) (*benchClients, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchClientProcess$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchClientEnv+"=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("client process: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("client process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("client process: %w", err)
	}
	c := &benchClients{
		cmd: cmd, in: in,
		ready:  make(chan error, 1),
		done:   make(chan int, 1024),
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
		last:   -1,
	}
	go c.readEvents(out)
	_, err = fmt.Fprintf(in, "%s %s %d %t %s\n", addr, path, n, sockjs, mode)
	if err == nil {
		select {
		case err = <-c.ready:
		case <-time.After(2 * benchWait):
			err = errors.New("timed out")
		}
	}
	if err != nil {
		_ = c.close()
		return nil, fmt.Errorf("client process: open %d clients: %w", n, err)
	}
	return c, nil
}

// readEvents reads the child's reports: "dialed" or "error ...", then one
// "done J" line per completed broadcast.
func (c *benchClients) readEvents(out io.Reader) {
	defer close(c.exited)
	sc := bufio.NewScanner(out)
	answered := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !answered && line == "dialed":
			answered = true
			c.ready <- nil
		case !answered && strings.HasPrefix(line, "error "):
			answered = true
			c.ready <- errors.New(line[len("error "):])
		case strings.HasPrefix(line, "done "):
			j, err := strconv.Atoi(line[len("done "):])
			if err != nil {
				continue
			}
			select {
			case c.done <- j:
			case <-c.stop:
			}
		}
	}
	if !answered {
		c.ready <- errors.New("client process ended before opening its clients")
	}
}

// await waits until broadcast j reached every client.
func (c *benchClients) await(j int) error {
	timeout := time.NewTimer(benchWait)
	defer timeout.Stop()
	for c.last < j {
		select {
		case c.last = <-c.done:
		case <-c.exited:
			return fmt.Errorf("client process ended before broadcast %d was delivered", j)
		case <-timeout.C:
			return fmt.Errorf("broadcast %d not delivered to every client within %v (last complete: %d)", j, benchWait, c.last)
		}
	}
	return nil
}

// close has the child drop its connections and exit, and waits for it.
func (c *benchClients) close() error {
	close(c.stop)
	_ = c.in.Close()
	select {
	case <-c.exited:
	case <-time.After(benchWait):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("client process: %w", err)
	}
	return nil
}

// TestBenchClientProcess is the client side of the benchmarks, run in a
// child process by startBenchClients; in a normal test run it is skipped.
func TestBenchClientProcess(t *testing.T) {
	if os.Getenv(benchClientEnv) != "1" {
		t.Skip("helper process of the benchmarks")
	}
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadString('\n')
	if err != nil {
		t.Fatalf("read command: %v", err)
	}
	var (
		addr, path, mode string
		n                int
		sockjs           bool
	)
	if _, err := fmt.Sscanf(line, "%s %s %d %t %s", &addr, &path, &n, &sockjs, &mode); err != nil {
		t.Fatalf("parse command %q: %v", line, err)
	}
	clients, err := benchDialMany(addr, path, n, sockjs, mode == benchModeIdle)
	if err != nil {
		fmt.Printf("error %v\n", err)
		return
	}
	d := newBenchDelivery(n, benchWindow)
	var wg sync.WaitGroup
	if mode == benchModeCount {
		for _, c := range clients {
			wg.Go(func() { c.countBroadcasts(d, sockjs) })
		}
		wg.Go(func() {
			w := bufio.NewWriter(os.Stdout)
			for {
				select {
				case j := <-d.done:
					fmt.Fprintf(w, "done %d\n", j)
					// Flush now unless more completions are already waiting.
					if len(d.done) == 0 {
						_ = w.Flush()
					}
				case <-d.stop:
					return
				}
			}
		})
	}
	fmt.Println("dialed")
	_, _ = io.Copy(io.Discard, in) // until the parent closes stdin
	close(d.stop)
	for _, c := range clients {
		c.close()
	}
	wg.Wait()
}

// benchReader is a BenchmarkSend client: it reads one session at base (like
// http://127.0.0.1:port/bench/000/s1) until the close frame or ctx ends,
// calling got with the number of benchmark messages in each chunk it reads.
type benchReader func(ctx context.Context, hc *http.Client, base string, got func(n int)) error

// benchClosed reports whether chunk holds a SockJS close frame (the payload
// never contains "c[").
func benchClosed(chunk []byte) bool { return bytes.Contains(chunk, []byte("c[")) }

// benchReadWebsocket reads the websocket transport.
func benchReadWebsocket(ctx context.Context, _ *http.Client, base string, got func(int)) error {
	u := strings.TrimPrefix(base, "http://")
	addr, path, _ := strings.Cut(u, "/")
	c, err := benchDial(addr, "/"+path+"/websocket", true)
	if err != nil {
		return err
	}
	defer c.close()
	stop := context.AfterFunc(ctx, c.close)
	defer stop()
	payload := []byte(benchPayload())
	for {
		_, msg, err := c.readMessage()
		if err != nil {
			return err
		}
		if benchClosed(msg) {
			return nil
		}
		got(bytes.Count(msg, payload))
	}
}

// benchReadStreaming reads a streaming transport (xhr_streaming with POST,
// eventsource with GET), line by line, opening a new request each time the
// server ends one at its response limit.
func benchReadStreaming(method, transport string) benchReader {
	return func(ctx context.Context, hc *http.Client, base string, got func(int)) error {
		payload := []byte(benchPayload())
		var line []byte
		for {
			req, err := http.NewRequestWithContext(ctx, method, base+"/"+transport, nil)
			if err != nil {
				return err
			}
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				resp.Body.Close()
				return fmt.Errorf("%s: status %d", transport, resp.StatusCode)
			}
			r := bufio.NewReaderSize(resp.Body, 64<<10)
			for {
				chunk, err := r.ReadSlice('\n')
				line = append(line, chunk...)
				if err == bufio.ErrBufferFull {
					continue
				}
				if err != nil {
					break
				}
				if benchClosed(line) {
					resp.Body.Close()
					return nil
				}
				got(bytes.Count(line, payload))
				line = line[:0]
			}
			resp.Body.Close()
			line = line[:0]
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
}

// benchReadPolling reads a polling transport (xhr with POST, jsonp with
// GET), one request after another.
func benchReadPolling(method, transport string) benchReader {
	return func(ctx context.Context, hc *http.Client, base string, got func(int)) error {
		payload := []byte(benchPayload())
		var body bytes.Buffer
		for {
			req, err := http.NewRequestWithContext(ctx, method, base+"/"+transport, nil)
			if err != nil {
				return err
			}
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			body.Reset()
			_, err = body.ReadFrom(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: status %d: %q", transport, resp.StatusCode, body.Bytes())
			}
			if benchClosed(body.Bytes()) {
				return nil
			}
			got(bytes.Count(body.Bytes(), payload))
		}
	}
}

// BenchmarkSend measures one session's throughput per transport: b.N
// Session.Send calls of a 100-byte message, reported as messages per second
// read by the client (at most benchSendWindow unread at a time). Polling
// clients poll in a loop.
func BenchmarkSend(b *testing.B) {
	transports := []struct {
		name string
		read benchReader
	}{
		{TransportWebsocket, benchReadWebsocket},
		{TransportXHRStreaming, benchReadStreaming(http.MethodPost, "xhr_streaming")},
		{TransportEventSource, benchReadStreaming(http.MethodGet, "eventsource")},
		{TransportXHRPolling, benchReadPolling(http.MethodPost, "xhr")},
		{TransportJSONP, benchReadPolling(http.MethodGet, "jsonp?c=cb")},
	}
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) { benchSend(b, tr.read) })
	}
}

func benchSend(b *testing.B, read benchReader) {
	base := runtime.NumGoroutine()
	reg := &benchRegistry{opened: make(chan *Session, 1)}
	srv := NewServer("/bench", func() Handler { return &benchHandler{reg: reg} }, &Options{Logger: benchSilentLogger()})
	ts := httptest.NewServer(srv)
	hc := &http.Client{Transport: &http.Transport{}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	var (
		received atomic.Int64
		notify   = make(chan struct{}, 1)
		readErr  = make(chan error, 1)
	)
	go func() {
		readErr <- read(ctx, hc, ts.URL+"/bench/000/s1", func(n int) {
			if n > 0 {
				received.Add(int64(n))
				select {
				case notify <- struct{}{}:
				default:
				}
			}
		})
	}()
	readerDone := false
	defer func() {
		cancel()
		if !readerDone {
			<-readErr
		}
		shutdown, stop := context.WithTimeout(context.Background(), benchWait)
		defer stop()
		if err := srv.Shutdown(shutdown); err != nil {
			b.Errorf("shutdown: %v", err)
		}
		hc.CloseIdleConnections()
		ts.Close()
		benchWaitGoroutines(b, base)
	}()
	var s *Session
	select {
	case s = <-reg.opened:
	case err := <-readErr:
		readerDone = true
		b.Fatalf("client: %v", err)
	case <-time.After(benchWait):
		b.Fatal("no session opened")
	}
	// waitReceived waits until the client has read all but window messages.
	waitReceived := func(sent int64, window int64) {
		for sent-received.Load() > window {
			select {
			case <-notify:
			case err := <-readErr:
				readerDone = true
				b.Fatalf("client ended after %d of %d messages: %v", received.Load(), sent, err)
			case <-ctx.Done():
				b.Fatalf("client read %d of %d messages in time", received.Load(), sent)
			}
		}
	}
	payload := benchPayload()
	var sent int64
	var start time.Time
	b.ReportAllocs()
	for b.Loop() {
		if sent == 0 {
			start = time.Now()
		}
		waitReceived(sent, benchSendWindow-1)
		if err := s.Send(payload); err != nil {
			b.Fatalf("Send: %v", err)
		}
		sent++
	}
	waitReceived(sent, 0)
	b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msgs/s")
	if err := s.Close(0, ""); err != nil {
		b.Errorf("Close: %v", err)
	}
	select {
	case err := <-readErr:
		readerDone = true
		if err != nil {
			b.Errorf("client: %v", err)
		}
	case <-time.After(benchWait):
		b.Error("client did not see the close frame")
	}
}

// BenchmarkNewMessage encodes a 1.1 kB JSON payload (a table event's
// size in the club, a quote every ten bytes) for every transport.
func BenchmarkNewMessage(b *testing.B) {
	payload := `{"type":"table_event","v":1,"deal":{` + strings.Repeat(`"hand":"7S",`, 90) + `"x":1}}`
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		NewMessage(payload)
	}
}
