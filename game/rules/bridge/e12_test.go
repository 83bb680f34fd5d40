package bridge

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

func apply(t *testing.T, s rules.State, moves ...rules.Move) rules.State {
	t.Helper()
	for _, m := range moves {
		var err error
		if s, err = rules.Apply(s, m); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	return s
}

// EXAMPLES E12 W1, end to end: 6♠ by D; F pass, S half-whist, F pass →
// unplayed; Sochi P[D]+2, W[S→D]+4.
func TestE12_W1_HalfWhistScoredOnTheSheet(t *testing.T) {
	set, err := score.Preset("sochi")
	if err != nil {
		t.Fatal(err)
	}
	opt, err := Options(set)
	if err != nil {
		t.Fatal(err)
	}
	const d, f, sd = 0, 1, 2 // dealer seat 2: seat 0 is the first hand
	s, err := rules.New(rules.Deal{Seed: 1, Dealer: 2, Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	s = apply(t, s, rules.BidMove(d, rules.SixSpades), rules.Pass(f), rules.Pass(sd))
	h := s.Hand(d)
	s = apply(t, s, rules.DiscardMove(d, h.Lowest(), h.Highest()), rules.Declare(d, rules.SixSpades),
		rules.Pass(f), rules.Simple(sd, rules.MoveHalf), rules.Pass(f))
	r, ok := s.Result()
	if !ok {
		t.Fatal("deal not over")
	}
	sheet, err := score.NewSheet(set, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := sheet.Apply(Deal(r)); err != nil {
		t.Fatal(err)
	}
	if sheet.Pool[d] != score.Pts(2) || sheet.Whists[sd][d] != score.Pts(4) || sheet.Whists[f][d] != 0 {
		t.Fatalf("pool %v whists %v, want P[D]=2, W[S→D]=4", sheet.Pool, sheet.Whists)
	}
}

// EXAMPLES E12 W2 (4 players, FSPR): 6 by A fails by one; F returned the
// whist after S's half-whist and took all 5 defending tricks → F writes 24
// (20 + 4 consolation), S nothing, the dealer 4.
func TestE12_W2_ReturnedWhistScoredOnTheSheet(t *testing.T) {
	set, err := score.Preset("fspr")
	if err != nil {
		t.Fatal(err)
	}
	set.Players = 4
	const a, f, sd, dealer = 0, 1, 2, 3
	r := rules.Result{
		Kind: rules.KindContract, Ending: rules.EndingPlayed, Dealer: dealer, Players: 4,
		Declarer: a, Contract: rules.SixSpades,
		Calls:  [4]pref.Call{f: pref.CallReturned, sd: pref.CallHalf},
		Tricks: [4]int{a: 5, f: 5},
		Talon:  [2]rules.Card{rules.NewCard(rules.Seven, rules.Spades), rules.NewCard(rules.Eight, rules.Clubs)},
	}
	d := Deal(r)
	if d.Whist[f] != pref.CallReturned || d.Whist[sd] != pref.CallHalf || d.Contract != score.Trick(6, score.Spades) {
		t.Fatalf("converted deal %+v", d)
	}
	sheet, err := score.NewSheet(set, dealer)
	if err != nil {
		t.Fatal(err)
	}
	if err := sheet.Apply(d); err != nil {
		t.Fatal(err)
	}
	if sheet.Whists[f][a] != score.Pts(24) || sheet.Whists[sd][a] != 0 || sheet.Whists[dealer][a] != score.Pts(4) {
		t.Fatalf("whists on A: F %v S %v dealer %v, want 24, 0, 4", sheet.Whists[f][a], sheet.Whists[sd][a], sheet.Whists[dealer][a])
	}
}
