package rules

import (
	"fmt"
	"strings"
)

// Strain is the trump of a contract: one of the four suits or no trumps (БК).
type Strain uint8

// NoTrump is the strain of a no-trump contract (без козыря, БК). The suit
// strains have the values of the Suit constants.
const NoTrump Strain = 4

// String returns "♠", "♣", "♦", "♥" or "NT".
func (s Strain) String() string {
	if s == NoTrump {
		return "NT"
	}
	return Suit(s).String()
}

// Bid is a step of the 26-bid ladder of RULES §4.1, from 6♠ (1) to 10NT (26),
// with misère (16) between 8NT and 9♠. The zero Bid is "no bid". A
// declared contract is a Bid too.
type Bid uint8

// Notable bids.
const (
	NoBid      Bid = 0
	SixSpades  Bid = 1  // 6♠, the lowest bid
	Misere     Bid = 16 // мизер
	NineSpades Bid = 17 // 9♠, the lowest bid above misère
	TenNoTrump Bid = 26 // 10NT
	numBids        = 26
)

// BidOf returns the trick bid of the given level (6..10) and strain.
func BidOf(level int, strain Strain) Bid {
	if level < 6 || level > 10 || strain > NoTrump {
		return NoBid
	}
	b := Bid((level-6)*5 + int(strain) + 1)
	if level >= 9 {
		b++
	}
	return b
}

// Valid reports whether b is on the ladder.
func (b Bid) Valid() bool { return b >= SixSpades && b <= TenNoTrump }

// IsMisere reports whether b is misère.
func (b Bid) IsMisere() bool { return b == Misere }

// Level returns the number of tricks the bid promises (6..10), or 0 for
// misère and NoBid.
func (b Bid) Level() int {
	switch {
	case !b.Valid() || b == Misere:
		return 0
	case b > Misere:
		return 9 + int(b-NineSpades)/5
	default:
		return 6 + int(b-SixSpades)/5
	}
}

// Strain returns the trump of a trick bid (meaningless for misère).
func (b Bid) Strain() Strain {
	if b > Misere {
		return Strain((b - NineSpades) % 5)
	}
	return Strain((b - SixSpades) % 5)
}

// Trump returns the trump suit of a trick contract, and false for no-trump
// contracts, misère and NoBid.
func (b Bid) Trump() (Suit, bool) {
	if !b.Valid() || b == Misere {
		return 0, false
	}
	st := b.Strain()
	if st == NoTrump {
		return 0, false
	}
	return Suit(st), true
}

// Value is v(L) = 2·(L−5), the pool value of the contract (10 for misère).
func (b Bid) Value() int {
	if b == Misere {
		return 10
	}
	if !b.Valid() {
		return 0
	}
	return 2 * (b.Level() - 5)
}

// String returns the bid with a Unicode suit: "7♦", "6NT", "misère", or "-"
// for NoBid.
func (b Bid) String() string {
	switch {
	case b == Misere:
		return "misère"
	case !b.Valid():
		return "-"
	}
	return fmt.Sprint(b.Level()) + b.Strain().String()
}

// ASCII returns the bid as written in JSON and pulka records: "7D", "6NT",
// "misere".
func (b Bid) ASCII() string {
	switch {
	case b == Misere:
		return "misere"
	case !b.Valid():
		return "-"
	}
	st := b.Strain()
	if st == NoTrump {
		return fmt.Sprint(b.Level()) + "NT"
	}
	return fmt.Sprint(b.Level()) + Suit(st).ASCII()
}

// ParseBid parses "6S", "7♦", "8NT", "8БК", "10H" or "misere" / "misère" /
// "мизер" (case-insensitive letters).
func ParseBid(s string) (Bid, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "misere", "misère", "мизер", "m":
		return Misere, nil
	}
	level := 0
	switch {
	case strings.HasPrefix(t, "10"):
		level, t = 10, t[2:]
	case len(t) > 0 && t[0] >= '6' && t[0] <= '9':
		level, t = int(t[0]-'0'), t[1:]
	default:
		return NoBid, fmt.Errorf("parse bid %q: unknown level", s)
	}
	var st Strain
	switch strings.ToUpper(t) {
	case "NT", "БК", "N":
		st = NoTrump
	default:
		su, ok := parseSuit(t)
		if !ok {
			return NoBid, fmt.Errorf("parse bid %q: unknown strain", s)
		}
		st = Strain(su)
	}
	return BidOf(level, st), nil
}
