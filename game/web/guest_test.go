package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// guestSignin signs c in as a guest and checks the welcome: guest, no player.
func guestSignin(t *testing.T, c *client) msg {
	t.Helper()
	c.send(msg{"type": "signin", "guest": true})
	w := c.await("welcome")
	if w["guest"] != true || w["player"] != nil {
		t.Fatalf("guest welcome %v, want guest:true and no player", w)
	}
	return w
}

// TestAGuestWatchesAPulkaAndNeverSeesAHand: over websocket and
// xhr-streaming, a guest watches Anna's pulka against two bots to its
// settlement; every deal view it gets is the spectators' view of some state
// of that deal (checked against the replayed deals), it is never offered a
// move, and it sees the result.
func TestAGuestWatchesAPulkaAndNeverSeesAHand(t *testing.T) {
	for _, transport := range []string{"websocket", "xhr_streaming"} {
		t.Run(transport, func(t *testing.T) {
			srv, lb := testServer(t, table.Config{}, Config{MessageRate: 1000})
			anna := newPlayer(t, dial(t, srv, transport), "Anna")
			anna.tableID = botTable(t, anna.c, msg{"pool_target": 2})
			gc := dial(t, srv, transport)
			guestSignin(t, gc)
			gc.await("lobby")
			guest := &player{c: gc, id: "guest (no player)", tableID: anna.tableID}
			gc.mu.Lock()
			guest.seen = len(gc.raw)
			gc.mu.Unlock()
			gc.send(msg{"type": "watch", "table": anna.tableID})
			finished := func(p *player) bool {
				var state string
				p.tv.get("state", &state)
				return state == string(protocol.StateFinished)
			}
			// Anna plays her first legal move each time; the test fails when
			// nothing happens for waitLimit (a hang), whatever the pulka's length.
			notify := make(chan struct{}, 1)
			for _, c := range []*client{anna.c, gc} {
				c.mu.Lock()
				c.notify = notify
				c.mu.Unlock()
			}
			last := time.Now()
			for !finished(anna) || !finished(guest) {
				before := anna.tv.v + guest.tv.v
				anna.pump(t, false)
				guest.pump(t, false)
				var legal []rules.Move
				anna.tv.get("legal", &legal)
				if len(legal) > 0 && anna.moved != anna.tv.v {
					anna.moved = anna.tv.v
					anna.c.send(msg{"type": "move", "table": anna.tableID, "move": legal[0]})
				}
				if anna.tv.v+guest.tv.v != before {
					last = time.Now()
				} else if time.Since(last) > waitLimit {
					t.Fatalf("nothing happened for %v: Anna at v%d, the guest at v%d", waitLimit, anna.tv.v, guest.tv.v)
				}
				select {
				case <-notify:
				case <-time.After(50 * time.Millisecond):
				}
			}
			tb, ok := lb.Table(anna.tableID)
			if !ok {
				t.Fatal("the table is gone")
			}
			for _, v := range guest.views {
				if v.seat != -1 {
					t.Fatalf("the guest was shown seat %d's view", v.seat)
				}
			}
			checked := checkViews(t, tb.Records(), []*player{guest})
			var result protocol.Settlement
			guest.tv.get("result", &result)
			if checked == 0 || result.Reason != "pool" {
				t.Fatalf("the guest checked %d deal views, result %+v: want some views and the pool's settlement", checked, result)
			}
			t.Logf("%d deal views of the guest checked", checked)
		})
	}
}

