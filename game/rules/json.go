package rules

import (
	"encoding/json"
	"fmt"
)

// The JSON forms below let a SeatView go to a client as is: cards and bids
// in ASCII ("10H", "7D", "misere"), sets of cards as arrays, enums by name.

// MarshalJSON encodes the card as "10H", or null for NoCard.
func (c Card) MarshalJSON() ([]byte, error) {
	if !c.Valid() {
		return []byte("null"), nil
	}
	return json.Marshal(c.ASCII())
}

// UnmarshalJSON decodes a card written as ParseCard accepts, or null (NoCard).
func (c *Card) UnmarshalJSON(data []byte) error {
	return unmarshalName(data, "card", c, NoCard, ParseCard)
}

// unmarshalName decodes the JSON string data with parse into *v, or null
// into none: how a card and a bid decode. Their wire form ("10H",
// "misere") is a plain string (plainString), which needs no second
// decoder; any other string is unquoted by encoding/json.
func unmarshalName[T any](data []byte, what string, v *T, none T, parse func(string) (T, error)) error {
	if string(data) == "null" {
		*v = none
		return nil
	}
	s, ok := plainString(data)
	if !ok {
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	parsed, err := parse(s)
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}

// MarshalJSON encodes the set as an array of cards in ascending order.
func (h Hand) MarshalJSON() ([]byte, error) {
	var buf [NumCards]Card
	cards := h.Cards(buf[:0])
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.ASCII()
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes an array of distinct cards.
func (h *Hand) UnmarshalJSON(data []byte) error {
	if v, ok, err := plainHand(data); ok {
		if err == nil {
			*h = v
		}
		return err
	}
	var cards []Card
	if err := json.Unmarshal(data, &cards); err != nil {
		return fmt.Errorf("hand: %w", err)
	}
	var v Hand
	for _, c := range cards {
		if !c.Valid() || v.Has(c) {
			return fmt.Errorf("hand: bad or repeated card %v", c)
		}
		v = v.With(c)
	}
	*h = v
	return nil
}

// plainString returns the text of data when data is a JSON string of
// printable ASCII without escapes, the wire form of every card and bid: it
// needs no decoder. False for anything else, which encoding/json decodes.
func plainString(data []byte) (string, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return "", false
	}
	for _, b := range data[1 : len(data)-1] {
		if b < 0x20 || b > 0x7e || b == '"' || b == '\\' {
			return "", false
		}
	}
	return string(data[1 : len(data)-1]), true
}

// plainHand decodes an array of plain strings (plainString) as
// Hand.UnmarshalJSON does, without a decoder per card: what a view's
// thirteen sets of cards are on the wire. ok is false for any other shape
// (null, escapes, ...), which encoding/json then decodes.
func plainHand(data []byte) (h Hand, ok bool, err error) {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '[' {
		return 0, false, nil
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return 0, skipSpace(data, i+1) == len(data), nil
	}
	for {
		if i == len(data) || data[i] != '"' {
			return 0, false, nil
		}
		j := i + 1
		for j < len(data) && data[j] != '"' {
			j++
		}
		if j == len(data) {
			return 0, false, nil
		}
		s, plain := plainString(data[i : j+1])
		if !plain {
			return 0, false, nil
		}
		// The first bad card is the error, once the whole array is read.
		c, cerr := ParseCard(s)
		switch {
		case err != nil:
		case cerr != nil:
			err = fmt.Errorf("hand: %w", cerr)
		case h.Has(c):
			err = fmt.Errorf("hand: bad or repeated card %v", c)
		default:
			h = h.With(c)
		}
		i = skipSpace(data, j+1)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == ']':
			if skipSpace(data, i+1) != len(data) {
				return 0, false, nil
			}
			if err != nil {
				return 0, true, err
			}
			return h, true, nil
		default:
			return 0, false, nil
		}
	}
}

// skipSpace returns the index of the first byte of data from i on that is
// not JSON whitespace.
func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// MarshalJSON encodes the bid as "7D", "6NT" or "misere", or null for NoBid.
func (b Bid) MarshalJSON() ([]byte, error) {
	if !b.Valid() {
		return []byte("null"), nil
	}
	return json.Marshal(b.ASCII())
}

// UnmarshalJSON decodes a bid written as ParseBid accepts, or null (NoBid).
func (b *Bid) UnmarshalJSON(data []byte) error {
	return unmarshalName(data, "bid", b, NoBid, ParseBid)
}

var kindNames = [...]string{"undecided", "contract", "misere", "raspasy"}
var endingNames = [...]string{"none", "played", "unwhisted", "half_whist", "conceded"}

// String names the kind of deal.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// String names the ending.
func (e Ending) String() string {
	if int(e) < len(endingNames) {
		return endingNames[e]
	}
	return "unknown"
}
