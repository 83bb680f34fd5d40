package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

func TestRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	srv, _ := testServer(t, table.Config{}, Config{Metrics: metrics.New(reg), Gatherer: reg})
	c := dial(t, srv, "websocket") // a session, counted by transport
	c.signin("Anna")
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/", 200, "<h1>club</h1>"},
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/sockjs/info", 200, `"websocket":true`},
		{"/metrics", 200, `trelljaz_sessions{transport="websocket"} 1`},
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

func TestErrorsCarryACode(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{})
	c := dial(t, srv, "websocket")
	for _, tc := range []struct {
		msg  any
		code string
	}{
		{msg{"type": "sit", "table": "t1", "seat": 0}, "not_signed_in"},
		{msg{"type": "signin", "name": "<script>"}, "bad_request"},
		{msg{"type": "dance"}, "bad_request"},
		{msg{"type": "signin", "name": "Anna"}, ""},
		{msg{"type": "signin", "name": "Anna"}, "signed_in"},
		{msg{"type": "watch", "table": "t404"}, "no_table"},
	} {
		c.send(tc.msg)
		if tc.code == "" {
			c.await("welcome")
			continue
		}
		if m := c.await("error"); m.str("code") != tc.code || m.str("text") == "" {
			t.Errorf("%v: error %v, want code %q with a text", tc.msg, m, tc.code)
		}
	}
}

// TestAFlooderIsWarnedThenClosed sends far over the message rate: the first
// excess is a rate_limited warning, the next closes the session.
func TestAFlooderIsWarnedThenClosed(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) { flooder(t, tr) })
	}
}

func flooder(t *testing.T, transport string) {
	srv, _ := testServer(t, table.Config{}, Config{MessageRate: 5})
	c := dial(t, srv, transport)
	c.signin("Anna")
	for i := range 40 {
		if c.trySend(msg{"type": "lobby_chat", "text": fmt.Sprint("line ", i)}) != nil {
			break // closed already: what the test waits for
		}
	}
	if closed := c.awaitClose(); !strings.Contains(closed, "4005") {
		t.Fatalf("close frame %q, want 4005 (rate limited)", closed)
	}
	warned := false
	for _, m := range c.take() {
		warned = warned || m.str("code") == "rate_limited"
	}
	if !warned {
		t.Fatal("closed without a warning first")
	}
}

func TestAConnectionThatNeverSignsInIsClosed(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{SigninTimeout: 50 * time.Millisecond})
	c := dial(t, srv, "xhr_streaming")
	if closed := c.awaitClose(); !strings.Contains(closed, "4003") {
		t.Fatalf("close frame %q, want 4003 (sign in first)", closed)
	}
}

func TestSessionsPerIPAreCapped(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{SessionsPerIP: 2})
	dial(t, srv, "websocket")
	dial(t, srv, "websocket")
	if ce := refusedSession(t, srv); ce.Code != sockjs.CloseRejected {
		t.Fatalf("a third session from one IP: closed with %d %q, want %d (rejected)", ce.Code, ce.Reason, sockjs.CloseRejected)
	}
}

func TestAPlayerSitsOnceWhateverTheConnections(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{})
	anna, boris, boris2 := dial(t, srv, "websocket"), dial(t, srv, "websocket"), dial(t, srv, "xhr_streaming")
	anna.signin("Anna")
	boris.signin("Boris")
	boris2.signin("Boris")
	anna.send(msg{"type": "set"})
	id := anna.await("created").str("table")
	anna.send(msg{"type": "conventions", "table": id, "preset": "sochi"})
	for anna.await("table_event").str("kind") != "convention" {
	}
	boris.send(msg{"type": "sit", "table": id, "seat": 1})
	for boris.await("table_event").str("kind") != "seats" {
	}
	boris2.send(msg{"type": "sit", "table": id, "seat": 2})
	if m := boris2.await("error"); m.str("code") != "already_seated" {
		t.Fatalf("second seat: %v", m)
	}
	boris.send(msg{"type": "add_bot", "table": id, "seat": 2})
	if m := boris.await("error"); m.str("code") != "not_creator" {
		t.Fatalf("a bot from a guest: %v", m)
	}
}

