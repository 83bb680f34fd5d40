package sockjs

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestWebsocketReadingOverTheWire sends hand-made client frames to the raw
// websocket endpoint over a real connection and checks what the server's
// own frame reader makes of them: the messages, the answers to control
// frames, and the close that a breach of the framing rules gets.
func TestWebsocketReadingOverTheWire(t *testing.T) {
	env := newEnv(t, Options{MaxMessageSize: 200 << 10}, hooks{})
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	// open dials the raw endpoint; raw frames go straight onto its TCP
	// connection, and the server's frames are read with gorilla's client.
	open := func(t *testing.T) (*websocket.Conn, *conn, chan string) {
		ws := env.dialRaw("/websocket", nil)
		pongs := make(chan string, 10)
		ws.SetPongHandler(func(p string) error { pongs <- p; return nil })
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		return ws, env.next(), pongs
	}
	send := func(t *testing.T, ws *websocket.Conn, frames ...[]byte) {
		t.Helper()
		if _, err := ws.NetConn().Write(bytes.Join(frames, nil)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(t *testing.T, ws *websocket.Conn) string {
		t.Helper()
		_, p, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return string(p)
	}

	t.Run("fragments join and a ping between them is answered", func(t *testing.T) {
		ws, _, pongs := open(t)
		send(t, ws,
			clientFrame(wsOpText, false, []byte("Hel"), key, false),
			clientFrame(wsOpPing, true, []byte("p1"), key, false),
			clientFrame(wsOpContinuation, true, []byte("lo"), key, true))
		if got := read(t, ws); got != "Hello" {
			t.Errorf("echo %q, want %q", got, "Hello")
		}
		select {
		case p := <-pongs:
			if p != "p1" {
				t.Errorf("pong %q, want %q", p, "p1")
			}
		default:
			t.Error("no pong before the echo")
		}
	})
	t.Run("messages sent in one write are all read, in order", func(t *testing.T) {
		ws, _, _ := open(t)
		var frames [][]byte
		for i := range 300 {
			frames = append(frames, clientFrame(wsOpText, true, []byte(fmt.Sprint("m", i)), key, false))
		}
		send(t, ws, frames...)
		for i := range 300 {
			if got, want := read(t, ws), fmt.Sprint("m", i); got != want {
				t.Fatalf("message %d: %q, want %q", i, got, want)
			}
		}
	})
	t.Run("a message larger than the read buffer", func(t *testing.T) {
		ws, _, _ := open(t)
		big := strings.Repeat("0123456789", 15000)
		send(t, ws, clientFrame(wsOpText, true, []byte(big), key, false))
		if got := read(t, ws); got != big {
			t.Errorf("echo of %d bytes came back as %d bytes", len(big), len(got))
		}
	})
	t.Run("the client's close code and reason reach OnClose and are echoed", func(t *testing.T) {
		ws, c, _ := open(t)
		send(t, ws, clientFrame(wsOpClose, true, append([]byte{0x0f, 0xa1}, "bye"...), key, false))
		_, _, err := ws.ReadMessage()
		if !websocket.IsCloseError(err, 4001) {
			t.Errorf("client read %v, want the close 4001 echoed", err)
		}
		c.waitClosed(t)
		if code, reason := c.s.CloseStatus(); code != 4001 || reason != "bye" {
			t.Errorf("CloseStatus = %d %q, want 4001 \"bye\"", code, reason)
		}
	})
	t.Run("an unmasked frame is a protocol error", func(t *testing.T) {
		ws, c, _ := open(t)
		send(t, ws, []byte{0x81, 0x02, 'h', 'i'})
		_, _, err := ws.ReadMessage()
		if !websocket.IsCloseError(err, websocket.CloseProtocolError) || !strings.Contains(err.Error(), "mask") {
			t.Errorf("client read %v, want close 1002 naming the mask", err)
		}
		c.waitClosed(t)
		if code, _ := c.s.CloseStatus(); code != CloseInterrupted {
			t.Errorf("CloseStatus code = %d, want %d", code, CloseInterrupted)
		}
		if got := c.received(); len(got) != 0 {
			t.Errorf("OnMessage got %q from a broken frame", got)
		}
	})
	t.Run("a bad close code is a protocol error", func(t *testing.T) {
		ws, c, _ := open(t)
		send(t, ws, clientFrame(wsOpClose, true, []byte{0x03, 0xed}, key, false)) // 1005
		_, _, err := ws.ReadMessage()
		if !websocket.IsCloseError(err, websocket.CloseProtocolError) {
			t.Errorf("client read %v, want close 1002", err)
		}
		c.waitClosed(t)
	})
}
