package cluster_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// Guests are counted across the club: every process's lobby shows the
// guests of all of them, and a process that is gone takes its guests
// along.
func TestGuestsAreCountedAcrossTheClub(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	a, b := startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db)
	guest := func() *lobbyConn { return &lobbyConn{got: make(chan []byte, 1<<12)} }
	shows := func(want int) {
		t.Helper()
		for _, p := range []*process{a, b} {
			waitFor(t, 20*time.Second, p.name+" shows the club's guests", func() bool { return snapshot(p.lobby).Guests == want })
		}
	}
	ga, gb, gb2 := guest(), guest(), guest()
	a.lobby.Join(ga, 0)
	shows(1)
	b.lobby.Join(gb, 0)
	b.lobby.Join(gb2, 0)
	shows(3)
	a.lobby.Leave(ga)
	shows(2)
	b.stop()
	waitFor(t, 20*time.Second, "a shows no guests once b is gone", func() bool { return snapshot(a.lobby).Guests == 0 })
}

// The tables set from one address count toward its limit
// (lobby.Config.MaxTablesPerIP, 4 by default) on every process, whichever
// process each was set on: past it, a table set on either is refused with
// table_limit; another address is not limited by them.
func TestTablesPerAddressAreCountedAcrossTheClub(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	a, b := startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db)
	home, other := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("198.51.100.1")
	player := func(id string) protocol.Player { return protocol.Player{ID: id, Name: "P" + id} }
	var ids []string
	for i, set := range []struct {
		p    *process
		who  string
		from netip.Addr
	}{{a, "1", home}, {a, "1", home}, {b, "2", home}, {b, "2", home}} {
		h, err := set.p.node.Set(player(set.who), set.from)
		if err != nil {
			t.Fatalf("table %d: %v", i+1, err)
		}
		ids = append(ids, h.ID())
	}
	// Each process has heard the other's tables and addresses once it has
	// heard a chat line said after them (notes keep their order).
	for _, p := range []*process{a, b} {
		waitFor(t, time.Minute, p.name+" lists the four tables", func() bool {
			listed := map[string]bool{}
			for _, s := range snapshot(p.lobby).Tables {
				listed[s.ID] = true
			}
			for _, id := range ids {
				if !listed[id] {
					return false
				}
			}
			return true
		})
	}
	a.lobby.Chat(&lobbyConn{p: player("9"), got: make(chan []byte, 1<<10)}, "after a's tables")
	b.lobby.Chat(&lobbyConn{p: player("9"), got: make(chan []byte, 1<<10)}, "after b's tables")
	for _, p := range []*process{a, b} {
		waitFor(t, time.Minute, p.name+" has both chat lines", func() bool { return len(snapshot(p.lobby).Chat) == 2 })
	}
	for _, p := range []*process{a, b} {
		_, err := p.node.Set(player("3"+p.name), home)
		var pe protocol.Error
		if !errors.As(err, &pe) || pe.Code != protocol.ErrTableLimit {
			t.Errorf("a fifth table from %v on %s: %v, want %s", home, p.name, err, protocol.ErrTableLimit)
		}
		if _, err := p.node.Set(player("4"+p.name), other); err != nil {
			t.Errorf("a table from another address on %s: %v", p.name, err)
		}
	}
}
