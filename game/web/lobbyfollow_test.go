package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// lobbyMsgs returns the lobby messages ("lobby", "lobby_delta",
// "lobby_left") c gets up to and including the next "lobby_left", in order.
func lobbyMsgsUntilLeft(c *client) []msg {
	c.t.Helper()
	var out []msg
	for {
		m := c.next()
		if !strings.HasPrefix(m.str("type"), "lobby") {
			continue
		}
		out = append(out, m)
		if m["type"] == "lobby_left" {
			return out
		}
	}
}

// awaitChat returns the first lobby message c gets that carries chat line text.
func awaitChat(c *client, text string) msg {
	c.t.Helper()
	for {
		m := c.next()
		if t := m.str("type"); (t == "lobby" || t == "lobby_delta") && strings.Contains(fmt.Sprint(m["chat"]), "text:"+text+"]") {
			return m
		}
	}
}

// TestALobbyLeaverGetsNoDeltasAndRejoinsInOrder: over websocket and
// xhr-streaming, a client that leaves the lobby ({"type":"lobby",
// "follow":false}) gets no delta while others change it; following again
// from the version it left at brings exactly the deltas it missed, in
// order, then the next ones; following with v 0 brings the whole lobby at
// its version.
func TestALobbyLeaverGetsNoDeltasAndRejoinsInOrder(t *testing.T) {
	for _, transport := range []string{"websocket", "xhr_streaming"} {
		t.Run(transport, func(t *testing.T) {
			srv, _ := testServer(t, table.Config{}, Config{})
			anna, boris := dial(t, srv, transport), dial(t, srv, "websocket")
			anna.signin("Anna")
			boris.signin("Boris")
			boris.send(msg{"type": "lobby_chat", "text": "one"})
			awaitChat(anna, "one")
			awaitChat(boris, "one")

			anna.send(msg{"type": "lobby", "follow": false})
			left := lobbyMsgsUntilLeft(anna)
			leftAt := left[len(left)-1]["v"].(float64)

			// Boris changes the lobby twice while Anna is out of it.
			boris.send(msg{"type": "lobby_chat", "text": "two"})
			awaitChat(boris, "two")
			boris.send(msg{"type": "set"})
			created := boris.await("created")
			boris.send(msg{"type": "lobby_chat", "text": "three"})
			last := awaitChat(boris, "three")

			// Asking again is answered after every delta the lobby sent:
			// none of them reached Anna, and her version has not moved.
			anna.send(msg{"type": "lobby", "follow": false})
			got := lobbyMsgsUntilLeft(anna)
			if len(got) != 1 || got[0]["v"].(float64) != leftAt {
				t.Fatalf("after leaving at v%v Anna got %v, want only lobby_left at v%v", leftAt, got, leftAt)
			}

			// Following from leftAt: exactly the deltas after it, in order.
			anna.send(msg{"type": "lobby", "follow": true, "v": leftAt})
			v := leftAt
			tableSeen := false
			for v < last["v"].(float64) {
				m := anna.next()
				if m["type"] != "lobby_delta" {
					if strings.HasPrefix(m.str("type"), "lobby") {
						t.Fatalf("following from v%v: got %v, want deltas", leftAt, m)
					}
					continue
				}
				if m["since"].(float64) != v {
					t.Fatalf("delta v%v since v%v after v%v", m["v"], m["since"], v)
				}
				v = m["v"].(float64)
				tableSeen = tableSeen || strings.Contains(fmt.Sprint(m["tables"]), "id:"+created.str("table")+" ")
			}
			if !tableSeen {
				t.Fatalf("the deltas Anna missed do not list Boris's table %s", created.str("table"))
			}
			boris.send(msg{"type": "lobby_chat", "text": "four"})
			if m := awaitChat(anna, "four"); m["type"] != "lobby_delta" || m["since"].(float64) != v {
				t.Fatalf("following again: got %v, want the delta since v%v", m, v)
			}

			// Leaving and following with no version: the whole lobby.
			anna.send(msg{"type": "lobby", "follow": false})
			lobbyMsgsUntilLeft(anna)
			anna.send(msg{"type": "lobby", "follow": true})
			whole := anna.await("lobby")
			if !strings.Contains(fmt.Sprint(whole["tables"]), "id:"+created.str("table")+" ") || !strings.Contains(fmt.Sprint(whole["chat"]), "text:four]") {
				t.Fatalf("whole lobby %v lacks Boris's table or the chat", whole)
			}
			boris.send(msg{"type": "lobby_chat", "text": "five"})
			if m := awaitChat(anna, "five"); m["type"] != "lobby_delta" || m["since"].(float64) != whole["v"].(float64) {
				t.Fatalf("after the whole lobby v%v: got %v, want the next delta", whole["v"], m)
			}
		})
	}
}

