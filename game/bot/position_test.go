package bot

import (
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/bot/dd"
	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// engineValue is the minimax value of s computed with the rules engine
// itself: the tricks of the seats in count from now on, the seats in max
// maximizing, the others minimizing. It is the reference for the solver
// positions the bot builds.
func engineValue(s rules.State, count, max [4]bool) int {
	if s.Done() {
		return 0
	}
	before := s.Tricks()
	var buf [16]rules.Move
	moves := rules.LegalMoves(&s, buf[:0])
	turn := s.Turn()
	best := -1
	if !max[turn] {
		best = 99
	}
	for _, m := range moves {
		if m.Kind != rules.MovePlay {
			continue
		}
		t, err := rules.Apply(s, m)
		if err != nil {
			panic(err)
		}
		won := 0
		after := t.Tricks()
		for p := range after {
			if count[p] {
				won += after[p] - before[p]
			}
		}
		v := won + engineValue(t, count, max)
		if max[turn] && v > best || !max[turn] && v < best {
			best = v
		}
	}
	return best
}

// randomPlayState plays random legal moves from a random deal until trick
// play has at most tricksLeft tricks to go (or the deal ends unplayed).
func randomPlayState(rng *rand.Rand, opt rules.Options, tricksLeft int) (rules.State, bool) {
	s, err := rules.New(rules.Deal{Seed: rng.Uint64(), Dealer: rng.IntN(opt.Players), Options: opt})
	if err != nil {
		panic(err)
	}
	var buf [80]rules.Move
	for !s.Done() {
		if s.Phase() == rules.PhasePlay && 10-s.TrickNumber() <= tricksLeft && rng.IntN(3) == 0 {
			return s, true
		}
		moves := rules.LegalMoves(&s, buf[:0])
		m := moves[rng.IntN(len(moves))]
		if s.Phase() == rules.PhaseAuction && rng.IntN(3) > 0 {
			m = moves[0] // pass more often so raspasy come up
		}
		if s, err = rules.Apply(s, m); err != nil {
			panic(err)
		}
	}
	return s, false
}

// trueHands returns every seat's hand and the talon cards the viewer
// does not see.
func trueHands(s *rules.State, v *rules.SeatView) ([4]rules.Hand, rules.Hand) {
	var h [4]rules.Hand
	for p := 0; p < s.Players(); p++ {
		h[p] = s.Hand(p)
	}
	var hidden rules.Hand
	for i, c := range s.Talon() {
		if v.Talon[i] == rules.NoCard && c != v.TalonLead {
			hidden = hidden.With(c)
		}
	}
	return h, hidden
}

// TestPlayPositionMatchesTheEngine builds the solver position of real
// endings (contracts, misère, raspasy; 3 and 4 players) from the mover's
// view plus the true hidden cards, and checks the solver's value against
// a minimax run on the rules engine itself.
func TestPlayPositionMatchesTheEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	solver := dd.NewSolver()
	kinds := map[rules.Kind]int{}
	for _, players := range []int{3, 4} {
		opt := rules.DefaultOptions(players)
		opt.Claims = pref.ClaimsOff
		cases := 300
		if raceEnabled {
			cases = 80
		}
		for n := 0; n < cases; {
			s, ok := randomPlayState(rng, opt, 4)
			if !ok {
				continue
			}
			n++
			mover := s.Turn()
			v := rules.View(s, mover)
			hands, hidden := trueHands(&s, &v)
			p := playPosition(&v, &opt, hands, hidden, mover)
			if err := p.Validate(); err != nil {
				t.Fatalf("position of %+v: %v", v, err)
			}
			var count, maxi [4]bool
			act := active(&v)
			for i, seat := range act {
				count[seat] = p.Goal.Count&(1<<i) != 0
				maxi[seat] = p.Goal.Max&(1<<i) != 0
			}
			kinds[s.Kind()]++
			if got, want := solver.Solve(p), engineValue(s, count, maxi); got != want {
				t.Fatalf("%v deal, %d players, trick %d: solver %d, engine minimax %d\nview %+v", s.Kind(), players, s.TrickNumber(), got, want, v)
			}
		}
	}
	for _, k := range []rules.Kind{rules.KindContract, rules.KindMisere, rules.KindRaspasy} {
		if kinds[k] == 0 {
			t.Errorf("no %v ending was checked", k)
		}
	}
}

// TestRaspasyTalonTricksBoundRandomPlay starts from raspasy trick 1 (the
// talon leads) and checks that random play ends within the solver's best
// and worst case for each player.
func TestRaspasyTalonTricksBoundRandomPlay(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	solver := dd.NewSolver()
	for _, players := range []int{3, 4} {
		for _, mode := range []struct {
			trick3 bool
			talon  pref.RaspasyTalon
		}{{false, pref.TalonLeadSuit}, {true, pref.TalonLeadSuit}, {false, pref.TalonParticipates}, {true, pref.TalonIgnored}} {
			trick3 := mode.trick3
			opt := rules.DefaultOptions(players)
			opt.Claims = pref.ClaimsOff
			opt.RaspasyTrick3Leader = pref.Trick3FirstHand
			if trick3 {
				opt.RaspasyTrick3Leader = pref.Trick3Trick2Winner
			}
			opt.RaspasyTalon = mode.talon
			checked := 0
			for checked < 40 && (!raceEnabled || checked < 10) {
				s, err := rules.New(rules.Deal{Seed: rng.Uint64(), Dealer: rng.IntN(players), Options: opt})
				if err != nil {
					t.Fatal(err)
				}
				for s.Phase() == rules.PhaseAuction {
					if s, err = rules.Apply(s, rules.Pass(s.Actor())); err != nil {
						t.Fatal(err)
					}
				}
				checked++
				mover := s.Turn()
				v := rules.View(s, mover)
				hands, hidden := trueHands(&s, &v)
				act := active(&v)
				var lo, hi [3]int
				for i := range act {
					p := playPosition(&v, &opt, hands, hidden, mover)
					p.Trick3ByWinner = trick3
					p.Goal = dd.Goal{Count: 1 << i, Max: 7}
					hi[i] = solver.Solve(p)
					p.Goal = dd.Goal{Count: 1 << i, Max: 0}
					lo[i] = solver.Solve(p)
				}
				var buf [16]rules.Move
				for !s.Done() {
					moves := rules.LegalMoves(&s, buf[:0])
					if s, err = rules.Apply(s, moves[rng.IntN(len(moves))]); err != nil {
						t.Fatal(err)
					}
				}
				tr := s.Tricks()
				for i, seat := range act {
					if tr[seat] < lo[i] || tr[seat] > hi[i] {
						t.Fatalf("%d players, talon %v, trick3 by winner %v: seat %d took %d, solver bounds [%d, %d]", players, mode.talon, trick3, seat, tr[seat], lo[i], hi[i])
					}
				}
			}
		}
	}
}
