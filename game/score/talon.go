package score

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trelljaz/trelljaz/game/rules"
)

// TalonBonusOf returns the talon premium («платный прикуп», RULES §6) of a
// talon given as two cards in record notation (rank 7 8 9 10 J Q K A, suit
// S C D H, case ignored, e.g. "AS", "10H"), by the rule of
// rules.TalonBonus: two aces 3; an ace and the king of its suit 2; one
// ace, or a king and queen of one suit, 1; otherwise 0.
func TalonBonusOf(a, b string) (int, error) {
	ca, err := parseCard(a)
	if err != nil {
		return 0, err
	}
	cb, err := parseCard(b)
	if err != nil {
		return 0, err
	}
	if ca == cb {
		return 0, fmt.Errorf("card %q given twice", a)
	}
	return rules.TalonBonus([2]rules.Card{ca, cb}), nil
}

// parseCard reads a card in record notation: rules.ParseCard held to the
// record's spelling (Card.ASCII).
func parseCard(s string) (rules.Card, error) {
	c, err := rules.ParseCard(s)
	if err != nil || !strings.EqualFold(c.ASCII(), s) {
		return rules.NoCard, fmt.Errorf("bad card %q: want rank 7 8 9 10 J Q K A and suit S C D H", s)
	}
	return c, nil
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
