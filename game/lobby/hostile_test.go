package lobby

import (
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
	l.JoinView(other, 0, playing) // keeps the playing view
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
