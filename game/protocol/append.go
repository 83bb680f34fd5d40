package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/trelljaz/trelljaz/game/rules"
)

// The table's events are most of what the club encodes: every move makes
// one for the spectators and one for each seated player, and each carries
// the deal as that audience sees it. encoding/json spends most of its time
// there in reflection and in the cards' and bids' MarshalJSON (each one a
// json.Marshal of its own, then compacted). appendTableEvent writes the
// same bytes with appends; the parts an event carries rarely (the
// conventions, the sheet, the result, a chat line, the seats) still go
// through encoding/json, one value at a time.
//
// The bytes must stay identical to encoding/json's with SetEscapeHTML(false)
// (the clients, the archive and the cluster's remote connections read them):
// TestAppendTableEventMatchesEncodingJSON compares both on many random deals.

// appendTableEvent appends the whole message {"type":"table_event",...}.
func appendTableEvent(dst []byte, e *TableEvent) []byte {
	dst = append(dst, `{"type":"table_event","table":`...)
	dst = appendString(dst, e.Table)
	dst = append(dst, `,"v":`...)
	dst = strconv.AppendUint(dst, e.V, 10)
	dst = append(dst, `,"kind":`...)
	dst = appendString(dst, string(e.Kind))
	if e.Move != nil {
		dst = append(dst, `,"move":`...)
		dst = appendMove(dst, *e.Move)
	}
	if e.State != "" {
		dst = append(dst, `,"state":`...)
		dst = appendString(dst, string(e.State))
	}
	if e.Creator != nil {
		dst = append(dst, `,"creator":`...)
		dst = appendValue(dst, e.Creator)
	}
	if e.Conventions != nil {
		dst = append(dst, `,"conventions":`...)
		dst = appendValue(dst, e.Conventions)
	}
	if e.Deadline != nil {
		dst = append(dst, `,"deadline":`...)
		dst = strconv.AppendInt(dst, *e.Deadline, 10)
	}
	if len(e.Seats) > 0 {
		dst = append(dst, `,"seats":`...)
		dst = appendValue(dst, e.Seats)
	}
	if e.DealNo != 0 {
		dst = append(dst, `,"deal_no":`...)
		dst = strconv.AppendInt(dst, int64(e.DealNo), 10)
	}
	if e.Deal != nil {
		dst = append(dst, `,"deal":`...)
		dst = appendSeatView(dst, e.Deal)
	}
	if e.Legal != nil {
		dst = append(dst, `,"legal":`...)
		dst = appendMoves(dst, *e.Legal)
	}
	if e.Clock != nil {
		dst = append(dst, `,"clock":`...)
		dst = appendClock(dst, e.Clock)
	}
	if e.Sheet != nil {
		dst = append(dst, `,"sheet":`...)
		dst = appendValue(dst, e.Sheet)
	}
	if e.LastDeal != "" {
		dst = append(dst, `,"last_deal":`...)
		dst = appendString(dst, e.LastDeal)
	}
	if e.Result != nil {
		dst = append(dst, `,"result":`...)
		dst = appendValue(dst, e.Result)
	}
	if e.Chat != nil {
		dst = append(dst, `,"chat":`...)
		dst = appendValue(dst, e.Chat)
	}
	if e.DealEntry != nil {
		dst = append(dst, `,"deal_entry":`...)
		dst = appendValue(dst, e.DealEntry)
	}
	return append(dst, '}')
}

