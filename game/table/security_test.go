package table

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

// TestNoFrameShowsHiddenCards plays whole deals with two humans, a bot and
// a spectator and inspects every frame each of them got, against the full
// state of the deal rebuilt from the table's records (seed and moves):
//
//   - the deal in the frame is exactly rules.View of that state for the
//     recipient's seat (the spectator view for a spectator);
//   - independently of rules.View: no card of another seat's hand appears
//     anywhere in the frame unless that hand is face up in trick play, no
//     talon card appears during the auction (or in Rostov raspasy), and
//     nobody but the declarer sees the discard (outside misère);
//   - no frame carries a deal's seed.
func TestNoFrameShowsHiddenCards(t *testing.T) {
	for _, conv := range []string{"sochi", "leningrad", "rostov"} {
		t.Run(conv, func(t *testing.T) {
			tb, clk := testTable(t, Config{Convention: conv, PoolTarget: 6,
				Seeds: rand.NewChaCha8([32]byte{byte(len(conv))}), BotSeed: uint64(len(conv))})
			anna, boris, spec := &fakeConn{name: "Anna"}, &fakeConn{name: "Boris"}, &fakeConn{name: "Vera"}
			tb.Watch(spec)
			tb.Sit(anna, 0)
			tb.AddBot(spec, 1)
			tb.Sit(boris, 2)
			humans := []*fakeConn{anna, boris}
			rng := rand.New(rand.NewPCG(3, uint64(len(conv))))
			for i := 0; i < 3000; i++ {
				tb.Summary()
				if s := tb.Summary(); s.Status == "finished" || s.Deals >= 8 {
					break
				}
				moved := false
				for _, h := range humans {
					if f := h.last(t); f.Status == "playing" && len(f.Legal) > 0 {
						tb.Move(h, f.Legal[rng.IntN(len(f.Legal))])
						moved = true
					}
				}
				if !moved {
					step(tb, clk)
				}
			}
			recs := tb.Records()
			if s := tb.Summary(); s.Deals < 2 {
				t.Fatalf("only %d deals played", s.Deals)
			}
			frames := 0
			for _, c := range []*fakeConn{anna, boris, spec} {
				for _, m := range c.all() {
					checkFrame(t, c.name, m, recs)
					frames++
				}
			}
			t.Logf("%d deals, %d frames checked", len(recs), frames)
		})
	}
}

func checkFrame(t *testing.T, who string, msg []byte, recs []DealRecord) {
	t.Helper()
	f := decodeFrame(t, msg)
	for _, r := range recs {
		if bytes.Contains(msg, fmt.Appendf(nil, "%d", r.Deal.Seed)) {
			t.Fatalf("%s: frame holds the seed of a deal: %s", who, msg)
		}
	}
	if f.Type != "table" || f.DealNo == 0 {
		return
	}
	if f.DealNo > len(recs) || f.MoveNo > len(recs[f.DealNo-1].Moves) {
		t.Fatalf("%s: frame of deal %d move %d is not in the records", who, f.DealNo, f.MoveNo)
	}
	rec := recs[f.DealNo-1]
	s, err := rules.Replay(rec.Deal, rec.Moves[:f.MoveNo])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(rules.View(s, f.You))
	if !bytes.Equal(want, f.Deal) {
		t.Fatalf("%s (seat %d), deal %d move %d:\n got  %s\n want %s", who, f.You, f.DealNo, f.MoveNo, f.Deal, want)
	}
	var exposed struct {
		Exposed [4]bool `json:"exposed"`
	}
	if err := json.Unmarshal(f.Deal, &exposed); err != nil {
		t.Fatal(err)
	}
	talon := s.Talon()
	for _, c := range cardsIn(t, msg) {
		if s.Played().Has(c) || (f.You >= 0 && s.Hand(f.You).Has(c)) {
			continue
		}
		if c == talon[0] || c == talon[1] {
			// the talon is turned face up once the auction is won; in
			// raspasy it stays closed under talon_ignored (Rostov)
			if s.Phase() == rules.PhaseAuction || (s.Kind() == rules.KindRaspasy && s.Options().RaspasyTalon == rules.TalonIgnored) {
				t.Fatalf("%s (seat %d) sees the closed talon card %v: %s", who, f.You, c, msg)
			}
			continue
		}
		for w := range s.Players() {
			if w != f.You && s.Hand(w).Has(c) && !(exposed.Exposed[w] && s.Phase() == rules.PhasePlay) {
				t.Fatalf("%s (seat %d) sees %v of seat %d's hidden hand: %s", who, f.You, c, w, msg)
			}
		}
		if s.Discard().Has(c) && f.You != s.Declarer() && s.Kind() != rules.KindMisere {
			t.Fatalf("%s (seat %d) sees the declarer's discard %v: %s", who, f.You, c, msg)
		}
	}
}

// bidKeys hold bids, which read like cards ("7S" is a bid and a card).
var bidKeys = map[string]bool{"last_bid": true, "top_bid": true, "contract": true, "bid": true}

// cardsIn returns every card named by a JSON string anywhere in msg,
// except under the keys that hold bids.
func cardsIn(t *testing.T, msg []byte) []rules.Card {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		t.Fatal(err)
	}
	var out []rules.Card
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if c, err := rules.ParseCard(x); err == nil {
				out = append(out, c)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if !bidKeys[k] {
					walk(e)
				}
			}
		}
	}
	walk(v)
	return out
}
