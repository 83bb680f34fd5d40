package score

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
)

// TalonBonusOf returns the talon premium («платный прикуп», RULES §6) of a
// talon given as two cards in record notation (rank 7 8 9 10 J Q K A, suit
// S C D H, e.g. "AS", "10H"), by the rule of pref.TalonBonus: two aces 3; an
// ace and the king of its suit 2; one ace, or a king and queen of one suit,
// 1; otherwise 0.
func TalonBonusOf(a, b string) (int, error) {
	ra, sa, err := parseCard(a)
	if err != nil {
		return 0, err
	}
	rb, sb, err := parseCard(b)
	if err != nil {
		return 0, err
	}
	if ra == rb && sa == sb {
		return 0, fmt.Errorf("card %q given twice", a)
	}
	return pref.TalonBonus(talonCard(ra, sa), talonCard(rb, sb)), nil
}

// talonCard numbers a parsed card as the talon premium does: ranks 7..14.
func talonCard(rank string, suit byte) pref.TalonCard {
	return pref.TalonCard{Rank: 7 + slices.Index(cardRanks, rank), Suit: int(suit)}
}

var cardRanks = []string{"7", "8", "9", "10", "J", "Q", "K", "A"}

func parseCard(c string) (rank string, suit byte, err error) {
	u := strings.ToUpper(c)
	if len(u) < 2 || len(u) > 3 || !strings.ContainsRune("SCDH", rune(u[len(u)-1])) ||
		!slices.Contains(cardRanks, u[:len(u)-1]) {
		return "", 0, fmt.Errorf("bad card %q: want rank 7 8 9 10 J Q K A and suit S C D H", c)
	}
	return u[:len(u)-1], u[len(u)-1], nil
}

// sortedKeys returns a map's keys in order, for deterministic checking.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
