// Package sockjsclient is the SockJS-over-websocket client the examples'
// tests share: open a session, send messages in SockJS frames.
package sockjsclient

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Dial opens session sessionID of the SockJS endpoint at baseURL+prefix
// (baseURL as http://host:port) over a websocket and reads its open frame.
// The connection is closed when t ends.
func Dial(t testing.TB, baseURL, prefix, sessionID string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(baseURL, "http") + prefix + "/000/" + sessionID + "/websocket"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, f, err := ws.ReadMessage(); err != nil || string(f) != "o" {
		t.Fatalf("open frame %q: %v", f, err)
	}
	return ws
}

// Send sends msg as one message in a SockJS frame.
func Send(t testing.TB, ws *websocket.Conn, msg string) {
	t.Helper()
	frame, _ := json.Marshal([]string{msg})
	if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		t.Fatal(err)
	}
}

// SendJSON sends v, encoded as JSON, as one message in a SockJS frame.
func SendJSON(t testing.TB, ws *websocket.Conn, v any) {
	t.Helper()
	msg, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	Send(t, ws, string(msg))
}
