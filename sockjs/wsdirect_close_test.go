package sockjs

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// handWS is a websocket client spoken by hand: it reads the server's
// frames as they come off the connection, with nothing read ahead or
// interpreted by a client library (gorilla's stops at a close frame).
type handWS struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

// dialHand opens a websocket at path (under env.base) by hand.
func dialHand(t testing.TB, env *testEnv, path string) *handWS {
	t.Helper()
	addr := strings.TrimPrefix(env.base, "http://")
	addr = addr[:strings.Index(addr, "/")]
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	defer conn.SetDeadline(time.Time{})
	fmt.Fprintf(conn, "GET /echo%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %s", resp.Status)
	}
	return &handWS{t: t, conn: conn, r: r}
}

// next reads the server's next frame: its opcode and payload, or io.EOF
// once the server ended the connection.
func (c *handWS) next() (op byte, payload []byte, err error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return 0, nil, err
	}
	if h[1]&0x80 != 0 {
		return 0, nil, errors.New("a masked frame from the server")
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		_, err = io.ReadFull(c.r, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		_, err = io.ReadFull(c.r, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	if err != nil {
		return 0, nil, err
	}
	if n > 1<<24 {
		return 0, nil, fmt.Errorf("a frame of %d bytes", n)
	}
	payload = make([]byte, n)
	_, err = io.ReadFull(c.r, payload)
	return h[0] & 0x0f, payload, err
}

// write sends one final frame of opcode op, masked (with a zero key, which
// leaves the payload as it is).
func (c *handWS) write(op byte, payload []byte) {
	c.t.Helper()
	frame := append([]byte{0x80 | op, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
	if _, err := c.conn.Write(frame); err != nil {
		c.t.Fatal(err)
	}
}

// After its close frame the server sends nothing (RFC 6455 §5.5.1): a
// direct write racing the reader's close frame (the echo of the client's,
// or the answer to a protocol error) must not follow it onto the wire.
// Gorilla refuses its own writes once a close frame is sent; a direct write
// does not go through gorilla, so the session must refuse it itself.
func TestNoFrameFollowsTheCloseFrame(t *testing.T) {
	forEachWriteMode(t, testNoFrameFollowsTheCloseFrame)
}

func testNoFrameFollowsTheCloseFrame(t *testing.T, direct bool) {
	cases := []struct {
		name  string
		op    byte   // what the client sends to end the session
		frame []byte // its payload
	}{
		{"the client closes", wsOpClose, []byte{0x03, 0xe8}}, // 1000
		{"the client breaks the protocol", 0x3, []byte("x")}, // a reserved opcode
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var senders sync.WaitGroup
			t.Cleanup(senders.Wait) // after the server's Shutdown (newEnv's cleanup) stopped them
			env := newEnv(t, Options{DirectWrites: direct, SendQueueBytes: 1 << 20}, hooks{onOpen: func(s *Session) error {
				// Tables' goroutines sending on and on, as fast as they can.
				for range 4 {
					senders.Go(func() {
						for i := 0; i < 5_000_000 && s.Send("m") == nil; i++ {
						}
					})
				}
				return nil
			}})
			const sessions = 50
			late := 0
			for range sessions {
				ws := dialHand(t, env, "/000/"+randomID()+"/websocket")
				sawData, closed, after := 0, false, 0
				for {
					op, _, err := ws.next()
					if err != nil {
						if !closed {
							// A write that timed out (a loaded machine)
							// ends the connection without its close frame.
							t.Logf("the connection ended before its close frame: %v", err)
						}
						break // the server ended the connection
					}
					switch {
					case op == wsOpClose:
						closed = true
					case closed:
						after++
					case op == wsOpText:
						if sawData++; sawData == 100 {
							ws.write(c.op, c.frame)
						}
					}
				}
				if after > 0 {
					late++
				}
				ws.conn.Close()
			}
			if late > 0 {
				t.Errorf("%d sessions of %d wrote frames after their close frame", late, sessions)
			}
		})
	}
}

// Shutdown with direct writes in flight, on clients that read and on
// clients that stopped (their writers stuck in a blocking write): the
// reading clients get every message sent before, then "going away"; the
// stalled ones are dropped once Shutdown's context ends; every session
// closes once with "going away", every sender stops, and no goroutine is
// left (TestMain's goleak).
func TestShutdownWithDirectWritesInFlight(t *testing.T) {
	var senders sync.WaitGroup
	t.Cleanup(senders.Wait) // after the server's Shutdown (newEnv's cleanup) stopped them
	env := newEnv(t, Options{DirectWrites: true, SendQueueBytes: 64 << 20, WriteTimeout: time.Minute}, hooks{})
	pad := strings.Repeat("p", 2000)
	var conns []*conn
	for range 3 {
		// Until a direct write leaves a frame's rest, then 8 MB more,
		// which queue behind the writer goroutine's blocking writes.
		_, c := dialSmallBuffer(t, env)
		conns = append(conns, c)
		sent := 0
		for ; !c.s.restPending(); sent++ {
			if sent == 8000 {
				t.Fatalf("%d messages sent directly and none left unfinished: the socket never filled", sent)
			}
			if err := c.s.Send(fmt.Sprintf("%d:%s", sent, pad)); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 4000 {
			if err := c.s.Send(fmt.Sprintf("%d:%s", sent+i, pad)); err != nil {
				t.Fatal(err)
			}
		}
	}
	readers := make(chan error, 3)
	for range 3 {
		ws, c := dialOpened(t, env, dialer())
		conns = append(conns, c)
		senders.Go(func() { // on and on, until Shutdown closes the session
			for i := 0; i < 1_000_000 && c.s.Send(fmt.Sprintf("%d:%s", i, pad)) == nil; i++ {
			}
		})
		go func() { readers <- readUntilGoingAway(ws, pad) }()
	}

	// Shutdown waits for the stalled sessions until its context ends:
	// once the reading clients have read everything and "going away".
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- env.srv.Shutdown(ctx) }()
	for range 3 {
		if err := <-readers; err != nil {
			t.Error(err)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, c := range conns {
		c.waitClosed(t)
		if code, reason := c.s.CloseStatus(); code != CloseGoingAway {
			t.Errorf("session closed with %d %q, want %d", code, reason, CloseGoingAway)
		}
	}
}

// readUntilGoingAway reads ws's frames, messages "i:pad" for i = 0, 1, ...,
// until the close frame "going away".
func readUntilGoingAway(ws *websocket.Conn, pad string) error {
	for next := 0; ; {
		_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, b, err := ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("after %d messages: %w", next, err)
		}
		if string(b) == `c[1001,"Going away"]` {
			return nil
		}
		var msgs []string
		if err := jsonUnmarshalFrame(string(b), &msgs); err != nil {
			return fmt.Errorf("frame %.40q: %w", b, err)
		}
		for _, m := range msgs {
			if want := fmt.Sprintf("%d:%s", next, pad); m != want {
				return fmt.Errorf("message %.20q, want %.20q", m, want)
			}
			next++
		}
	}
}
