package sockjs

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
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
			env := newEnv(t, Options{DirectWrites: direct, SendQueueBytes: 256 << 20}, hooks{onOpen: func(s *Session) error {
				// Tables' goroutines sending on and on, as fast as they can.
				for range 4 {
					senders.Go(func() {
						for i := 0; i < 5_000_000 && s.Send("m") == nil; i++ {
						}
					})
				}
				return nil
			}})
			defer senders.Wait()
			const sessions = 50
			late := 0
			for range sessions {
				ws := dialHand(t, env, "/000/"+randomID()+"/websocket")
				sawData, closed, after := 0, false, 0
				for {
					op, _, err := ws.next()
					if err != nil {
						if !closed {
							buf := make([]byte, 1<<22)
							t.Fatalf("read before the close frame: %v\n%s", err, buf[:runtime.Stack(buf, true)])
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
