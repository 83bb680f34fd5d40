package rules

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Deal is the input of one deal: everything besides the moves that
// determines it.
type Deal struct {
	// Seed determines the shuffle. The server draws it from crypto/rand
	// and records it so the deal can be replayed.
	Seed uint64
	// Dealer is the dealer's seat (0..Players-1).
	Dealer int
	// Series is the number of consecutive raspasy before this deal; it sets
	// the exit restriction of the auction (RULES §9.3). See State.NextSeries.
	Series int
	// Options are the play settings.
	Options Options
}

// pcgStream is the fixed second PCG word; changing it changes every deal.
const pcgStream = 0x7472656c6c6a617a // "trelljaz"

// Shuffle returns the deck order for a seed: a Fisher-Yates shuffle driven
// by a PCG generator (math/rand/v2) seeded with (seed, a fixed stream). The
// result is stable across Go versions because only PCG.Uint64 is used.
func Shuffle(seed uint64) [NumCards]Card {
	var deck [NumCards]Card
	for i := range deck {
		deck[i] = Card(i)
	}
	pcg := rand.NewPCG(seed, pcgStream)
	for i := NumCards - 1; i > 0; i-- {
		j := boundedRand(pcg, uint64(i+1))
		deck[i], deck[j] = deck[j], deck[i]
	}
	return deck
}

// boundedRand returns a uniform integer in [0, n) (Lemire's method).
func boundedRand(pcg *rand.PCG, n uint64) uint64 {
	for {
		x := pcg.Uint64()
		hi, lo := bits.Mul64(x, n)
		if lo < n {
			thresh := -n % n
			if lo < thresh {
				continue
			}
		}
		return hi
	}
}

// talonPair is the pair (0-based) that goes to the talon; the other 15
// pairs go to hand1, hand2, hand3, hand1, ... (RULES §3.3, after OpenPref).
const talonPair = 4

// New deals a new deal: 10 cards to each active player and 2 to the talon,
// in pairs from the shuffled deck, and opens the auction with the first hand.
func New(d Deal) (State, error) {
	if err := d.Options.Validate(); err != nil {
		return State{}, fmt.Errorf("new deal: %w", err)
	}
	n := d.Options.Players
	if d.Dealer < 0 || d.Dealer >= n {
		return State{}, fmt.Errorf("new deal: dealer seat %d out of range 0..%d", d.Dealer, n-1)
	}
	if d.Series < 0 || d.Series > 255 {
		return State{}, fmt.Errorf("new deal: raspasy series %d out of range", d.Series)
	}
	s := State{
		opt:        d.Options,
		players:    uint8(n),
		dealer:     uint8(d.Dealer),
		series:     uint8(d.Series),
		phase:      PhaseAuction,
		trick:      [MaxPlayers]Card{NoCard, NoCard, NoCard, NoCard},
		lastTrick:  [MaxPlayers]Card{NoCard, NoCard, NoCard, NoCard},
		lastLeader: 0xFF,
		lastWinner: 0xFF,
	}
	deck := Shuffle(d.Seed)
	h := 0
	for p := 0; p < NumCards/2; p++ {
		a, b := deck[2*p], deck[2*p+1]
		if p == talonPair {
			s.talon = [2]Card{a, b}
			continue
		}
		seat := s.handSeat(h % 3)
		s.hands[seat] = s.hands[seat].With(a).With(b)
		h++
	}
	s.turn = s.handSeat(0)
	s.leader = s.turn
	return s, nil
}
