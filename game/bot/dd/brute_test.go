package dd

import (
	"math/rand/v2"

	"github.com/trelljaz/trelljaz/game/rules"
)

// brute is a plain minimax over every legal card, written from the rules
// (RULES §7) without anything of the solver: the reference the solver is
// checked against.
func brute(p Position) int {
	type st struct {
		hands  [3]rules.Hand
		trick  [3]rules.Card // by player
		leader int
		n      int
		talon  int // index of the current talon lead
	}
	var rec func(x st) int
	rec = func(x st) int {
		if x.n == 0 && x.hands[x.leader] == 0 {
			return 0
		}
		pl := (x.leader + x.n) % 3
		h := x.hands[pl]
		talonTrick := x.talon < p.NTalon
		var lead rules.Suit
		hasLead := false
		if talonTrick {
			lead, hasLead = p.Talon[x.talon].Suit(), true
		} else if x.n > 0 {
			lead, hasLead = x.trick[x.leader].Suit(), true
		}
		legal := h
		if hasLead {
			if f := h.OfSuit(lead); f != 0 {
				legal = f
			} else if p.Trump != rules.NoTrump && h.OfSuit(rules.Suit(p.Trump)) != 0 {
				legal = h.OfSuit(rules.Suit(p.Trump))
			}
		}
		maxi := p.Goal.Max&(1<<pl) != 0
		best := 99
		if maxi {
			best = -1
		}
		for _, c := range legal.Cards(nil) {
			y := x
			y.hands[pl] = h.Without(c)
			y.trick[pl] = c
			y.n++
			won := 0
			if y.n == 3 {
				w := -1
				if talonTrick {
					tc := p.Talon[x.talon]
					var bc rules.Card = rules.NoCard
					for q := 0; q < 3; q++ {
						if d := y.trick[q]; d.Suit() == lead && (bc == rules.NoCard || d.Rank() > bc.Rank()) {
							bc, w = d, q
						}
					}
					switch {
					case p.TalonWins && (bc == rules.NoCard || tc.Rank() > bc.Rank()):
						w = Nobody
					case w < 0:
						w = y.leader
					}
				} else {
					w = y.leader
					bc := y.trick[y.leader]
					for i := 1; i < 3; i++ {
						q := (y.leader + i) % 3
						d := y.trick[q]
						switch {
						case d.Suit() == bc.Suit() && d.Rank() > bc.Rank():
							bc, w = d, q
						case d.Suit() != bc.Suit() && p.Trump != rules.NoTrump && d.Suit() == rules.Suit(p.Trump):
							bc, w = d, q
						}
					}
				}
				if w != Nobody && p.Goal.Count&(1<<w) != 0 {
					won = 1
				}
				y.n = 0
				if talonTrick {
					y.talon++
					y.leader = p.FirstHand
					if y.talon == p.NTalon && p.Trick3ByWinner && w != Nobody {
						y.leader = w
					}
				} else {
					y.leader = w
				}
			}
			v := won + rec(y)
			if maxi && v > best || !maxi && v < best {
				best = v
			}
		}
		return best
	}
	var x st
	x.hands = p.Hands
	x.leader = p.Leader
	x.n = p.NTrick
	for i := 0; i < p.NTrick; i++ {
		x.trick[(p.Leader+i)%3] = p.Trick[i]
	}
	return rec(x)
}

// shuffled returns the 32 cards in an order rng draws.
func shuffled(rng *rand.Rand) [rules.NumCards]rules.Card {
	var deck [rules.NumCards]rules.Card
	for i := range deck {
		deck[i] = rules.Card(i)
	}
	rng.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	return deck
}

// randomPosition deals a random valid ending of up to maxTricks tricks:
// a random contract, misère, raspasy (with talon leads) or any other
// goal, possibly in the middle of a trick.
func randomPosition(rng *rand.Rand, maxTricks int) Position {
	deck := shuffled(rng)
	k := 1 + rng.IntN(maxTricks)
	var p Position
	p.Leader = rng.IntN(3)
	p.FirstHand = p.Leader
	p.Trump = rules.NoTrump
	next := 0
	draw := func() rules.Card { c := deck[next]; next++; return c }
	switch rng.IntN(4) {
	case 3: // any goal: who is counted and who wants it are free
		p.Goal = Goal{Count: uint8(1 + rng.IntN(7)), Max: uint8(rng.IntN(8))}
	case 0: // trick contract
		if rng.IntN(5) > 0 {
			p.Trump = rules.Strain(rng.IntN(4))
		}
		p.Goal = ContractGoal(rng.IntN(3), false)
	case 1:
		p.Goal = ContractGoal(rng.IntN(3), true)
	default:
		p.Goal = RaspasyGoal(rng.IntN(3))
		if rng.IntN(2) == 0 {
			p.NTalon = 1 + rng.IntN(min(2, k))
			for i := 0; i < p.NTalon; i++ {
				p.Talon[i] = draw()
			}
			p.Trick3ByWinner = rng.IntN(2) == 0
			p.TalonWins = rng.IntN(2) == 0
		}
	}
	p.NTrick = rng.IntN(3)
	for i := 0; i < 3; i++ {
		pl := (p.Leader + i) % 3
		n := k
		if i < p.NTrick {
			n = k - 1
			p.Trick[i] = draw()
		}
		for j := 0; j < n; j++ {
			p.Hands[pl] = p.Hands[pl].With(draw())
		}
	}
	return p
}

// randomDeal deals a full 10-trick contract from the first hand (player
// 0): 30 cards to three hands, two left out as the discard.
func randomDeal(rng *rand.Rand) Position {
	deck := shuffled(rng)
	var p Position
	for i := 0; i < 30; i++ {
		p.Hands[i%3] = p.Hands[i%3].With(deck[i])
	}
	p.Trump = rules.Strain(rng.IntN(5))
	p.Goal = ContractGoal(rng.IntN(3), false)
	return p
}
