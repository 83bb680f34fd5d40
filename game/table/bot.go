package table

import (
	"math/rand/v2"

	"github.com/trelljaz/trelljaz/game/rules"
)

// Bot is a program that plays a seat: given what the seat may see and its
// legal moves (never empty), it returns one of them. The table makes one
// Bot per seat per pulka (Config.NewBot) and calls it from its goroutine
// only, so a Bot may keep state between calls. A move that is not legal is
// replaced by the rules' timeout move.
type Bot interface {
	Move(v rules.SeatView, legal []rules.Move) rules.Move
}

// simpleBot picks a random legal move. The choice leans towards the first
// two moves (pass and the lowest bid in the auction, the lowest contract,
// whist or pass), so bots do not bid 10NT at random and a pulka reaches its
// end. In play it picks a random card, never claims and rejects claims
// proposed to it.
type simpleBot struct{ rng *rand.Rand }

// Move implements Bot.
func (b *simpleBot) Move(v rules.SeatView, legal []rules.Move) rules.Move {
	if v.Phase == rules.PhasePlay {
		var cards []rules.Move
		for _, m := range legal {
			switch m.Kind {
			case rules.MovePlay:
				cards = append(cards, m)
			case rules.MoveClaimReject:
				return m
			}
		}
		if len(cards) > 0 {
			return cards[b.rng.IntN(len(cards))]
		}
		return legal[b.rng.IntN(len(legal))]
	}
	switch r := b.rng.IntN(10); {
	case r < 6:
		return legal[0]
	case r < 9 && len(legal) > 1:
		return legal[1]
	}
	return legal[b.rng.IntN(len(legal))]
}
