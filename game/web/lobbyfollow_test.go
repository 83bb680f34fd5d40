package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/table"
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
				if m["v"].(float64) != v+1 {
					t.Fatalf("delta v%v after v%v", m["v"], v)
				}
				v++
				tableSeen = tableSeen || strings.Contains(fmt.Sprint(m["tables"]), "id:"+created.str("table")+" ")
			}
			if !tableSeen {
				t.Fatalf("the deltas Anna missed do not list Boris's table %s", created.str("table"))
			}
			boris.send(msg{"type": "lobby_chat", "text": "four"})
			if m := awaitChat(anna, "four"); m["type"] != "lobby_delta" || m["v"].(float64) != v+1 {
				t.Fatalf("following again: got %v, want the delta v%v", m, v+1)
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
			if m := awaitChat(anna, "five"); m["type"] != "lobby_delta" || m["v"].(float64) != whole["v"].(float64)+1 {
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
