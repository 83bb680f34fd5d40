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

// TestRostovRaspasyCardsAreLegal plays Rostov raspasy deals (everyone
// passes) with strong bots that know the table's scoring, 3 and 4
// players: every card comes from the rollouts and is legal.
func TestRostovRaspasyCardsAreLegal(t *testing.T) {
	for _, players := range []int{3, 4} {
		set := score.PresetOf(score.Rostov)
		set.Players = players
		if err := set.Validate(); err != nil {
			t.Fatal(err)
		}
		deals := 6
		if raceEnabled {
			deals = 2
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
				if v.Phase == rules.PhasePlay && v.Kind == rules.KindRaspasy && len(buf) > 1 {
					var cards rules.Hand
					for _, l := range buf {
						cards = cards.With(l.Card)
					}
					c, ok := bots[a].rostovCard(&v, cards)
					if !ok || !cards.Has(c) {
						t.Fatalf("%dp deal %d: rostovCard = %v, %v; legal %v", players, d, c, ok, buf)
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
