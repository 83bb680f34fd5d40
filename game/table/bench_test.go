package table

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// benchTable is a table of three players, each with a connection, and a
// spectator, playing a pulka that never ends (pool 10000).
func benchTable(b *testing.B, id string) *Table {
	b.Helper()
	anna := &countConn{p: player("Anna")}
	tb, err := New(Config{ID: id, Creator: anna.p, Logger: slog.New(slog.DiscardHandler),
		Seeds: rand.NewChaCha8([32]byte{byte(len(id))}), DealPause: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(tb.Stop)
	tb.Watch(anna, 0)
	tb.SetConventions(anna, "sochi", map[string]json.RawMessage{"pool_target": json.RawMessage("10000")})
	tb.Sit(&countConn{p: player("Boris")}, 1)
	tb.Watch(&countConn{p: player("Spectator")}, 0)
	tb.Sit(&countConn{p: player("Vera")}, 2)
	if s := tb.Summary(); s.State != protocol.StatePlaying {
		b.Fatalf("state %q", s.State)
	}
	return tb
}

// countConn counts what it is sent, as a session queue would take it.
type countConn struct {
	p     protocol.Player
	bytes int
}

func (c *countConn) Player() protocol.Player { return c.p }

func (c *countConn) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		c.bytes += m.Len()
	}
}

// moves plays n moves on the table's goroutine through the one move path
// (rules, journal, clock, encoding per audience, sending), dealing the next
// deal at once when one ends.
func moves(tb *Table, n int) {
	tb.act.Ask(func(t *tbl) {
		for range n {
			if t.deal.Done() {
				t.nextDeal()
			}
			legal := rules.LegalMoves(&t.deal, t.buf[:0])
			m := (&simpleBot{rng: t.rng}).Move(rules.View(t.deal, t.deal.Actor()), legal)
			if err := t.play(m, byPlayer, protocol.KindMove, 0); err != nil {
				panic(err)
			}
		}
	})
}

// BenchmarkMovesOneTable measures moves per second through one table.
func BenchmarkMovesOneTable(b *testing.B) {
	tb := benchTable(b, "t1")
	b.ReportAllocs()
	b.ResetTimer()
	moves(tb, b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "moves/s")
}

// BenchmarkMovesThousandTables measures moves per second through 1,000
// tables playing at once.
func BenchmarkMovesThousandTables(b *testing.B) {
	const n = 1000
	tables := make([]*Table, n)
	for i := range tables {
		tables[i] = benchTable(b, "t"+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/n + 1
	for _, tb := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			moves(tb, per)
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*n)/b.Elapsed().Seconds(), "moves/s")
}

// BenchmarkWatchStorm measures 2,000 connections watching a playing table
// and dropping, the storm that froze today's tables: the cost per
// watch+detach, and the bytes sent to each watcher.
func BenchmarkWatchStorm(b *testing.B) {
	tb := benchTable(b, "t1")
	moves(tb, 20)
	conns := make([]*countConn, 2000)
	for i := range conns {
		conns[i] = &countConn{p: player(fmt.Sprint("W", i))}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, c := range conns {
			tb.Watch(c, 0)
		}
		for _, c := range conns {
			tb.Detach(c)
		}
		tb.Summary()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(conns)), "ns/watch+detach")
	b.ReportMetric(float64(conns[0].bytes)/float64(b.N), "bytes/watcher")
}