// appendSeatView appends v as rules.SeatView's JSON tags and its fields'
// MarshalJSON and MarshalText methods encode it.
func appendSeatView(dst []byte, v *rules.SeatView) []byte {
	dst = append(dst, `{"viewer":`...)
	dst = strconv.AppendInt(dst, int64(v.Viewer), 10)
	dst = append(dst, `,"players":`...)
	dst = strconv.AppendInt(dst, int64(v.Players), 10)
	dst = append(dst, `,"dealer":`...)
	dst = strconv.AppendInt(dst, int64(v.Dealer), 10)
	dst = append(dst, `,"series":`...)
	dst = strconv.AppendInt(dst, int64(v.Series), 10)
	dst = append(dst, `,"phase":`...)
	dst = appendString(dst, v.Phase.Code())
	dst = append(dst, `,"kind":`...)
	dst = appendString(dst, v.Kind.String())
	dst = append(dst, `,"turn":`...)
	dst = strconv.AppendInt(dst, int64(v.Turn), 10)
	dst = append(dst, `,"actor":`...)
	dst = strconv.AppendInt(dst, int64(v.Actor), 10)
	dst = append(dst, `,"hands":[`...)
	for i, h := range v.Hands {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendHand(dst, h)
	}
	dst = append(dst, `],"hand_size":`...)
	dst = appendInts(dst, v.HandSize[:])
	dst = append(dst, `,"exposed":`...)
	dst = appendBools(dst, v.Exposed[:])
	dst = append(dst, `,"talon":`...)
	dst = appendCards(dst, v.Talon[:])
	dst = append(dst, `,"discard":`...)
	dst = appendHand(dst, v.Discard)
	dst = append(dst, `,"passed":`...)
	dst = appendBools(dst, v.Passed[:])
	dst = append(dst, `,"last_bid":[`...)
	for i, b := range v.LastBid {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendBid(dst, b)
	}
	dst = append(dst, `],"top_bid":`...)
	dst = appendBid(dst, v.TopBid)
	dst = append(dst, `,"top_seat":`...)
	dst = strconv.AppendInt(dst, int64(v.TopSeat), 10)
	dst = append(dst, `,"declarer":`...)
	dst = strconv.AppendInt(dst, int64(v.Declarer), 10)
	dst = append(dst, `,"contract":`...)
	dst = appendBid(dst, v.Contract)
	dst = append(dst, `,"calls":[`...)
	for i, c := range v.Calls {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, c.String())
	}
	dst = append(dst, `],"open":`...)
	dst = strconv.AppendBool(dst, v.Open)
	dst = append(dst, `,"trick":`...)
	dst = appendCards(dst, v.Trick[:])
	dst = append(dst, `,"leader":`...)
	dst = strconv.AppendInt(dst, int64(v.Leader), 10)
	dst = append(dst, `,"talon_lead":`...)
	dst = appendCard(dst, v.TalonLead)
	dst = append(dst, `,"trick_no":`...)
	dst = strconv.AppendInt(dst, int64(v.TrickNo), 10)
	dst = append(dst, `,"last_trick":`...)
	dst = appendCards(dst, v.LastTrick[:])
	dst = append(dst, `,"last_winner":`...)
	dst = strconv.AppendInt(dst, int64(v.LastWinner), 10)
	dst = append(dst, `,"tricks":`...)
	dst = appendInts(dst, v.Tricks[:])
	dst = append(dst, `,"played":`...)
	dst = appendHand(dst, v.Played)
	dst = append(dst, `,"ending":`...)
	dst = appendString(dst, v.Ending.String())
	dst = append(dst, `,"claim":{"pending":`...)
	dst = strconv.AppendBool(dst, v.Claim.Pending)
	dst = append(dst, `,"by":`...)
	dst = strconv.AppendInt(dst, int64(v.Claim.By), 10)
	dst = append(dst, `,"tricks":`...)
	dst = strconv.AppendInt(dst, int64(v.Claim.Tricks), 10)
	dst = append(dst, `,"remaining":`...)
	dst = strconv.AppendInt(dst, int64(v.Claim.Remaining), 10)
	dst = append(dst, `,"waiting":`...)
	dst = appendBools(dst, v.Claim.Waiting[:])
	dst = append(dst, `,"accepted":`...)
	dst = appendBools(dst, v.Claim.Accepted[:])
	dst = append(dst, `},"claimed":`...)
	dst = strconv.AppendBool(dst, v.Claimed)
	return append(dst, '}')
}

// appendMove appends m in its wire form, as rules.Move.MarshalJSON writes
// it. A move of an unknown kind, which MarshalJSON refuses, goes through
// encoding/json and fails there as it would have.
func appendMove(dst []byte, m rules.Move) []byte {
	if m.Kind == 0 || m.Kind > rules.MoveClaimReject {
		return appendValue(dst, m)
	}
	dst = append(dst, `{"seat":`...)
	dst = strconv.AppendInt(dst, int64(m.Seat), 10)
	dst = append(dst, `,"kind":`...)
	dst = appendString(dst, m.Kind.String())
	switch m.Kind {
	case rules.MoveBid, rules.MoveDeclare:
		// MarshalJSON writes Bid.ASCII, never empty ("-" for no bid).
		dst = append(dst, `,"bid":`...)
		dst = appendASCIIBid(dst, m.Bid)
	case rules.MovePlay:
		dst = append(dst, `,"card":`...)
		dst = appendASCIICard(dst, m.Card)
	case rules.MoveDiscard:
		dst = append(dst, `,"cards":[`...)
		dst = appendASCIICard(dst, m.Card)
		dst = append(dst, ',')
		dst = appendASCIICard(dst, m.Card2)
		dst = append(dst, ']')
	case rules.MoveClaimPropose:
		dst = append(dst, `,"tricks":`...)
		dst = strconv.AppendInt(dst, int64(m.Tricks), 10)
	}
	return append(dst, '}')
}