// TestASecondIdentityFromTheSameAddressCannotExceedItsTables: the dev
// sign-in makes identities free, so the lobby also counts the tables set
// from one IP address (lobby.DefaultMaxTablesPerIP; every test client
// comes from 127.0.0.1).
func TestASecondIdentityFromTheSameAddressCannotExceedItsTables(t *testing.T) {
	srv, _ := testServer(t, table.Config{ConventionTime: time.Hour}, Config{})
	set := func(c *client) string {
		c.send(msg{"type": "set"})
		for {
			switch m := c.next(); m.str("type") {
			case "created":
				return ""
			case "error":
				return m.str("code")
			}
		}
	}
	perPlayer := lobby.DefaultMaxTablesPerPlayer
	names := []string{"Anna", "Boris", "Vera", "Gleb", "Dina"}
	made := 0
	for _, name := range names {
		c := dial(t, srv, "websocket")
		c.signin(name)
		for i := 0; i < perPlayer; i++ {
			code := set(c)
			switch {
			case made < lobby.DefaultMaxTablesPerIP && code != "":
				t.Fatalf("%s's table %d (%d from the address): %s", name, i+1, made+1, code)
			case made >= lobby.DefaultMaxTablesPerIP && code != "table_limit":
				t.Fatalf("%s's table %d, over the address's %d: %q, want table_limit", name, i+1, lobby.DefaultMaxTablesPerIP, code)
			}
			if code == "" {
				made++
			}
		}
	}
	if made != lobby.DefaultMaxTablesPerIP {
		t.Fatalf("%d tables from one address, want %d", made, lobby.DefaultMaxTablesPerIP)
	}
}

// TestASlowBodyIsCutOff: a POST that never sends its body loses the
// connection after SendReadTimeout.
func TestASlowBodyIsCutOff(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{SendReadTimeout: 50 * time.Millisecond})
	// "/nope/xhr" ends like a long-lived SockJS transport but is not under
	// the SockJS prefix: it gets the deadline like any page.
	for _, path := range []string{"/", Prefix + "/000/slow/xhr_send", "/nope/xhr", "/static/x/websocket"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nab", path)
		_ = conn.SetReadDeadline(time.Now().Add(waitLimit))
		if _, err := io.Copy(io.Discard, conn); err != nil {
			t.Fatalf("%s: the server kept the slow body's connection: %v", path, err)
		}
	}
}

// TestChatIsLimitedPerIPAcrossPlayers: players behind one address share
// its chat budget, whatever their number.
func TestChatIsLimitedPerIPAcrossPlayers(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{ChatRate: 100, ChatRatePerIP: 1, MessageRate: 1000})
	var cs []*client
	for i := range 4 {
		c := dial(t, srv, "websocket")
		c.signin(fmt.Sprint("P", i))
		cs = append(cs, c)
	}
	for round := range 5 {
		for _, c := range cs {
			c.send(msg{"type": "lobby_chat", "text": fmt.Sprint("round ", round)})
		}
	}
	limited := 0
	for _, c := range cs {
		c.send(msg{"type": "watch", "table": "t404"}) // a marker: its error comes after every chat answer
		for {
			m := c.await("error")
			if m.str("code") == "no_table" {
				break
			}
			if m.str("code") == "chat_limited" {
				limited++
			}
		}
	}
	// 20 lines from one IP with a burst of 10 and 1 line/s: most are cut.
	if limited < 5 {
		t.Fatalf("%d of 20 lines limited, want most", limited)
	}
}

// TestConnectWatchDropLoopsLeaveNothingBehind: clients that connect, watch
// a playing table and drop, again and again, leave no session, goroutine
// or watcher behind.
func TestConnectWatchDropLoopsLeaveNothingBehind(t *testing.T) {
	srv, lb := testServer(t, table.Config{}, Config{MessageRate: 1000})
	anna := newPlayer(t, dial(t, srv, "websocket"), "Anna")
	anna.tableID = botTable(t, anna.c, msg{"pool_target": 50, "timeout_action": "bot-takeover"})
	tb, _ := lb.Table(anna.tableID)
	base := runtime.NumGoroutine()
	for i := range 60 {
		c := dial(t, srv, []string{"websocket", "xhr_streaming"}[i%2])
		c.signin(fmt.Sprint("Drop", i%7))
		c.send(msg{"type": "watch", "table": anna.tableID})
		c.await("table")
		c.close()
	}
	for began := time.Now(); tb.Summary().Watchers > 1 || runtime.NumGoroutine() > base+10; {
		if time.Since(began) > waitLimit {
			t.Fatalf("after the loops: %d watchers, %d goroutines (from %d)", tb.Summary().Watchers, runtime.NumGoroutine(), base)
		}
		time.Sleep(time.Millisecond) // polling the state, not timing it
	}
}
