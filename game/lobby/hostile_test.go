package lobby

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// pending is how many timers of clk have neither fired nor stopped.
func (c *manualClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.stopped {
			n++
		}
	}
	return n
}

// A client that alternates "unfollow" and "lobby" with version 0 (two
// messages it may send at any rate) costs the lobby one waiting whole at
// most: not a timer per request, and not a debt that delays the whole it
// asks for once it behaves.
func TestUnfollowAndFollowAgainAndAgainCostsOneWaitingWhole(t *testing.T) {
	l, clk := manualLobby(t, Config{ResyncEvery: time.Second})
	l.PutRemote(remote("r1", protocol.StateWaiting, 3, "sochi", 1, 0))
	flush(l)
	c := conn("Anna")
	l.Join(c, 0)
	for range resyncBurst {
		l.Follow(c, 0)
	}
	l.Version()
	before := clk.pending()
	for range 100 {
		l.Unfollow(c)
		l.Follow(c, 0)
	}
	l.Version()
	if n := clk.pending() - before; n > 1 {
		t.Errorf("100 unfollow+follow pairs left %d timers pending, want at most 1", n)
	}
	wholes := c.fold(t).wholes
	clk.advance(2 * time.Second)
	l.Version()
	if f := c.fold(t); f.wholes != wholes+1 {
		t.Errorf("2 s after the last follow: %d wholes, want %d (the one it asked for)", f.wholes, wholes+1)
	}
}

// A client that asks for a view twice before its whole comes (the page's
// gap request or a follow again carry the version of the view it still
// shows) gets no delta of the new view before the whole: such a delta
// applies to the old view's tables when the versions meet (versions are
// the lobby's, shared by every view).
func TestNoDeltaOfANewViewBeforeItsWhole(t *testing.T) {
	l, clk := manualLobby(t, Config{ResyncEvery: time.Second})
	playing := &protocol.LobbyView{State: protocol.StatePlaying}
	other := &fakeConn{}
	l.JoinView(other, netip.Addr{}, 0, playing) // keeps the playing view
	l.PutRemote(remote("w1", protocol.StateWaiting, 3, "sochi", 1, 0))
	l.PutRemote(remote("p1", protocol.StatePlaying, 3, "sochi", 0, 0))
	flush(l)
	c := conn("Anna")
	l.Join(c, 0)
	for range resyncBurst - 1 {
		l.Follow(c, 0) // its burst of wholes spent
	}
	l.Version()
	v := c.fold(t).v
	l.FollowView(c, v, playing) // its whole waits its turn
	l.FollowView(c, v, playing) // asked again with the version it shows
	l.PutRemote(remote("p2", protocol.StatePlaying, 3, "sochi", 0, 0))
	flush(l)
	if f := c.fold(t); f.deltas != 0 {
		t.Errorf("%d deltas before the whole of the view asked for (the page shows %d tables of view %+v)", f.deltas, len(f.tables), f.view)
	}
	clk.advance(time.Second)
	l.Version()
	if d := same(c.fold(t), whole(t, l, playing)); d != "" {
		t.Errorf("after its whole the client has %s", d)
	}
}

// lobbyLeft is the version of the last "lobby_left" c got.
func (c *fakeConn) lobbyLeft(t *testing.T) uint64 {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.msgs) - 1; i >= 0; i-- {
		var left struct {
			Type string
			V    uint64
		}
		if err := json.Unmarshal([]byte(c.msgs[i]), &left); err != nil {
			t.Fatal(err)
		}
		if left.Type == "lobby_left" {
			return left.V
		}
	}
	t.Fatal("no lobby_left")
	return 0
}

// "lobby_left" carries the version of its view the client holds, the one
// to follow again from, whatever it was waiting for when it left: a client
// told an older one re-applies deltas it has (chat lines twice), one told
// a newer one misses deltas.
func TestLobbyLeftCarriesTheVersionTheClientHolds(t *testing.T) {
	tests := []struct {
		name string
		// before runs after Anna spent her burst of wholes and left the
		// lobby once and followed again from the version she was told
		// (the deltas she missed came): she follows, holding a version.
		before func(t *testing.T, l *Lobby, c *fakeConn)
		// want is the version lobby_left must carry, from what Anna
		// folded.
		want func(f folded) uint64
	}{
		{"a follower holds the last delta", func(*testing.T, *Lobby, *fakeConn) {}, func(f folded) uint64 { return f.v }},
		{"while its whole waits it holds what it had", func(_ *testing.T, l *Lobby, c *fakeConn) {
			l.Follow(c, 0) // a whole it waits for
		}, func(f folded) uint64 { return f.v }},
		{"while the whole of another view waits it holds none of that view", func(t *testing.T, l *Lobby, c *fakeConn) {
			l.FollowView(c, c.fold(t).v, &protocol.LobbyView{State: protocol.StateWaiting})
		}, func(folded) uint64 { return 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := manualLobby(t, Config{ResyncEvery: time.Hour})
			change := func(id string) {
				l.PutRemote(remote(id, protocol.StateWaiting, 3, "sochi", 1, 0))
				l.PeerChat(protocol.ChatLine{From: protocol.Player{ID: "b", Name: "Boris"}, Text: "in " + id})
				flush(l)
			}
			change("r1")
			c := conn("Anna")
			l.Join(c, 0)
			for range resyncBurst - 1 {
				l.Follow(c, 0) // her burst spent
			}
			l.Unfollow(c)
			l.Version()
			first := c.lobbyLeft(t)
			change("r2")
			l.Follow(c, first) // the delta she missed
			change("r3")
			l.Version()
			if f := c.fold(t); f.wholes != resyncBurst || f.deltas != 2 {
				t.Fatalf("before: %d wholes %d deltas, want %d and 2", f.wholes, f.deltas, resyncBurst)
			}
			tt.before(t, l, c)
			change("r4") // she does not get it when her whole waits
			l.Unfollow(c)
			l.Version()
			f := c.fold(t)
			if got, want := c.lobbyLeft(t), tt.want(f); got != want {
				t.Fatalf("lobby_left v%d, want v%d (she holds v%d; the first lobby_left was v%d)", got, want, f.v, first)
			}
		})
	}
}
