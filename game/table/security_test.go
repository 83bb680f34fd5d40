package table

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
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
			tb, clk := testTable(t, Config{Convention: conv, PoolTarget: 30,
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
				if s := tb.Summary(); s.Status == "finished" || s.Deals >= 15 {
					break
				}
				moved := false
				for _, h := range humans {
					if f := h.last(t); f.Status == "playing" && len(f.Legal) > 0 {
						tb.Move(h, humanChoice(rng, f.Legal))
						moved = true
					}
				}
				if !moved {
					step(tb, clk)
				}
			}
			for _, h := range humans {
				if errs := h.errors(t); len(errs) > 0 {
					t.Fatalf("%s's legal moves were refused: %q", h.name, errs)
				}
			}
			recs := tb.Records()
			if s := tb.Summary(); s.Deals < 2 {
				t.Fatalf("only %d deals played", s.Deals)
			}
			frames := 0
			for _, c := range []*fakeConn{anna, boris, spec} {
				for _, m := range c.all() {
					if err := checkFrame(c.name, m, recs); err != nil {
						t.Fatal(err)
					}
					frames++
				}
			}
			kinds := map[string]int{}
			for _, r := range recs {
				if s, err := rules.Replay(r.Deal, r.Moves); err == nil && s.Done() {
					res, _ := s.Result()
					kinds[res.Kind.String()+"/"+res.Ending.String()]++
					if res.Open {
						kinds["open whisting"]++
					}
				}
			}
			t.Logf("%d deals %v, %d frames checked", len(recs), kinds, frames)
		})
	}
}

// humanChoice picks a legal move the way the test's humans play: in the
// auction they often pass (so raspasy happen) and like misère, so every
// kind of deal and its exposed hands are seen.
func humanChoice(rng *rand.Rand, legal []rules.Move) rules.Move {
	if legal[0].Kind == rules.MovePass && len(legal) > 1 && legal[1].Kind == rules.MoveBid {
		for _, m := range legal {
			if m.Bid == rules.Misere && rng.IntN(3) == 0 {
				return m
			}
		}
		if rng.IntN(4) < 3 {
			return legal[0]
		}
	}
	return legal[rng.IntN(len(legal))]
}

// checkFrame checks one frame sent to who against the records; see
// TestNoFrameShowsHiddenCards.
func checkFrame(who string, msg []byte, recs []DealRecord) error {
	var f frame
	if err := json.Unmarshal(msg, &f); err != nil {
		return fmt.Errorf("%s: frame %s: %w", who, msg, err)
	}
	for _, r := range recs {
		if bytes.Contains(msg, fmt.Appendf(nil, "%d", r.Deal.Seed)) {
			return fmt.Errorf("%s: frame holds the seed of a deal: %s", who, msg)
		}
	}
	if f.Type != "table" || f.DealNo == 0 {
		return nil
	}
	if f.DealNo > len(recs) || f.MoveNo > len(recs[f.DealNo-1].Moves) {
		return fmt.Errorf("%s: frame of deal %d move %d is not in the records", who, f.DealNo, f.MoveNo)
	}
	rec := recs[f.DealNo-1]
	s, err := rules.Replay(rec.Deal, rec.Moves[:f.MoveNo])
	if err != nil {
		return err
	}
	want, _ := json.Marshal(rules.View(s, f.You))
	if !bytes.Equal(want, f.Deal) {
		return fmt.Errorf("%s (seat %d), deal %d move %d:\n got  %s\n want %s", who, f.You, f.DealNo, f.MoveNo, f.Deal, want)
	}
	var exposed struct {
		Exposed [4]bool `json:"exposed"`
	}
	if err := json.Unmarshal(f.Deal, &exposed); err != nil {
		return err
	}
	cards, err := cardsIn(msg)
	if err != nil {
		return err
	}
	talon := s.Talon()
	for _, c := range cards {
		if s.Played().Has(c) || (f.You >= 0 && s.Hand(f.You).Has(c)) {
			continue
		}
		if c == talon[0] || c == talon[1] {
			// the talon is turned face up once the auction is won; in
			// raspasy it stays closed under talon_ignored (Rostov)
			if s.Phase() == rules.PhaseAuction || (s.Kind() == rules.KindRaspasy && s.Options().RaspasyTalon == pref.TalonIgnored) {
				return fmt.Errorf("%s (seat %d) sees the closed talon card %v: %s", who, f.You, c, msg)
			}
			continue
		}
		for w := range s.Players() {
			if w != f.You && s.Hand(w).Has(c) && !(exposed.Exposed[w] && s.Phase() == rules.PhasePlay) {
				return fmt.Errorf("%s (seat %d) sees %v of seat %d's hidden hand: %s", who, f.You, c, w, msg)
			}
		}
		if s.Discard().Has(c) && f.You != s.Declarer() && s.Kind() != rules.KindMisere {
			return fmt.Errorf("%s (seat %d) sees the declarer's discard %v: %s", who, f.You, c, msg)
		}
	}
	return nil
}

// TestCheckFrameCatchesLeaks feeds the checker frames that leak, so the
// security test above is known to be able to fail.
func TestCheckFrameCatchesLeaks(t *testing.T) {
	d := rules.Deal{Seed: 42, Dealer: 0, Options: rules.DefaultOptions(3)}
	s, err := rules.New(d)
	if err != nil {
		t.Fatal(err)
	}
	recs := []DealRecord{{Deal: d}}
	view := func(v int) string { b, _ := json.Marshal(rules.View(s, v)); return string(b) }
	other := s.Hand(1).Lowest()
	talon := s.Talon()[0]
	tests := []struct{ name, frame, want string }{
		{"an honest frame", `{"type":"table","you":0,"deal_no":1,"move_no":0,"deal":` + view(0) + `}`, ""},
		{"the wrong seat's view", `{"type":"table","you":0,"deal_no":1,"move_no":0,"deal":` + view(1) + `}`, "got"},
		{"another hand's card in a side field", `{"type":"table","you":0,"deal_no":1,"move_no":0,"deal":` + view(0) + `,"chat":[{"text":"` + other.ASCII() + `"}]}`, "hidden hand"},
		{"a closed talon card", `{"type":"table","you":-1,"deal_no":1,"move_no":0,"deal":` + view(-1) + `,"chat":[{"text":"` + talon.ASCII() + `"}]}`, "closed talon"},
		{"the seed", `{"type":"error","text":"seed 42"}`, "seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkFrame("x", []byte(tt.frame), recs)
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// bidKeys hold bids, which read like cards ("7S" is a bid and a card).
var bidKeys = map[string]bool{"last_bid": true, "top_bid": true, "contract": true, "bid": true}

// cardsIn returns every card named by a JSON string anywhere in msg,
// except under the keys that hold bids.
func cardsIn(msg []byte) ([]rules.Card, error) {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return nil, err
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
	return out, nil
}