// TestASignInWithoutTheLobbyIsOnlineButGetsNoLobby: "follow_lobby":false
// in the sign-in brings no lobby message at all, yet the player is listed
// online for the others; a guest may leave the lobby too.
func TestASignInWithoutTheLobbyIsOnlineButGetsNoLobby(t *testing.T) {
	srv, _ := testServer(t, table.Config{}, Config{})
	anna := dial(t, srv, "websocket")
	anna.signin("Anna")
	anna.await("lobby")

	carl := dial(t, srv, "xhr_streaming")
	carl.send(msg{"type": "signin", "name": "Carl", "follow_lobby": false})
	carl.await("welcome")
	for {
		m := anna.next()
		if t := m.str("type"); (t == "lobby_delta" || t == "lobby") && strings.Contains(fmt.Sprint(m["joined"], m["online"]), "id:dev:Carl") {
			break
		}
	}
	anna.send(msg{"type": "lobby_chat", "text": "hello"})
	awaitChat(anna, "hello")
	carl.send(msg{"type": "lobby", "follow": false})
	got := lobbyMsgsUntilLeft(carl)
	if len(got) != 1 || got[0]["v"].(float64) != 0 {
		t.Fatalf("Carl, who never followed, got %v, want only lobby_left at v0", got)
	}

	guest := dial(t, srv, "websocket")
	guestSignin(t, guest)
	guest.await("lobby")
	guest.send(msg{"type": "lobby", "follow": false})
	if got := lobbyMsgsUntilLeft(guest); got[len(got)-1]["type"] != "lobby_left" {
		t.Fatalf("guest: %v", got)
	}
}

