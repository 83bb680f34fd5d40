package table

import (
	"log/slog"
	"math/rand/v2"
	"testing"
)

// discardConn is a connection that drops what it gets.
type discardConn struct{ name string }

func (c discardConn) Player() string { return c.name }
func (c discardConn) Send(...[]byte) {}

// BenchmarkMoveBroadcast measures one move at a table of three bots with
// ten spectators: the bot's choice, rules.Apply, the timer, and the views
// encoded and sent to all thirteen connections (one encoding per seat).
func BenchmarkMoveBroadcast(b *testing.B) {
	start := func() (*Table, *fakeClock) {
		clk := newFakeClock()
		tb, err := New(Config{ID: "b", Convention: "sochi", PoolTarget: 500, Clock: clk,
			Seeds: rand.NewChaCha8([32]byte{9}), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		w := discardConn{name: "w"}
		for i := range 10 {
			tb.Watch(discardConn{name: string(rune('a' + i))})
		}
		for i := range 3 {
			tb.AddBot(w, i)
		}
		tb.Summary()
		return tb, clk
	}
	tb, clk := start()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		clk.Advance(DefaultDealPause + DefaultBotDelay)
		if tb.Summary().Status != "playing" {
			b.StopTimer()
			tb.Stop()
			tb, clk = start()
			b.StartTimer()
		}
	}
	b.StopTimer()
	tb.Stop()
}
