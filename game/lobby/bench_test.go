package lobby

import (
	"fmt"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

type countConn struct {
	p     protocol.Player
	bytes int
	msgs  int
}

func (c *countConn) Player() protocol.Player { return c.p }

func (c *countConn) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		c.bytes += m.Len()
		c.msgs++
	}
}

// benchClub is the club a benchmark measures the lobby in; the lobby
// flushes only when the benchmark says (flush).
type benchClub struct {
	// Local tables are set in the lobby, two by each player, in the
	// convention state for ever.
	Local int
	// Remote tables are listed as another process's (as game/cluster
	// lists them: a summary each), a tenth waiting for a third player and
	// the rest playing with three named players and a few watchers: the
	// shape of a busy club of bot tables.
	Remote int
	// Watchers are players online, each following the default view.
	Watchers int
}

// build returns the club's lobby, flushed, with its local tables and its
// watchers' connections.
func (club benchClub) build(b testing.TB) (*Lobby, []*table.Table, []*countConn) {
	b.Helper()
	l := New(Config{Logger: slog.New(slog.DiscardHandler), MaxTables: max(club.Local, DefaultMaxTables), Flush: 1 << 40,
		Table: table.Config{ConventionTime: 1 << 40}})
	b.Cleanup(l.Stop)
	var tables []*table.Table
	for i := range club.Local {
		p := protocol.Player{ID: fmt.Sprint("dev:p", i/2), Name: fmt.Sprint("Player ", i/2)}
		t, err := l.Set(p, netip.Addr{})
		if err != nil {
			b.Fatal(err)
		}
		tables = append(tables, t)
	}
	for i := range club.Remote {
		sum := protocol.Summary{ID: fmt.Sprint("r", i), State: protocol.StatePlaying, Creator: protocol.Player{ID: fmt.Sprint(i * 3), Name: fmt.Sprint("load-", i*3)},
			Preset: "sochi", Players: 3, PoolTarget: 10, MoveTime: 60, TimeoutAction: "auto-pass", Watchers: i % 4, Deals: i % 9}
		for s := range 3 {
			sum.Seats = append(sum.Seats, protocol.Seat{Player: protocol.Player{ID: fmt.Sprint(i*3 + s), Name: fmt.Sprint("load-", i*3+s)}, Online: true})
		}
		if i%10 == 0 {
			sum.State, sum.Seats[2], sum.Deals = protocol.StateWaiting, protocol.Seat{}, 0
		}
		l.PutRemote(sum)
	}
	watchers := make([]*countConn, club.Watchers)
	for i := range watchers {
		watchers[i] = &countConn{p: protocol.Player{ID: fmt.Sprint("dev:w", i), Name: fmt.Sprint("Watcher ", i)}}
		l.Join(watchers[i], 0)
	}
	flush(l)
	return l, tables, watchers
}

// signinStorm signs n named players in to l one after another, each
// following the lobby, over ten flushes (a storm lasts seconds whatever
// its size, and presence goes out once a second), and returns their
// connections.
func signinStorm(l *Lobby, n int) []*countConn {
	conns := make([]*countConn, n)
	for i := range conns {
		conns[i] = &countConn{p: protocol.Player{ID: fmt.Sprint("dev:s", i), Name: fmt.Sprintf("Storm %05d", (i*7919)%n)}}
		l.Join(conns[i], 0)
		if (i+1)%max(n/10, 1) == 0 {
			flush(l)
		}
	}
	flush(l)
	return conns
}

// BenchmarkLobbyChange measures one table's change in a lobby of 1,000
// tables and 5,000 people: the bytes of the delta (encoded once, the same
// bytes to everyone) and of a whole lobby (what a new sign-in gets).
func BenchmarkLobbyChange(b *testing.B) {
	l, tables, conns := benchClub{Local: 1000, Watchers: 5000}.build(b)
	var snapshot, delta int
	l.act.Ask(func(s *state) { snapshot = protocol.Encode(s.snapshot(s.defView)).Len() })
	before := conns[0].bytes
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		l.act.Ask(func(s *state) {
			sum := s.summaries[tables[i%len(tables)].ID()]
			sum.Watchers = i + 1
			s.update(sum)
			s.flush()
		})
	}
	b.StopTimer()
	delta = (conns[0].bytes - before) / b.N
	b.ReportMetric(float64(delta), "delta-bytes")
	b.ReportMetric(float64(snapshot), "lobby-bytes")
	b.ReportMetric(float64(delta*len(conns)), "wire-bytes/change")
}

// BenchmarkLobbyJoin measures a sign-in to a lobby of 1,000 tables and
// 5,000 people.
func BenchmarkLobbyJoin(b *testing.B) {
	l, _, _ := benchClub{Local: 1000, Watchers: 5000}.build(b)
	c := &countConn{p: protocol.Player{ID: "dev:new", Name: "New"}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		l.Join(c, 0)
		l.Leave(c)
	}
	l.Version()
	b.StopTimer()
	b.ReportMetric(float64(c.bytes)/float64(b.N), "bytes/join")
}
