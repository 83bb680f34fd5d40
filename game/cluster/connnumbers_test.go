package cluster

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// namedConn is a connection of one player.
type namedConn struct{ p protocol.Player }

func (c *namedConn) Player() protocol.Player        { return c.p }
func (c *namedConn) Send(msgs ...*protocol.Encoded) {}

// A process killed and started again under the same name (-node b) is
// heard from again before its peers count it gone: their proxies of its
// old connections stay at their tables, and what they send them is
// addressed by connection number. A number of the old process must name
// no connection of the new one, or Boris's seat's events (his cards) go
// to whoever the new process numbered the same.
func TestARestartedProcessNumbersItsConnectionsAnew(t *testing.T) {
	old, restarted := newConnRegistry(), newConnRegistry()
	boris := old.id(&namedConn{protocol.Player{ID: "2", Name: "Boris"}})
	vera := &namedConn{protocol.Player{ID: "3", Name: "Vera"}}
	restarted.id(vera)
	if c, ok := restarted.conn(boris); ok {
		t.Errorf("Boris's connection number %d of the old process names %s's connection in the new one", boris, c.Player().Name)
	}
}
