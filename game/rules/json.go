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
	if string(data) == "null" {
		*c = NoCard
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("card: %w", err)
	}
	v, err := ParseCard(s)
	if err != nil {
		return err
	}
	*c = v
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

// MarshalJSON encodes the bid as "7D", "6NT" or "misere", or null for NoBid.
func (b Bid) MarshalJSON() ([]byte, error) {
	if !b.Valid() {
		return []byte("null"), nil
	}
	return json.Marshal(b.ASCII())
}

// UnmarshalJSON decodes a bid written as ParseBid accepts, or null (NoBid).
func (b *Bid) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*b = NoBid
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("bid: %w", err)
	}
	v, err := ParseBid(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
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