// TestALobbyViewIsThePageTheClientAsksFor: over websocket and
// xhr-streaming, a sign-in's "lobby_view" and a follow's "view" bring that
// page of the lobby whole (its tables, how many match, the counts); a bad
// view is a bad_request and the connection keeps its view and its deltas.
func TestALobbyViewIsThePageTheClientAsksFor(t *testing.T) {
	for _, transport := range []string{"websocket", "xhr_streaming"} {
		t.Run(transport, func(t *testing.T) {
			srv, _ := testServer(t, table.Config{}, Config{})
			for _, name := range []string{"Anna", "Boris", "Vera"} {
				c := dial(t, srv, "websocket")
				c.signin(name)
				c.send(msg{"type": "set"})
				c.await("created")
			}
			carl := dial(t, srv, transport)
			carl.send(msg{"type": "signin", "name": "Carl", "lobby_view": msg{"tables": 1}})
			// the three tables may come in the sign-in's lobby or after it
			var page msg
			shown := map[any]bool{}
			for page == nil || page["total"].(float64) != 3 {
				m := carl.next()
				switch m["type"] {
				case "lobby":
					page, shown = m, map[any]bool{}
				case "lobby_delta":
					if m["total"] != nil {
						page["total"] = m["total"]
					}
					for _, id := range m.list("removed") {
						delete(shown, id)
					}
				default:
					continue
				}
				for _, x := range m.list("tables") {
					shown[x.(map[string]any)["id"]] = true
				}
			}
			if len(shown) != 1 || page["view"].(map[string]any)["tables"].(float64) != 1 {
				t.Fatalf("a view of one table: tables %v, view %v", shown, page["view"])
			}
			carl.send(msg{"type": "lobby", "follow": true, "v": page["v"], "view": msg{"tables": 2}})
			more := carl.await("lobby")
			if n := len(more["tables"].([]any)); n != 2 || more["total"].(float64) != 3 || more["counts"].(map[string]any)["convention"].(float64) != 3 {
				t.Fatalf("more: %d tables of %v, counts %v; want 2 of 3, 3 being set", n, more["total"], more["counts"])
			}
			carl.send(msg{"type": "lobby", "follow": true, "view": msg{"tables": 501}})
			if e := carl.await("error"); e["code"] != "bad_request" || !strings.Contains(e.str("text"), "tables must be") {
				t.Fatalf("a page of 501: %v, want bad_request", e)
			}
			carl.send(msg{"type": "lobby_chat", "text": "still here"})
			// The view it had goes on: deltas from the version of "more"
			// on, each from the one before (another change, a presence,
			// may come first on a busy machine), and no whole lobby.
			for v := more["v"].(float64); ; {
				m := carl.next()
				if m.str("type") == "lobby" {
					t.Fatalf("after the bad view: a whole lobby %v, want the deltas of the view it had", m)
				}
				if m.str("type") != "lobby_delta" {
					continue
				}
				if m["since"].(float64) != v {
					t.Fatalf("after the bad view: %v, want the delta since v%v of the view it had", m, v)
				}
				if strings.Contains(fmt.Sprint(m["chat"]), "text:still here]") {
					break
				}
				v = m["v"].(float64)
			}

			guest := dial(t, srv, transport)
			guest.send(msg{"type": "signin", "guest": true, "lobby_view": msg{"state": "playing"}})
			if m := guest.await("lobby"); len(m["tables"].([]any)) != 0 || m["total"].(float64) != 0 || m["counts"].(map[string]any)["convention"].(float64) != 3 {
				t.Fatalf("the playing tables of a club with none: %v", m)
			}
		})
	}
}

// list returns m[k] as a list, nil when it is not one.
func (m msg) list(k string) []any { l, _ := m[k].([]any); return l }

// TestLobbyViewsAreChargedToTheClientsAddress: the site tells the lobby
// each connection's address (here behind a trusted proxy, from
// X-Forwarded-For): the connections of one address make at most
// lobby.DefaultViewsPerAddress views of the lobby (the next is answered
// lobby_busy and gets the default view), and another address still gets
// the view it asks for.
func TestLobbyViewsAreChargedToTheClientsAddress(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	srv, _ := testServer(t, table.Config{}, Config{SockJS: &sockjs.Options{MaxMessageSize: 8192, TrustedProxies: proxy}})
	// ask signs a guest in from address from with a view of n tables and
	// returns the error code it gets, "" when it gets that view.
	ask := func(from string, n int) string {
		t.Helper()
		c := dialWith(t, srv, "websocket", http.Header{"X-Forwarded-For": {from}})
		c.send(msg{"type": "signin", "guest": true, "lobby_view": msg{"tables": n}})
		for {
			switch m := c.next(); m.str("type") {
			case "error":
				return m.str("code")
			case "lobby":
				if view, _ := m["view"].(map[string]any); view["tables"] != float64(n) {
					t.Fatalf("asked for %d tables, got the view %v and no error", n, view)
				}
				return ""
			}
		}
	}
	for i := range lobby.DefaultViewsPerAddress {
		if code := ask("198.51.100.1", 100+i); code != "" {
			t.Fatalf("view %d of the address: %s", i+1, code)
		}
	}
	if code := ask("198.51.100.1", 200); code != string(protocol.ErrLobbyBusy) {
		t.Fatalf("view %d of the address: %q, want lobby_busy", lobby.DefaultViewsPerAddress+1, code)
	}
	if code := ask("198.51.100.2", 200); code != "" {
		t.Fatalf("another address's view: %s", code)
	}
}
