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
