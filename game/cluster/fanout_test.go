package cluster

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// quietOutbox returns an outbox to process "b" whose letters the test
// takes itself (no goroutine, no broker).
func quietOutbox() *outbox {
	n := &Node{id: "a", log: slog.New(slog.DiscardHandler), conns: newConnRegistry(),
		metrics: metrics{dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"})}}
	return &outbox{n: n, to: "b", byMsg: map[*protocol.Encoded]uint64{}, lastOf: map[uint64]uint64{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
}

// letters takes every letter queued in o and decodes it.
func letters(t *testing.T, o *outbox) []letter {
	t.Helper()
	var out []letter
	for {
		b, ok := o.take()
		if !ok {
			return out
		}
		var l letter
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatalf("a letter does not decode: %v\n%s", err, b)
		}
		out = append(out, l)
	}
}

// received is what each connection of the receiving process gets from
// letters, in order: the message bytes.
func received(ls []letter) map[uint64][]string {
	got := map[uint64][]string{}
	for _, l := range ls {
		for _, d := range l.Out {
			for _, c := range d.Conns {
				for _, m := range d.Msgs {
					got[c] = append(got[c], string(m))
				}
			}
		}
	}
	return got
}

// What goes into a letter for the connections of one process: an event
// sent to several of them in a row travels once with their numbers, and
// each connection gets what was sent to it, in order.
func TestDeliveriesTravelOncePerProcessAndAudience(t *testing.T) {
	type send struct {
		conn uint64
		msgs []int // indexes into the test's messages
	}
	cases := []struct {
		name  string
		sends []send
		want  string // the letter's deliveries: conns→messages
	}{
		{"an event to three connections goes once with their numbers",
			[]send{{1, []int{0}}, {2, []int{0}}, {3, []int{0}}},
			"[1 2 3]→[0]"},
		{"one connection's messages go as they were sent",
			[]send{{1, []int{0}}, {1, []int{1, 2}}},
			"[1]→[0] [1]→[1 2]"},
		{"an event after a connection's own message is still joined by the others",
			[]send{{1, []int{2}}, {1, []int{0}}, {2, []int{0}}},
			"[1]→[2] [1 2]→[0]"},
		{"each event of a table goes once to its audience",
			[]send{{1, []int{0}}, {2, []int{0}}, {1, []int{1}}, {2, []int{1}}},
			"[1 2]→[0] [1 2]→[1]"},
		{"two audiences of one event: the seat's own encoding, then the spectators'",
			[]send{{1, []int{1}}, {2, []int{0}}, {3, []int{0}}},
			"[1]→[1] [2 3]→[0]"},
		{"events of two tables interleaved each go once",
			[]send{{1, []int{0}}, {4, []int{1}}, {2, []int{0}}, {5, []int{1}}, {3, []int{0}}},
			"[1 2 3]→[0] [4 5]→[1]"},
		{"a connection with a later message queued gets the event in its own delivery",
			[]send{{1, []int{0}}, {2, []int{2}}, {2, []int{0}}},
			"[1]→[0] [2]→[2] [2]→[0]"},
		{"a connection sent the same event twice gets it twice",
			[]send{{1, []int{0}}, {1, []int{0}}},
			"[1]→[0] [1]→[0]"},
		{"a resync of several events is joined only by the same ones",
			[]send{{1, []int{0, 1}}, {2, []int{0, 1}}, {3, []int{0}}},
			"[1 2]→[0 1] [3]→[0]"},
	}
	msgs := []*protocol.Encoded{raw(t, `{"type":"e0"}`), raw(t, `{"type":"e1"}`), raw(t, `{"type":"e2"}`)}
	name := map[string]int{}
	for i, m := range msgs {
		name[string(m.Bytes())] = i
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := quietOutbox()
			want := map[uint64][]string{}
			for _, s := range tc.sends {
				var ms []*protocol.Encoded
				for _, i := range s.msgs {
					ms = append(ms, msgs[i])
					want[s.conn] = append(want[s.conn], string(msgs[i].Bytes()))
				}
				o.deliver(s.conn, ms)
			}
			ls := letters(t, o)
			var got []string
			for _, l := range ls {
				for _, d := range l.Out {
					var is []int
					for _, m := range d.Msgs {
						is = append(is, name[string(m)])
					}
					got = append(got, fmt.Sprintf("%v→%v", d.Conns, is))
				}
			}
			if s := fmt.Sprint(got); s != "["+tc.want+"]" {
				t.Errorf("deliveries %s, want [%s]", s, tc.want)
			}
			if g := received(ls); fmt.Sprint(g) != fmt.Sprint(want) {
				t.Errorf("the connections get %v, want %v", g, want)
			}
			if len(o.byMsg)+len(o.lastOf) != 0 || o.bytes != 0 {
				t.Errorf("after the letters the outbox still knows %d messages, %d connections, %d bytes", len(o.byMsg), len(o.lastOf), o.bytes)
			}
		})
	}
}

// Whatever the interleaving — tables sending each event to their
// connections in turn, answers to one connection between them, letters
// taken at any moment — every connection gets exactly what was sent to
// it, in order.
func TestDeliveriesKeepEveryConnectionsOrder(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		o := quietOutbox()
		want := map[uint64][]string{}
		var ls []letter
		// Three tables, each with an event in flight to its connections
		// (conns 1–12, some watching two tables).
		type flight struct {
			msg   *protocol.Encoded
			conns []int
		}
		tables := make([]flight, 3)
		next := 0
		newMsg := func() *protocol.Encoded {
			next++
			return raw(t, fmt.Sprintf(`{"type":"m","n":%d}`, next))
		}
		for range 400 {
			switch r := rng.IntN(10); {
			case r < 7: // a table sends its event to its next connection
				tb := &tables[rng.IntN(len(tables))]
				if len(tb.conns) == 0 {
					tb.msg = newMsg()
					tb.conns = rng.Perm(12)[:1+rng.IntN(12)]
				}
				c := uint64(tb.conns[0] + 1)
				tb.conns = tb.conns[1:]
				o.deliver(c, []*protocol.Encoded{tb.msg})
				want[c] = append(want[c], string(tb.msg.Bytes()))
			case r < 9: // an answer or a resync to one connection
				c := uint64(1 + rng.IntN(12))
				ms := []*protocol.Encoded{newMsg()}
				if rng.IntN(2) == 0 {
					ms = append(ms, newMsg())
				}
				o.deliver(c, ms)
				for _, m := range ms {
					want[c] = append(want[c], string(m.Bytes()))
				}
			default: // the outbox's goroutine sends what is queued
				ls = append(ls, letters(t, o)...)
			}
		}
		ls = append(ls, letters(t, o)...)
		if got := received(ls); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: the connections get\n%v\nwant\n%v", seed, got, want)
		}
	}
}

// BenchmarkEventToAudience is one event of a table sent to 500 spectators
// on another process: queued (each joins the item) and put in a letter.
func BenchmarkEventToAudience(b *testing.B) {
	o := quietOutbox()
	ev := protocol.Encode(protocol.TableEvent{Table: "t1", V: 7, Kind: "move"})
	b.ReportAllocs()
	for b.Loop() {
		for c := range uint64(500) {
			o.deliver(c+1, []*protocol.Encoded{ev})
		}
		if _, ok := o.take(); !ok {
			b.Fatal("no letter")
		}
	}
}
