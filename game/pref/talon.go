package pref

// Ranks of the talon premium, as numbers: 7..10 for the pip cards, then
// jack 11, queen 12, king 13, ace 14.
const (
	Queen = 12
	King  = 13
	Ace   = 14
)

// TalonCard is a talon card as the talon premium sees it.
type TalonCard struct {
	Rank int // 7..14: 7..10, then Jack 11, Queen 12, King 13, Ace 14
	Suit int // any numbering; equal for cards of one suit
}

// TalonBonus is the talon premium of RULES §6 («платный прикуп») in
// whist-price units: two aces 3; an ace and the king of its suit 2; one
// ace, or a king and queen of one suit, 1; otherwise 0. The sheet counts
// it only when the option talon_bonus is on, and never on misère.
func TalonBonus(a, b TalonCard) int {
	same := a.Suit == b.Suit
	pair := func(x, y int) bool { return a.Rank == x && b.Rank == y || a.Rank == y && b.Rank == x }
	switch {
	case a.Rank == Ace && b.Rank == Ace:
		return 3
	case same && pair(Ace, King):
		return 2
	case a.Rank == Ace || b.Rank == Ace, same && pair(King, Queen):
		return 1
	}
	return 0
}