// TestAGuestMayOnlyWatch: every request but watch and leave is refused with
// signin_required, and the connection stays open (a watch still works
// after each refusal); signing in again on a guest connection is refused.
func TestAGuestMayOnlyWatch(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{MessageRate: 1000})
	anna := dial(t, srv, "websocket")
	anna.signin("Anna")
	anna.send(msg{"type": "set"})
	id := anna.await("created").str("table")
	move := msg{"seat": 0, "kind": "bid", "bid": "6S"}
	g := dial(t, srv, "xhr_streaming")
	guestSignin(t, g)
	for _, tc := range []struct {
		name string
		req  msg
		code protocol.Code
	}{
		{"lobby chat", msg{"type": "lobby_chat", "text": "hi"}, protocol.ErrSigninRequired},
		{"set a table", msg{"type": "set"}, protocol.ErrSigninRequired},
		{"choose conventions", msg{"type": "conventions", "table": id, "preset": "sochi"}, protocol.ErrSigninRequired},
		{"cancel", msg{"type": "cancel", "table": id}, protocol.ErrSigninRequired},
		{"sit", msg{"type": "sit", "table": id, "seat": 1}, protocol.ErrSigninRequired},
		{"stand", msg{"type": "stand", "table": id}, protocol.ErrSigninRequired},
		{"seat a bot", msg{"type": "add_bot", "table": id, "seat": 1}, protocol.ErrSigninRequired},
		{"move", msg{"type": "move", "table": id, "move": move}, protocol.ErrSigninRequired},
		{"table chat", msg{"type": "table_chat", "table": id, "text": "hi"}, protocol.ErrSigninRequired},
		{"unknown table is still signin_required", msg{"type": "sit", "table": "t404", "seat": 0}, protocol.ErrSigninRequired},
		{"sign in again", msg{"type": "signin", "name": "Boris"}, protocol.ErrSignedIn},
		{"sign in as a guest again", msg{"type": "signin", "guest": true}, protocol.ErrSignedIn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g.send(tc.req)
			if e := g.await("error"); e.str("code") != string(tc.code) || e.str("text") == "" {
				t.Fatalf("%v: %v, want code %s with a text", tc.req, e, tc.code)
			}
			g.send(msg{"type": "watch", "table": id})
			if v := g.await("table"); v.str("table") != id {
				t.Fatalf("watch after the refusal: %v", v)
			}
			g.send(msg{"type": "leave", "table": id})
			if l := g.await("left"); l.str("table") != id {
				t.Fatalf("leave: %v", l)
			}
		})
	}
}

// TestGuestsAreCountedNotListed: who is online lists players only; guests
// are a number, in the whole lobby and in the deltas as they come and go.
func TestGuestsAreCountedNotListed(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{})
	anna := dial(t, srv, "websocket")
	anna.signin("Anna")
	if l := anna.await("lobby"); l["guests"] != 0.0 {
		t.Fatalf("lobby with no guest: guests %v", l["guests"])
	}
	guests := []*client{dial(t, srv, "websocket"), dial(t, srv, "xhr_streaming")}
	for _, g := range guests {
		guestSignin(t, g)
	}
	awaitGuests := func(c *client, want float64) msg {
		t.Helper()
		for {
			m := c.next()
			switch m["type"] {
			case "lobby", "lobby_delta":
				if n, ok := m["guests"].(float64); ok && n == want {
					return m
				}
			}
		}
	}
	awaitGuests(anna, 2)
	// A third connection's whole lobby counts the guests and lists Anna only.
	boris := dial(t, srv, "websocket")
	boris.signin("Boris")
	l := boris.await("lobby")
	online := fmt.Sprint(l["online"])
	if l["guests"] != 2.0 || online != "[map[id:dev:Anna name:Anna]]" && online != "[map[id:dev:Anna name:Anna] map[id:dev:Boris name:Boris]]" {
		t.Fatalf("lobby: guests %v online %s, want 2 guests and the players only", l["guests"], online)
	}
	guests[0].close()
	awaitGuests(anna, 1)
	anna.mu.Lock()
	defer anna.mu.Unlock()
	for _, r := range anna.raw {
		if strings.Contains(r, `"id":""`) {
			t.Fatalf("a guest was listed: %s", r)
		}
	}
}

// TestGuestsAreHeldToThePerIPCap: guest sessions count toward the
// sessions of their IP address like anyone's; over the cap a new session
// is closed at once.
func TestGuestsAreHeldToThePerIPCap(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{SessionsPerIP: 2})
	for _, transport := range []string{"websocket", "xhr_streaming"} {
		guestSignin(t, dial(t, srv, transport))
	}
	if ce := refusedSession(t, srv); ce.Code != sockjs.CloseRejected {
		t.Fatalf("a third guest session from one IP: closed with %d %q, want %d (rejected)", ce.Code, ce.Reason, sockjs.CloseRejected)
	}
}

// TestAGuestNeedsNoTokenOnASignInClub: with sign-in mounted (sockets sign
// in by token), a connection with no token still comes in as a guest and
// gets the lobby, and is still refused what needs a player.
func TestAGuestNeedsNoTokenOnASignInClub(t *testing.T) {
	_, srv := authServer(t)
	g := dial(t, srv, "websocket")
	guestSignin(t, g)
	g.await("lobby")
	g.send(msg{"type": "set"})
	if e := g.await("error"); e.str("code") != string(protocol.ErrSigninRequired) {
		t.Fatalf("a guest setting a table: %v, want signin_required", e)
	}
}
