package bot

import (
	"math"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// TestRostovRaspasyPaysTheFewestTricks: a whist-scored raspasy (RULES
// §9.2) is worth, to each player, the whists the fewest-trick players
// write (5 per trick on every other player, shared when they tie) and a
// pool point to a player with none.
func TestRostovRaspasyPaysTheFewestTricks(t *testing.T) {
	sc := scoringOf(score.PresetOf(score.Rostov))
	pool3, other3 := poolWorth(3), otherWorth(3)
	cases := []struct {
		name   string
		tricks [3]int
		me     int
		want   float64
	}{
		{"the one with the fewest writes 5 a trick on both others", [3]int{1, 4, 5}, 0, 5*4 + 5*5},
		{"a player with more pays 5 a trick", [3]int{1, 4, 5}, 1, -20},
		{"the most tricks pay the most", [3]int{1, 4, 5}, 2, -25},
		{"two with the fewest share what the third pays", [3]int{3, 3, 4}, 1, 10},
		{"the third pays them both", [3]int{3, 3, 4}, 2, -20},
		{"no tricks also writes a pool point", [3]int{0, 4, 6}, 0, 50 + pool3},
		{"another's clean raspasy costs his pool point too", [3]int{0, 4, 6}, 1, -20 - other3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := sc.rostovResult(tc.tricks, tc.me, 3); math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("rostovResult(%v, %d) = %v, want %v", tc.tricks, tc.me, got, tc.want)
			}
		})
	}
}

// TestMountainRaspasyChargesEachTrick: a mountain-scored raspasy (RULES
// §9.1) costs its taker a mountain point per trick at the base price
// (Leningrad 2) and pays a pool point (pool factor 2 in Leningrad) for
// none; the others' points count the other way at 10/n whists each.
func TestMountainRaspasyChargesEachTrick(t *testing.T) {
	sochi := scoringOf(score.PresetOf(score.Sochi))
	leningrad := scoringOf(score.PresetOf(score.Leningrad))
	pw, ow := poolWorth(3), otherWorth(3)
	cases := []struct {
		name   string
		sc     scoring
		tricks [3]int
		me     int
		want   float64
	}{
		{"Sochi: my 4 tricks cost me, the others' 6 pay me", sochi, [3]int{4, 3, 3}, 0, -4*pw + 6*ow},
		{"Sochi: none is a pool point", sochi, [3]int{0, 4, 6}, 0, pw + 10*ow},
		{"Sochi: another's clean raspasy costs me his pool point", sochi, [3]int{4, 0, 6}, 0, -4*pw - ow + 6*ow},
		{"Leningrad: a trick costs 2 points", leningrad, [3]int{4, 3, 3}, 0, 2 * (-4*pw + 6*ow)},
		{"Leningrad: none is 2 pool points worth 2 each", leningrad, [3]int{0, 4, 6}, 0, 2 * (2*pw + 10*ow)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sc.raspasyResult(tc.tricks, tc.me, 3); math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("raspasyResult(%v, %d) = %v, want %v", tc.tricks, tc.me, got, tc.want)
			}
		})
	}
}

// TestRostovRaspasyRolloutPlaysEveryCard: a rollout plays the deal to its
// end by the rules of thumb: every card once, ten tricks in all.
func TestRostovRaspasyRolloutPlaysEveryCard(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		s, err := rules.New(rules.Deal{Seed: seed, Options: rules.DefaultOptions(3)})
		if err != nil {
			t.Fatal(err)
		}
		v := rules.View(s, 0)
		var r rollout
		for i := range r.hands {
			r.hands[i] = rules.View(s, i).Hands[i]
		}
		all := r.hands[0] | r.hands[1] | r.hands[2]
		if all.Len() != 30 || v.Hands[0] != r.hands[0] {
			t.Fatalf("seed %d: hands of %d cards", seed, all.Len())
		}
		r.leader = int(seed % 3)
		r.finish()
		if r.hands != [3]rules.Hand{} || r.tricks[0]+r.tricks[1]+r.tricks[2] != 10 || r.n != 0 {
			t.Fatalf("seed %d: rollout left hands %v, tricks %v, %d cards on the table", seed, r.hands, r.tricks, r.n)
		}
	}
}

// TestRaspasyCardsAreLegal plays raspasy deals (everyone passes) with
// strong bots that know the table's scoring, every convention, 3 and 4
// players: every card after the talon tricks comes from the rollouts and
// is legal.
func TestRaspasyCardsAreLegal(t *testing.T) {
	for _, tc := range []struct {
		conv    score.Convention
		players int
	}{{score.Rostov, 3}, {score.Rostov, 4}, {score.Sochi, 3}, {score.Leningrad, 4}} {
		players := tc.players
		set := score.PresetOf(tc.conv)
		set.Players = players
		if err := set.Validate(); err != nil {
			t.Fatal(err)
		}
		deals := 6
		if raceEnabled {
			deals = 1
		}
		for d := 0; d < deals; d++ {
			bots := make([]*Bot, players)
			for i := range bots {
				bots[i] = New(Config{Seed: uint64(d*players + i), Samples: 6, Budget: -1, Options: set.Options, Scoring: set})
			}
			s, err := rules.New(rules.Deal{Seed: uint64(100 + d), Dealer: d % players, Options: set.Options})
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]rules.Move, 0, 80)
			rolled := 0
			for steps := 0; !s.Done() && steps < 500; steps++ {
				buf = rules.LegalMoves(&s, buf[:0])
				a := s.Actor()
				v := rules.View(s, a)
				m := bots[a].Move(v, buf)
				if v.Phase == rules.PhasePlay && v.Kind == rules.KindRaspasy && len(buf) > 1 && v.TrickNo >= 2 {
					var cards rules.Hand
					for _, l := range buf {
						cards = cards.With(l.Card)
					}
					c, ok := bots[a].raspasyCard(&v, cards)
					if !ok || !cards.Has(c) {
						t.Fatalf("%dp deal %d: raspasyCard = %v, %v; legal %v", players, d, c, ok, buf)
					}
					rolled++
				}
				if v.Phase != rules.PhasePlay {
					// everyone passes: the deal is a raspasy
					if tm, ok := rules.TimeoutMove(&s); ok {
						m = tm
					}
				}
				if s, err = rules.Apply(s, m); err != nil {
					t.Fatalf("%dp deal %d: %v", players, d, err)
				}
			}
			if !s.Done() {
				t.Fatalf("%dp deal %d does not end", players, d)
			}
			if rolled == 0 {
				t.Fatalf("%dp deal %d: no raspasy card was rolled out", players, d)
			}
			for i, b := range bots {
				if b.misses != 0 || b.fallbacks != 0 {
					t.Errorf("%dp deal %d bot %d: %d moves outside the legal list, %d left to basic", players, d, i, b.misses, b.fallbacks)
				}
			}
		}
	}
}
