package protocol

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

// BenchmarkDecodeMove measures decoding the most frequent client message.
func BenchmarkDecodeMove(b *testing.B) {
	msg := []byte(`{"type":"move","table":"t12","move":{"seat":1,"kind":"play","card":"10H"}}`)
	b.ReportAllocs()
	for range b.N {
		if _, err := Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeTableEvent measures encoding one move's table event for
// a seated player (the deal as that seat sees it, its legal moves, the
// clock): with appends (what Encode does) and with encoding/json.
func BenchmarkEncodeTableEvent(b *testing.B) {
	opt := rules.DefaultOptions(3)
	s, err := rules.New(rules.Deal{Seed: 7, Options: opt})
	if err != nil {
		b.Fatal(err)
	}
	legal := rules.LegalMoves(&s, nil)
	m := legal[0]
	if s, err = rules.Apply(s, m); err != nil {
		b.Fatal(err)
	}
	v := rules.View(s, s.Actor())
	legal = rules.LegalMoves(&s, nil)
	ev := TableEvent{Table: "t123", V: 42, Kind: KindMove, Move: &m, DealNo: 3, Deal: &v, Legal: &legal,
		Clock: &Clock{Seat: s.Actor(), Deadline: 1_700_000_000_000}}
	for _, enc := range []struct {
		name string
		f    func(Message) *Encoded
	}{{"append", Encode}, {"encoding-json", encodeReflect}} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n += enc.f(ev).Len()
			}
			b.SetBytes(int64(n / b.N))
		})
	}
}
