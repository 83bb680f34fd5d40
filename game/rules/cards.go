package rules

import (
	"fmt"
	"math/bits"
	"strings"
)

// Suit is a card suit. The order Spades < Clubs < Diamonds < Hearts is the
// bidding order (RULES §2.2); in play all suits are equal.
type Suit uint8

// The four suits in bidding order.
const (
	Spades   Suit = iota // ♠ пики
	Clubs                // ♣ трефы
	Diamonds             // ♦ бубны
	Hearts               // ♥ червы
)

// NumSuits is the number of suits.
const NumSuits = 4

var suitSymbols = [NumSuits]string{"♠", "♣", "♦", "♥"}
var suitLetters = [NumSuits]string{"S", "C", "D", "H"}

// String returns the Unicode symbol of the suit ("♠").
func (s Suit) String() string {
	if s >= NumSuits {
		return fmt.Sprintf("Suit(%d)", uint8(s))
	}
	return suitSymbols[s]
}

// ASCII returns the one-letter name of the suit ("S", "C", "D", "H").
func (s Suit) ASCII() string {
	if s >= NumSuits {
		return fmt.Sprintf("Suit(%d)", uint8(s))
	}
	return suitLetters[s]
}

// Rank is a card rank, 7 (lowest) to Ace (highest).
type Rank uint8

// The eight ranks, low to high.
const (
	Seven Rank = iota
	Eight
	Nine
	Ten
	Jack
	Queen
	King
	Ace
)

// NumRanks is the number of ranks per suit.
const NumRanks = 8

var rankNames = [NumRanks]string{"7", "8", "9", "10", "J", "Q", "K", "A"}

// String returns the rank as printed on a card ("7", "10", "J", "A").
func (r Rank) String() string {
	if r >= NumRanks {
		return fmt.Sprintf("Rank(%d)", uint8(r))
	}
	return rankNames[r]
}

// Card is one of the 32 cards, encoded as suit*8 + rank.
type Card uint8

// NumCards is the size of the Preferans deck.
const NumCards = 32

// NoCard marks an empty card slot (a trick position not played yet, a
// hidden talon card in a View).
const NoCard Card = 0xFF

// NewCard returns the card of the given rank and suit.
func NewCard(r Rank, s Suit) Card { return Card(uint8(s)<<3 | uint8(r)) }

// Suit returns the card's suit.
func (c Card) Suit() Suit { return Suit(c >> 3) }

// Rank returns the card's rank.
func (c Card) Rank() Rank { return Rank(c & 7) }

// Valid reports whether c is one of the 32 cards.
func (c Card) Valid() bool { return c < NumCards }

// String returns the card with a Unicode suit ("10♥"), or "--" for NoCard.
func (c Card) String() string {
	if !c.Valid() {
		return "--"
	}
	return rankNames[c.Rank()] + suitSymbols[c.Suit()]
}

// ASCII returns the card in ASCII ("10H", "AS"), the form used in JSON.
func (c Card) ASCII() string {
	if !c.Valid() {
		return "--"
	}
	return rankNames[c.Rank()] + suitLetters[c.Suit()]
}

// ParseCard parses a card written as rank then suit. Ranks are 7 8 9 10 (or
// T) J Q K A, case-insensitive; Russian letters В Д К Т are accepted for
// J Q K A. Suits are ♠ ♣ ♦ ♥ (also ♤ ♧ ♢ ♡) or S C D H.
func ParseCard(s string) (Card, error) {
	orig := s
	s = strings.TrimSpace(s)
	var r Rank
	switch {
	case strings.HasPrefix(s, "10"):
		r, s = Ten, s[2:]
	case s == "":
		return NoCard, fmt.Errorf("parse card %q: empty", orig)
	default:
		ok := false
		for _, p := range rankPrefixes {
			if strings.HasPrefix(s, p.text) {
				r, s, ok = p.rank, s[len(p.text):], true
				break
			}
		}
		if !ok {
			return NoCard, fmt.Errorf("parse card %q: unknown rank", orig)
		}
	}
	suit, ok := parseSuit(s)
	if !ok {
		return NoCard, fmt.Errorf("parse card %q: unknown suit", orig)
	}
	return NewCard(r, suit), nil
}

var rankPrefixes = []struct {
	text string
	rank Rank
}{
	{"7", Seven}, {"8", Eight}, {"9", Nine}, {"T", Ten}, {"t", Ten},
	{"J", Jack}, {"j", Jack}, {"Q", Queen}, {"q", Queen}, {"K", King}, {"k", King},
	{"A", Ace}, {"a", Ace}, {"В", Jack}, {"Д", Queen}, {"К", King}, {"Т", Ace},
}

func parseSuit(s string) (Suit, bool) {
	switch s {
	case "♠", "♤", "S", "s":
		return Spades, true
	case "♣", "♧", "C", "c":
		return Clubs, true
	case "♦", "♢", "D", "d":
		return Diamonds, true
	case "♥", "♡", "H", "h":
		return Hearts, true
	}
	return 0, false
}

// Hand is a set of cards as a bitset: bit c is set when card c is in the set.
// It is used for hands, the talon, discards and the set of played cards.
type Hand uint32

// FullDeck is the set of all 32 cards.
const FullDeck Hand = 0xFFFFFFFF

// HandOf returns the set holding the given cards.
func HandOf(cards ...Card) Hand {
	var h Hand
	for _, c := range cards {
		h = h.With(c)
	}
	return h
}

// Has reports whether c is in h.
func (h Hand) Has(c Card) bool { return c < NumCards && h&(1<<c) != 0 }

// With returns h with c added.
func (h Hand) With(c Card) Hand {
	if c >= NumCards {
		return h
	}
	return h | 1<<c
}

// Without returns h with c removed.
func (h Hand) Without(c Card) Hand {
	if c >= NumCards {
		return h
	}
	return h &^ (1 << c)
}

// Len returns the number of cards in h.
func (h Hand) Len() int { return bits.OnesCount32(uint32(h)) }

// OfSuit returns the cards of h in suit s.
func (h Hand) OfSuit(s Suit) Hand { return h & (0xFF << (8 * uint(s))) }

// Lowest returns the lowest card of h (suits in bid order, then rank), or
// NoCard when h is empty.
func (h Hand) Lowest() Card {
	if h == 0 {
		return NoCard
	}
	return Card(bits.TrailingZeros32(uint32(h)))
}

// Highest returns the highest card of h, or NoCard when h is empty. Within
// one suit (h.OfSuit(s).Highest()) it is the highest rank.
func (h Hand) Highest() Card {
	if h == 0 {
		return NoCard
	}
	return Card(31 - bits.LeadingZeros32(uint32(h)))
}

// Cards appends the cards of h to buf in ascending order and returns it.
func (h Hand) Cards(buf []Card) []Card {
	for h != 0 {
		c := Card(bits.TrailingZeros32(uint32(h)))
		buf = append(buf, c)
		h &= h - 1
	}
	return buf
}

// String lists the cards of h with Unicode suits, e.g. "7♠ A♠ 10♥".
func (h Hand) String() string {
	var b strings.Builder
	for _, c := range h.Cards(make([]Card, 0, NumCards)) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// ParseHand parses space- or comma-separated cards (see ParseCard).
func ParseHand(s string) (Hand, error) {
	var h Hand
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		c, err := ParseCard(f)
		if err != nil {
			return 0, err
		}
		if h.Has(c) {
			return 0, fmt.Errorf("parse hand %q: %v twice", s, c)
		}
		h = h.With(c)
	}
	return h, nil
}
