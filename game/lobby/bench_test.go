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

// BenchmarkLobbyChange measures one table's change in a lobby of 1,000
// tables and 5,000 people: the bytes of the delta (encoded once, the same
// bytes to everyone) and of a whole lobby (what a new sign-in gets).
func BenchmarkLobbyChange(b *testing.B) {
	l := New(Config{Logger: slog.New(slog.DiscardHandler), MaxTables: 1000, MaxTablesPerPlayer: 2, Flush: 1 << 40,
		Table: table.Config{ConventionTime: 1 << 40}})
	b.Cleanup(l.Stop)
	var tables []*table.Table
	for i := range 500 {
		p := protocol.Player{ID: fmt.Sprint("dev:p", i), Name: fmt.Sprint("Player ", i)}
		for range 2 {
			t, err := l.Set(p, netip.Addr{})
			if err != nil {
				b.Fatal(err)
			}
			tables = append(tables, t)
		}
	}
	conns := make([]*countConn, 5000)
	for i := range conns {
		conns[i] = &countConn{p: protocol.Player{ID: fmt.Sprint("dev:w", i), Name: fmt.Sprint("Watcher ", i)}}
		l.Join(conns[i], 0)
	}
	var snapshot, delta int
	l.act.Ask(func(s *state) {
		s.flush()
		snapshot = protocol.Encode(s.snapshot(s.defView)).Len()
	})
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
	l := New(Config{Logger: slog.New(slog.DiscardHandler), MaxTables: 1000, MaxTablesPerPlayer: 2, Flush: 1 << 40,
		Table: table.Config{ConventionTime: 1 << 40}})
	b.Cleanup(l.Stop)
	for i := range 500 {
		p := protocol.Player{ID: fmt.Sprint("dev:p", i), Name: fmt.Sprint("Player ", i)}
		for range 2 {
			if _, err := l.Set(p, netip.Addr{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range 5000 {
		l.Join(&countConn{p: protocol.Player{ID: fmt.Sprint("dev:w", i), Name: fmt.Sprint("Watcher ", i)}}, 0)
	}
	l.act.Ask(func(s *state) { s.flush() })
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
