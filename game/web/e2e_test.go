package web

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/table"
)

// client is a browser stand-in speaking SockJS over a websocket: the server
// sends "o", then a["json",...] frames (and "h" heartbeats); the client
// sends ["json"].
type client struct {
	t     *testing.T
	ws    *websocket.Conn
	queue []map[string]any
}

func dial(t *testing.T, srv *httptest.Server, session string) *client {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + Prefix + "/000/" + session + "/websocket"
	ws, _, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {srv.URL}})
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &client{t: t, ws: ws}
	if f := c.frame(); f != "o" {
		t.Fatalf("first frame %q, want o", f)
	}
	return c
}

func (c *client) frame() string {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

func (c *client) send(v any) {
	c.t.Helper()
	msg, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	frame, _ := json.Marshal([]string{string(msg)})
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next returns the next message of the protocol.
func (c *client) next() map[string]any {
	c.t.Helper()
	for len(c.queue) == 0 {
		f := c.frame()
		switch {
		case f == "h":
			continue
		case strings.HasPrefix(f, "c"):
			c.t.Fatalf("session closed: %s", f)
		case !strings.HasPrefix(f, "a"):
			c.t.Fatalf("unexpected frame %q", f)
		}
		var msgs []string
		if err := json.Unmarshal([]byte(f[1:]), &msgs); err != nil {
			c.t.Fatalf("frame %q: %v", f, err)
		}
		for _, s := range msgs {
			var m map[string]any
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				c.t.Fatalf("message %q: %v", s, err)
			}
			c.queue = append(c.queue, m)
		}
	}
	m := c.queue[0]
	c.queue = c.queue[1:]
	return m
}

// await returns the next message of type typ, skipping others.
func (c *client) await(typ string) map[string]any {
	c.t.Helper()
	for i := 0; i < 1000; i++ {
		if m := c.next(); m["type"] == typ {
			return m
		}
	}
	c.t.Fatalf("no %q message in 1000", typ)
	return nil
}

func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	lb := lobby.New(lobby.Config{Logger: log, Table: table.Config{BotDelay: time.Millisecond, DealPause: 5 * time.Millisecond}})
	site := New(Config{Lobby: lb, Logger: log, Assets: fstest.MapFS{"index.html": {Data: []byte("<h1>club</h1>")}}})
	srv := httptest.NewServer(site) // 127.0.0.1
	t.Cleanup(func() {
		srv.Close()
		_ = site.Shutdown(t.Context())
		lb.Stop()
	})
	return srv
}

// TestOneHumanAndTwoBotsPlayADeal signs in over SockJS, creates a table,
// sits, adds two bots and plays every move it is offered until the first
// deal is written on the sheet; then a second connection with the same
// name gets the table at once (a reconnect).
func TestOneHumanAndTwoBotsPlayADeal(t *testing.T) {
	srv := testServer(t)
	anna := dial(t, srv, "s1")
	anna.send(map[string]any{"type": "move", "table": "t1", "move": map[string]any{"seat": 0, "kind": "pass"}})
	if m := anna.await("error"); !strings.Contains(m["text"].(string), "sign in first") {
		t.Fatalf("before sign-in: %v", m)
	}
	anna.send(map[string]any{"type": "signin", "name": "Anna"})
	anna.await("welcome")
	anna.await("lobby")
	anna.send(map[string]any{"type": "create", "convention": "sochi", "pool_target": 10, "move_time": 60})
	id := anna.await("created")["table"].(string)
	anna.send(map[string]any{"type": "sit", "table": id, "seat": 0})
	anna.send(map[string]any{"type": "add_bot", "table": id, "seat": 1})
	anna.send(map[string]any{"type": "add_bot", "table": id, "seat": 2})

	illegalSent := false
	var last map[string]any
	for i := 0; i < 2000; i++ {
		m := anna.next()
		if m["type"] == "error" {
			if !illegalSent || !strings.HasPrefix(m["text"].(string), "illegal move: ") {
				t.Fatalf("unexpected error %v", m)
			}
			continue
		}
		if m["type"] != "table" {
			continue
		}
		last = m
		if m["last_deal"] != "" {
			break
		}
		legal, _ := m["legal"].([]any)
		if m["status"] != "playing" || len(legal) == 0 {
			continue
		}
		if !illegalSent { // a card during the auction: the rules refuse it
			anna.send(map[string]any{"type": "move", "table": id, "move": map[string]any{"seat": 0, "kind": "play", "card": "AS"}})
			illegalSent = true
		}
		// the first legal move: pass, the lowest discard, the lowest card…
		anna.send(map[string]any{"type": "move", "table": id, "move": legal[0]})
	}
	if last == nil || last["last_deal"] == "" {
		t.Fatalf("the first deal did not finish; last table message %v", last)
	}
	if !illegalSent {
		t.Fatal("Anna was never offered a move")
	}
	sheet, _ := json.Marshal(last["sheet"])
	t.Logf("%s; sheet %s", last["last_deal"], sheet)
	if !strings.Contains(string(sheet), `"Anna"`) {
		t.Fatalf("sheet %s", sheet)
	}

	again := dial(t, srv, "s2")
	again.send(map[string]any{"type": "signin", "name": "Anna"})
	m := again.await("table")
	if m["id"] != id || m["you"] != float64(0) || m["deal"] == nil {
		t.Fatalf("reconnect: table %v you %v", m["id"], m["you"])
	}
}

func TestDecodeErrorsGoBackToTheClient(t *testing.T) {
	srv := testServer(t)
	c := dial(t, srv, "s1")
	for _, tc := range []struct{ msg, want string }{
		{`{"type":"signin","name":"<script>"}`, "not allowed"},
		{`{"type":"signin","name":"Anna","seat":1}`, "unexpected field"},
		{`{"type":"dance"}`, "unknown type"},
	} {
		frame, _ := json.Marshal([]string{tc.msg})
		if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			t.Fatal(err)
		}
		if m := c.await("error"); !strings.Contains(m["text"].(string), tc.want) {
			t.Errorf("%s: error %q, want %q", tc.msg, m["text"], tc.want)
		}
	}
}

func TestRoutes(t *testing.T) {
	srv := testServer(t)
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/", 200, "<h1>club</h1>"},
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/sockjs/info", 200, `"websocket":true`},
		{"/static/index.html", 301, ""},
		{"/nope", 404, ""},
	} {
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(body), tc.body) {
			t.Errorf("GET %s: %d %q, want %d with %q", tc.path, resp.StatusCode, body, tc.code, tc.body)
		}
	}
}

func TestAFloodIsCutAtTheRateLimit(t *testing.T) {
	srv := testServer(t)
	c := dial(t, srv, "s1")
	c.send(map[string]any{"type": "signin", "name": "Anna"})
	c.await("welcome")
	const sent = 3 * DefaultMaxMessageRate
	for i := range sent {
		c.send(map[string]any{"type": "lobby_chat", "text": fmt.Sprint("line ", i)})
	}
	c.send(map[string]any{"type": "lobby_chat", "text": "last"}) // may be dropped too
	lines, slowDowns := 0, 0
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		_ = c.ws.SetReadDeadline(deadline)
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			break
		}
		lines += strings.Count(string(data), `\"text\":\"line `)
		slowDowns += strings.Count(string(data), "slow down")
	}
	if slowDowns < 1 || lines >= sent || lines < DefaultMaxMessageRate-1 { // the sign-in counted too
		t.Fatalf("%d of %d lines went through with %d slow-down errors; want at least %d, not all, and an error",
			lines, sent, slowDowns, DefaultMaxMessageRate-1)
	}
}
