package lobby

import (
	"encoding/json"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

type fakeConn struct {
	p    protocol.Player
	mu   sync.Mutex
	msgs []string

	folded     folded // msgs[:foldedUpTo] applied (fold)
	foldedUpTo int
}

func conn(name string) *fakeConn { return &fakeConn{p: protocol.Player{ID: "dev:" + name, Name: name}} }

func (c *fakeConn) Player() protocol.Player { return c.p }

func (c *fakeConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.msgs = append(c.msgs, string(m.Bytes()))
	}
}

// lobbyView folds c's lobby messages as the page does and returns the
// tables, who is online and the version; it fails on a version gap.
func (c *fakeConn) lobbyView(t *testing.T) (map[string]protocol.Summary, map[string]bool, uint64, int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	tables, online := map[string]protocol.Summary{}, map[string]bool{}
	var v uint64
	deltas := 0
	for _, m := range c.msgs {
		var head struct{ Type string }
		_ = json.Unmarshal([]byte(m), &head)
		switch head.Type {
		case "lobby":
			var l protocol.Lobby
			if err := json.Unmarshal([]byte(m), &l); err != nil {
				t.Fatal(err)
			}
			tables, online, v = map[string]protocol.Summary{}, map[string]bool{}, l.V
			for _, s := range l.Tables {
				tables[s.ID] = s
			}
			for _, p := range l.Online {
				online[p.ID] = true
			}
		case "lobby_delta":
			var d protocol.LobbyDelta
			if err := json.Unmarshal([]byte(m), &d); err != nil {
				t.Fatal(err)
			}
			if d.V <= v {
				continue
			}
			if d.Since != v {
				t.Fatalf("delta v%d since v%d after v%d", d.V, d.Since, v)
			}
			v = d.V
			deltas++
			for _, s := range d.Tables {
				tables[s.ID] = s
			}
			for _, id := range d.Removed {
				delete(tables, id)
			}
			for _, p := range d.Joined {
				online[p.ID] = true
			}
			for _, p := range d.Gone {
				delete(online, p.ID)
			}
		}
	}
	return tables, online, v, deltas
}

func newLobby(t *testing.T, cfg Config) *Lobby {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	if cfg.Flush == 0 {
		cfg.Flush = time.Millisecond
	}
	l := New(cfg)
	t.Cleanup(l.Stop)
	return l
}

// settle waits until the lobby has flushed what it has, by version.
func settle(t *testing.T, l *Lobby, c *fakeConn, want func(map[string]protocol.Summary, map[string]bool) bool) (map[string]protocol.Summary, map[string]bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tables, online, _, _ := c.lobbyView(t)
		if want(tables, online) {
			return tables, online
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lobby did not settle: tables %v online %v", tables, online)
		}
		time.Sleep(time.Millisecond) // polling the lobby's state, nothing is timed
	}
}

