package rules

// TalonBonus is the talon premium of RULES §6 («платный прикуп») in
// whist-price units: two aces 3; an ace and the king of its suit 2; one
// ace, or a king and queen of one suit, 1; otherwise 0. It counts only when
// the option talon_bonus is on, and never on misère.
func TalonBonus(t [2]Card) int {
	a, b := t[0], t[1]
	aces := 0
	if a.Rank() == Ace {
		aces++
	}
	if b.Rank() == Ace {
		aces++
	}
	same := a.Suit() == b.Suit()
	switch {
	case aces == 2:
		return 3
	case aces == 1 && same && (a.Rank() == King || b.Rank() == King):
		return 2
	case aces == 1:
		return 1
	case same && HandOf(a, b) == HandOf(NewCard(King, a.Suit()), NewCard(Queen, a.Suit())):
		return 1
	}
	return 0
}
