package browsertest

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/trelljaz/trelljaz/sockjs"
)

// dialRaw opens a plain WebSocket to the raw endpoint {prefix}/websocket of
// f, as connection id with the given role.
func dialRaw(t *testing.T, f *fixture, id, role string) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(f.base, "http") + "/echo/websocket?" +
		url.Values{"conn": {id}, "role": {role}}.Encode()
	d := websocket.Dialer{HandshakeTimeout: stepTimeout}
	ws, resp, err := d.Dial(u, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP status %d)", u, err, status)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// readText reads one message, which must be a text message.
func readText(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(stepTimeout))
	typ, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		t.Fatalf("message type %d, want text (%d)", typ, websocket.TextMessage)
	}
	return string(b)
}

// waitOnClose waits for the OnClose of connection id.
func waitOnClose(t *testing.T, f *fixture, id string) (code int, reason string) {
	t.Helper()
	c := f.conn(id)
	if c == nil {
		t.Fatalf("conn %s never opened", id)
	}
	select {
	case <-c.closed:
	case <-time.After(stepTimeout):
		t.Fatalf("conn %s: OnClose did not run in %v", id, stepTimeout)
	}
	closes, code, reason := c.closeStatus()
	if closes != 1 {
		t.Errorf("conn %s: OnClose ran %d times, want 1", id, closes)
	}
	return code, reason
}

// TestRawWebsocket checks the raw endpoint {prefix}/websocket with a plain
// WebSocket client: no SockJS framing either way, every payload echoed
// byte-exact as one text message, the transport reported as websocket-raw,
// and closes in both directions carrying their code and reason.
func TestRawWebsocket(t *testing.T) {
	f := newFixture(t)

	t.Run("echo", func(t *testing.T) {
		const id = "raw.echo"
		ws := dialRaw(t, f, id, "echo")
		for _, p := range payloads {
			t.Run(p.Name, func(t *testing.T) {
				_ = ws.SetWriteDeadline(time.Now().Add(stepTimeout))
				if err := ws.WriteMessage(websocket.TextMessage, []byte(p.Text)); err != nil {
					t.Fatalf("write: %v", err)
				}
				if got := readText(t, ws); got != p.Text {
					t.Errorf("got back %s, want %s (first difference at byte %d)",
						describe(got), describe(p.Text), firstDiff(got, p.Text))
				}
			})
		}
		t.Run("burst_in_order", func(t *testing.T) {
			var sent, got []string
			for i := range burstSize {
				m := "burst " + strconv.Itoa(i)
				sent = append(sent, m)
				if err := ws.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			for range burstSize {
				got = append(got, readText(t, ws))
			}
			if !slices.Equal(got, sent) {
				t.Errorf("got back %q, want %q", got, sent)
			}
		})
		t.Run("server_sees_transport", func(t *testing.T) {
			if got := f.conn(id).transport; got != sockjs.TransportRawWebsocket {
				t.Errorf("Session.Transport() = %q, want %q", got, sockjs.TransportRawWebsocket)
			}
		})
		t.Run("server_received_every_message", func(t *testing.T) {
			got := f.conn(id).messages()
			if len(got) != len(payloads)+burstSize {
				t.Fatalf("server received %d messages, want %d", len(got), len(payloads)+burstSize)
			}
			for i, p := range payloads {
				if got[i] != p.Text {
					t.Errorf("message %d (%s): server received %s", i, p.Name, describe(got[i]))
				}
			}
		})
		t.Run("client_close_reaches_OnClose", func(t *testing.T) {
			const code, reason = 4001, "client leaves ✓"
			msg := websocket.FormatCloseMessage(code, reason)
			if err := ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(stepTimeout)); err != nil {
				t.Fatalf("write close: %v", err)
			}
			// The server answers the close handshake; then the read fails.
			_ = ws.SetReadDeadline(time.Now().Add(stepTimeout))
			_, _, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) {
				t.Errorf("after the client's close, read = %v, want the server's close frame", err)
			}
			gotCode, gotReason := waitOnClose(t, f, id)
			if gotCode != code || gotReason != reason {
				t.Errorf("CloseStatus in OnClose = %d %q, want the client's %d %q", gotCode, gotReason, code, reason)
			}
		})
	})

	t.Run("server_close_reaches_client", func(t *testing.T) {
		const id = "raw.close"
		ws := dialRaw(t, f, id, "close")
		if err := ws.WriteMessage(websocket.TextMessage, []byte(closeCommand)); err != nil {
			t.Fatalf("write: %v", err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(stepTimeout))
		typ, b, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("read = type %d %q, %v; want a close frame", typ, b, err)
		}
		if ce.Code != serverCloseCode || ce.Text != serverCloseReason {
			t.Errorf("close frame = %d %q, want %d %q", ce.Code, ce.Text, serverCloseCode, serverCloseReason)
		}
		code, reason := waitOnClose(t, f, id)
		if code != serverCloseCode || reason != serverCloseReason {
			t.Errorf("CloseStatus in OnClose = %d %q, want %d %q", code, reason, serverCloseCode, serverCloseReason)
		}
	})

	t.Run("oversized_message_closes_with_1009", func(t *testing.T) {
		const id = "raw.big"
		ws := dialRaw(t, f, id, "echo")
		big := strings.Repeat("x", 64<<10+1) // one byte over the default MaxMessageSize
		if err := ws.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
			t.Fatalf("write: %v", err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(stepTimeout))
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != sockjs.CloseMessageTooBig {
			t.Errorf("read = %v, want a close frame with code %d", err, sockjs.CloseMessageTooBig)
		}
		if got := f.conn(id).messages(); len(got) != 0 {
			t.Errorf("OnMessage got %d messages, want none", len(got))
		}
		if code, _ := waitOnClose(t, f, id); code != sockjs.CloseMessageTooBig {
			t.Errorf("CloseStatus in OnClose = %d, want %d", code, sockjs.CloseMessageTooBig)
		}
	})
}
