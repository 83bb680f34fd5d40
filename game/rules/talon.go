package rules

import "github.com/trelljaz/trelljaz/game/pref"

// TalonBonus is the talon premium of RULES §6 («платный прикуп») of a
// talon, in whist-price units (see pref.TalonBonus for the rule).
func TalonBonus(t [2]Card) int {
	return pref.TalonBonus(talonCard(t[0]), talonCard(t[1]))
}

// talonCard numbers a card as the talon premium does: ranks 7..14, Seven = 7.
func talonCard(c Card) pref.TalonCard {
	return pref.TalonCard{Rank: 7 + int(c.Rank()), Suit: int(c.Suit())}
}