// appendASCIICard appends c.ASCII() as a JSON string ("--" for no card).
func appendASCIICard(dst []byte, c rules.Card) []byte {
	if !c.Valid() {
		return appendString(dst, c.ASCII())
	}
	return append(dst, names.cards[c]...)
}

// appendASCIIBid appends b.ASCII() as a JSON string ("-" for no bid).
func appendASCIIBid(dst []byte, b rules.Bid) []byte {
	if !b.Valid() {
		return appendString(dst, b.ASCII())
	}
	return append(dst, names.bids[b]...)
}

// appendMoves appends a list of moves; a nil list is null, as
// encoding/json writes a nil slice.
func appendMoves(dst []byte, ms []rules.Move) []byte {
	if ms == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendMove(dst, m)
	}
	return append(dst, ']')
}

func appendClock(dst []byte, c *Clock) []byte {
	dst = append(dst, `{"seat":`...)
	dst = strconv.AppendInt(dst, int64(c.Seat), 10)
	dst = append(dst, `,"deadline":`...)
	dst = strconv.AppendInt(dst, c.Deadline, 10)
	dst = append(dst, `,"bank":`...)
	if c.Bank == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, b := range c.Bank {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, b, 10)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// wireNames are the JSON strings of every card and bid, quotes included,
// made once: Card.ASCII and Bid.ASCII build a new string on every call.
type wireNames struct {
	cards [rules.NumCards]string
	bids  [256]string // "" for a byte that is no valid bid
}

// names is read-only after its initialization.
var names = func() *wireNames {
	n := new(wireNames)
	for c := range rules.Card(rules.NumCards) {
		n.cards[c] = `"` + c.ASCII() + `"`
	}
	for b := range 256 {
		if bid := rules.Bid(b); bid.Valid() {
			n.bids[b] = `"` + bid.ASCII() + `"`
		}
	}
	return n
}()

// appendCard appends c as "10H", or null for no card (Card.MarshalJSON).
func appendCard(dst []byte, c rules.Card) []byte {
	if !c.Valid() {
		return append(dst, "null"...)
	}
	return append(dst, names.cards[c]...)
}

func appendCards(dst []byte, cs []rules.Card) []byte {
	dst = append(dst, '[')
	for i, c := range cs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCard(dst, c)
	}
	return append(dst, ']')
}

// appendHand appends h as an array of its cards, ascending
// (Hand.MarshalJSON).
func appendHand(dst []byte, h rules.Hand) []byte {
	var buf [rules.NumCards]rules.Card
	dst = append(dst, '[')
	for i, c := range h.Cards(buf[:0]) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, names.cards[c]...)
	}
	return append(dst, ']')
}

// appendBid appends b as "7D", "6NT" or "misere", or null for no bid
// (Bid.MarshalJSON).
func appendBid(dst []byte, b rules.Bid) []byte {
	if !b.Valid() {
		return append(dst, "null"...)
	}
	return append(dst, names.bids[b]...)
}

func appendInts(dst []byte, ns []int) []byte {
	dst = append(dst, '[')
	for i, n := range ns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, ']')
}

func appendBools(dst []byte, bs []bool) []byte {
	dst = append(dst, '[')
	for i, b := range bs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendBool(dst, b)
	}
	return append(dst, ']')
}

// appendString appends s as a JSON string. Printable ASCII without a quote
// or a backslash (every code, card and bid, and the table ids) is written
// as it is; anything else goes through encoding/json, whose escapes are
// the ones to match.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return appendValue(dst, s)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendValue appends v as encoding/json encodes it without HTML escapes
// (Encode's settings).
func appendValue(dst []byte, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// The message types of this package always encode.
		panic(fmt.Sprintf("protocol: encoding %T: %v", v, err))
	}
	return append(dst, bytes.TrimRight(buf.Bytes(), "\n")...)
}