func TestEveryoneSeesTablesAndPresenceAsDeltas(t *testing.T) {
	l := newLobby(t, Config{})
	anna, boris := conn("Anna"), conn("Boris")
	l.Join(anna, 0)
	l.Join(boris, 0)
	tb, err := l.Set(anna.p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	tables, online := settle(t, l, boris, func(tables map[string]protocol.Summary, online map[string]bool) bool {
		return tables[tb.ID()].State == protocol.StateConvention && online["dev:Anna"]
	})
	if tables[tb.ID()].Creator != anna.p || !online["dev:Boris"] {
		t.Fatalf("boris sees %+v, online %v", tables, online)
	}
	tb.Cancel(anna)
	settle(t, l, boris, func(tables map[string]protocol.Summary, _ map[string]bool) bool {
		_, ok := tables[tb.ID()]
		return !ok
	})
	l.Leave(anna)
	settle(t, l, boris, func(_ map[string]protocol.Summary, online map[string]bool) bool { return !online["dev:Anna"] })
}

func TestTablesSetAreLimitedPerPlayerAndPerAddress(t *testing.T) {
	home, office := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	type set struct {
		who  string
		from netip.Addr
		want protocol.Code // "" for a table
	}
	cases := []struct {
		name string
		sets []set
	}{
		{"a player sets at most MaxTablesPerPlayer", []set{
			{"Anna", home, ""}, {"Anna", home, ""}, {"Anna", office, protocol.ErrTableLimit}, {"Boris", office, ""},
		}},
		{"a second identity from the same address cannot exceed MaxTablesPerIP", []set{
			{"Anna", home, ""}, {"Anna", home, ""}, {"Boris", home, ""}, {"Boris", home, protocol.ErrTableLimit},
			{"Vera", home, protocol.ErrTableLimit}, {"Vera", office, ""},
		}},
		{"an unknown address counts only per player", []set{
			{"Anna", netip.Addr{}, ""}, {"Boris", netip.Addr{}, ""}, {"Vera", netip.Addr{}, ""}, {"Gleb", netip.Addr{}, ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLobby(t, Config{MaxTablesPerPlayer: 2, MaxTablesPerIP: 3})
			for i, st := range tc.sets {
				_, err := l.Set(conn(st.who).p, st.from)
				var pe protocol.Error
				switch {
				case st.want == "" && err != nil:
					t.Fatalf("set %d (%s from %v): %v", i+1, st.who, st.from, err)
				case st.want != "" && (err == nil || !asError(err, &pe) || pe.Code != st.want):
					t.Fatalf("set %d (%s from %v): %v, want %s", i+1, st.who, st.from, err, st.want)
				}
			}
		})
	}
}

func asError(err error, pe *protocol.Error) bool {
	e, ok := err.(protocol.Error)
	*pe = e
	return ok
}

func TestAReconnectGetsExactlyTheMissedDeltas(t *testing.T) {
	l := newLobby(t, Config{})
	anna, watcher := conn("Anna"), conn("Watcher")
	l.Join(watcher, 0)
	l.Join(anna, 0)
	settle(t, l, watcher, func(_ map[string]protocol.Summary, online map[string]bool) bool { return online["dev:Anna"] })
	_, _, v, _ := watcher.lobbyView(t)
	for range 2 {
		if _, err := l.Set(anna.p, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	tables, _ := settle(t, l, watcher, func(tables map[string]protocol.Summary, _ map[string]bool) bool { return len(tables) == 2 })
	back := conn("Watcher")
	back.Send(protocol.Encode(protocol.Lobby{V: v, Tables: []protocol.Summary{}})) // what it had
	l.Join(back, v)
	got, _ := settle(t, l, back, func(tables map[string]protocol.Summary, _ map[string]bool) bool { return len(tables) == 2 })
	if _, _, _, deltas := back.lobbyView(t); deltas == 0 {
		t.Fatal("the reconnect got the whole lobby, not the deltas")
	}
	for id := range tables {
		if _, ok := got[id]; !ok {
			t.Fatalf("missed table %s", id)
		}
	}
}

func TestAFullClubRefusesANewTable(t *testing.T) {
	l := newLobby(t, Config{MaxTables: 1, Table: table.Config{ConventionTime: time.Hour}})
	if _, err := l.Set(conn("Anna").p, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	_, err := l.Set(conn("Boris").p, netip.Addr{})
	var pe protocol.Error
	if !asError(err, &pe) || pe.Code != protocol.ErrClubFull {
		t.Fatalf("second table in a club of one: %v, want club_full", err)
	}
}

func TestAFullClubNeverReclaimsATableWhosePulkaIsNotStored(t *testing.T) {
	l := newLobby(t, Config{MaxTables: 2, Table: table.Config{ConventionTime: time.Hour}})
	a, err := l.Set(conn("Anna").p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Set(conn("Boris").p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	// Both are finished as far as the lobby knows; Anna's pulka is not
	// stored yet.
	l.act.Ask(func(s *state) {
		for _, tb := range []*table.Table{a, b} {
			sum := s.summaries[tb.ID()]
			sum.State, sum.Unstored = protocol.StateFinished, tb == a
			s.update(sum)
		}
	})
	if _, err := l.Set(conn("Vera").p, netip.Addr{}); err != nil {
		t.Fatalf("a full club with a stored finished table: %v", err)
	}
	if _, ok := l.Table(a.ID()); !ok {
		t.Fatal("the table whose pulka is not stored was reclaimed")
	}
	if _, ok := l.Table(b.ID()); ok {
		t.Fatal("the stored finished table was not reclaimed")
	}
	_, err = l.Set(conn("Gleb").p, netip.Addr{})
	var pe protocol.Error
	if !asError(err, &pe) || pe.Code != protocol.ErrClubFull {
		t.Fatalf("only an unstored finished table left: %v, want club_full", err)
	}
}
