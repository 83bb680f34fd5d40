package table

import (
	"math/rand/v2"

	"github.com/trelljaz/trelljaz/game/rules"
)

// botMove picks a random legal move for the seat to act. The choice leans
// towards the first two moves (pass and the lowest bid in the auction, the
// lowest contract, whist or pass), so bots do not bid 10NT at random and
// a pulka reaches its end. In play they pick a random card, never claim and
// reject claims proposed to them.
func botMove(s *rules.State, rng *rand.Rand, buf []rules.Move) (rules.Move, bool) {
	buf = rules.LegalMoves(s, buf[:0])
	if len(buf) == 0 {
		return rules.Move{}, false
	}
	if s.Phase() == rules.PhasePlay {
		// Bots play every card out: they never claim, and they reject a
		// claim proposed to them.
		var cards []rules.Move
		for _, m := range buf {
			switch m.Kind {
			case rules.MovePlay:
				cards = append(cards, m)
			case rules.MoveClaimReject:
				return m, true
			}
		}
		if len(cards) > 0 {
			return cards[rng.IntN(len(cards))], true
		}
		return buf[rng.IntN(len(buf))], true
	}
	switch r := rng.IntN(10); {
	case r < 6:
		return buf[0], true
	case r < 9 && len(buf) > 1:
		return buf[1], true
	}
	return buf[rng.IntN(len(buf))], true
}
