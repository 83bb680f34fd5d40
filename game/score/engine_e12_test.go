package score_test

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
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	opt := set.Options
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
	if err := sheet.Apply(score.DealOf(r)); err != nil {
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
	d := score.DealOf(r)
	if d.Whist[f] != pref.CallReturned || d.Whist[sd] != pref.CallHalf || d.Contract != rules.SixSpades {
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

// TestDealOfWritesWhatTheSheetReads checks each kind of finished deal as
// the sheet receives it: raspasy keep only the tricks, a misère gets no
// talon premium, an unplayed or conceded contract no tricks.
func TestDealOfWritesWhatTheSheetReads(t *testing.T) {
	aces := [2]rules.Card{rules.NewCard(rules.Ace, rules.Spades), rules.NewCard(rules.Ace, rules.Hearts)}
	seven := rules.BidOf(7, rules.Strain(rules.Hearts))
	tests := []struct {
		name string
		r    rules.Result
		want score.Deal
	}{
		{"RaspasyKeepsOnlyTheTricks",
			rules.Result{Kind: rules.KindRaspasy, Ending: rules.EndingPlayed, Declarer: -1, Tricks: [4]int{4, 3, 3}, Talon: aces},
			score.Deal{Raspasy: true, Tricks: [4]int{4, 3, 3}}},
		{"MisereHasNoTalonPremium",
			rules.Result{Kind: rules.KindMisere, Ending: rules.EndingPlayed, Declarer: 1, Contract: rules.Misere, Tricks: [4]int{5, 0, 5}, Talon: aces},
			score.Deal{Contract: rules.Misere, Declarer: 1, Tricks: [4]int{5, 0, 5}}},
		{"PlayedContractKeepsCallsTricksAndPremium",
			rules.Result{Kind: rules.KindContract, Ending: rules.EndingPlayed, Declarer: 0, Contract: seven,
				Calls: [4]pref.Call{1: pref.CallWhist, 2: pref.CallPass}, Tricks: [4]int{7, 2, 1}, Talon: aces},
			score.Deal{Contract: seven, Whist: [4]pref.Call{1: pref.CallWhist, 2: pref.CallPass}, Tricks: [4]int{7, 2, 1}, TalonBonus: 3}},
		{"UnplayedContractHasNoTricks",
			rules.Result{Kind: rules.KindContract, Ending: rules.EndingUnwhisted, Declarer: 2, Contract: seven,
				Calls: [4]pref.Call{0: pref.CallPass, 1: pref.CallPass}},
			score.Deal{Contract: seven, Declarer: 2, Whist: [4]pref.Call{0: pref.CallPass, 1: pref.CallPass}}},
		{"ConcededContractIsMarked",
			rules.Result{Kind: rules.KindContract, Ending: rules.EndingConceded, Declarer: 2, Contract: seven},
			score.Deal{Contract: seven, Declarer: 2, Conceded: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := score.DealOf(tt.r); got != tt.want {
				t.Fatalf("DealOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}
