package rules

// TalonBonus is the talon premium of RULES §6 («платный прикуп») of a
// talon, in whist-price units: two aces 3; an ace and the king of its suit
// 2; one ace, or a king and queen of one suit, 1; otherwise 0. The sheet
// counts it only when the option talon_bonus is on, and never on misère.
func TalonBonus(t [2]Card) int {
	a, b := t[0], t[1]
	same := a.Suit() == b.Suit()
	pair := func(x, y Rank) bool { return a.Rank() == x && b.Rank() == y || a.Rank() == y && b.Rank() == x }
	switch {
	case a.Rank() == Ace && b.Rank() == Ace:
		return 3
	case same && pair(Ace, King):
		return 2
	case a.Rank() == Ace || b.Rank() == Ace, same && pair(King, Queen):
		return 1
	}
	return 0
}
