package lobby

import (
	"encoding/json"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// manualClock is a table.Clock whose time moves only by advance, which
// calls the timers that fall due (in the caller's goroutine).
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

type manualTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func (t *manualTimer) Stop() bool { was := !t.stopped; t.stopped = true; return was }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) AfterFunc(d time.Duration, f func()) table.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*manualTimer
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t)
		} else {
			kept = append(kept, t)
		}
	}
	c.timers = kept
	c.mu.Unlock()
	for _, t := range due {
		if !t.stopped {
			t.f()
		}
	}
}

// deltas returns the lobby deltas c got.
func (c *fakeConn) deltas(t *testing.T) []protocol.LobbyDelta {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []protocol.LobbyDelta
	for _, m := range c.msgs {
		var d struct {
			Type string
			protocol.LobbyDelta
		}
		if err := json.Unmarshal([]byte(m), &d); err != nil {
			t.Fatal(err)
		}
		if d.Type == "lobby_delta" {
			out = append(out, d.LobbyDelta)
		}
	}
	return out
}

// A change of presence alone (a guest, a player online, a table's
// watchers) waits up to PresenceFlush, so that a storm of them makes one
// delta a second rather than one each Flush; any other change brings the
// flush forward to Flush, and the presence waiting rides along.
func TestPresenceAloneWaitsForPresenceFlush(t *testing.T) {
	guest := func() *fakeConn { return &fakeConn{} }
	tests := []struct {
		name string
		// change makes the change under test; the lobby has Anna and her
		// table in the convention state, and another process's table r1
		// waiting for players.
		change   func(l *Lobby, tb *table.Table)
		presence bool // only presence changed: no delta after Flush
	}{
		{"a guest comes", func(l *Lobby, _ *table.Table) { l.Join(guest(), 0) }, true},
		{"a player comes online", func(l *Lobby, _ *table.Table) { l.Join(conn("Boris"), 0) }, true},
		{"a guest watches a table", func(_ *Lobby, tb *table.Table) { tb.Watch(guest(), 0) }, true},
		{"a table is set", func(l *Lobby, _ *table.Table) {
			if _, err := l.Set(conn("Vera").p, netip.Addr{}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a remote table's watchers change", func(l *Lobby, _ *table.Table) {
			l.PutRemote(protocol.Summary{ID: "r1", State: protocol.StateWaiting, Players: 3, Watchers: 7})
		}, true},
		{"a remote table starts", func(l *Lobby, _ *table.Table) {
			l.PutRemote(protocol.Summary{ID: "r1", State: protocol.StatePlaying, Players: 3})
		}, false},
		{"a remote table appears", func(l *Lobby, _ *table.Table) {
			l.PutRemote(protocol.Summary{ID: "r2", State: protocol.StateWaiting, Players: 3})
		}, false},
		{"a guest comes and a table is set", func(l *Lobby, _ *table.Table) {
			l.Join(guest(), 0)
			if _, err := l.Set(conn("Vera").p, netip.Addr{}); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &manualClock{now: time.Unix(1_800_000_000, 0)}
			const flush, presence = 250 * time.Millisecond, time.Second
			l := newLobby(t, Config{Flush: flush, PresenceFlush: presence, Table: table.Config{Clock: clk}})
			anna := conn("Anna")
			l.Join(anna, 0)
			tb, err := l.Set(anna.p, netip.Addr{})
			if err != nil {
				t.Fatal(err)
			}
			// another process's table, listed here (as game/cluster does)
			l.PutRemote(protocol.Summary{ID: "r1", State: protocol.StateWaiting, Players: 3})
			tb.Version() // the table has told the lobby
			l.Version()  // the lobby has taken it
			clk.advance(presence)
			l.Version() // the flush ran
			before := len(anna.deltas(t))
			v := l.Version()

			tt.change(l, tb)
			tb.Version()
			l.Version()
			clk.advance(flush)
			l.Version()
			ds := anna.deltas(t)[before:]
			if tt.presence {
				if len(ds) != 0 {
					t.Fatalf("a delta after Flush for presence alone: %+v", ds)
				}
				clk.advance(presence - flush)
				l.Version()
				ds = anna.deltas(t)[before:]
			}
			if len(ds) != 1 || ds[0].V != v+1 {
				t.Fatalf("deltas %+v, want one at v%d", ds, v+1)
			}
		})
	}
}
