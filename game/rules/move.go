package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MoveKind is what a move does.
type MoveKind uint8

// Move kinds. Pass is used both in the auction and in whisting.
const (
	MovePass         MoveKind = iota + 1 // пас (auction or whisting)
	MoveBid                              // a bid; equal to the top bid it is «здесь» (senior hold)
	MoveDiscard                          // снос: two cards
	MoveDeclare                          // заказ: the contract
	MoveConcede                          // «без трёх» (option concede_without_three)
	MoveWhist                            // вист (also the first defender's return of the whist)
	MoveHalf                             // полвиста
	MoveOpen                             // the lone whister plays open («ляжем»)
	MoveClosed                           // the lone whister plays closed («стоя»)
	MovePlay                             // a card to the trick
	MoveClaim                            // «остальные мои»: the declarer claims every remaining trick (claims: declarer-only)
	MoveClaimPropose                     // propose a split of the remaining tricks (claims: propose-accept)
	MoveClaimAccept                      // accept the pending proposal
	MoveClaimReject                      // reject it: play resumes
)

var moveKindNames = [...]string{"", "pass", "bid", "discard", "declare", "concede", "whist", "half", "open", "closed", "play", "claim", "claim_propose", "claim_accept", "claim_reject"}

// String returns the JSON name of the kind.
func (k MoveKind) String() string {
	if int(k) < len(moveKindNames) && k != 0 {
		return moveKindNames[k]
	}
	return fmt.Sprintf("MoveKind(%d)", uint8(k))
}

// Move is one decision by one seat. Bid is set for MoveBid and MoveDeclare,
// Card for MovePlay, Card and Card2 for MoveDiscard, Tricks (the
// declarer's share of the remaining tricks) for MoveClaimPropose.
type Move struct {
	Seat   uint8
	Kind   MoveKind
	Bid    Bid
	Card   Card
	Card2  Card
	Tricks uint8
}

// Pass returns a pass (auction or whisting) by seat.
func Pass(seat int) Move { return Move{Seat: uint8(seat), Kind: MovePass} }

// BidMove returns a bid by seat.
func BidMove(seat int, b Bid) Move { return Move{Seat: uint8(seat), Kind: MoveBid, Bid: b} }

// Declare returns the declaration of contract c by seat.
func Declare(seat int, c Bid) Move { return Move{Seat: uint8(seat), Kind: MoveDeclare, Bid: c} }

// DiscardMove returns the discard of cards a and b by seat.
func DiscardMove(seat int, a, b Card) Move {
	return Move{Seat: uint8(seat), Kind: MoveDiscard, Card: a, Card2: b}
}

// Simple returns a move of a kind that carries no bid or card (whist,
// half, open, closed, concede, pass, claim, claim_accept, claim_reject).
func Simple(seat int, k MoveKind) Move { return Move{Seat: uint8(seat), Kind: k} }

// PlayMove returns seat playing card c.
func PlayMove(seat int, c Card) Move { return Move{Seat: uint8(seat), Kind: MovePlay, Card: c} }

// Canonical returns m with the discarded cards in ascending order, the
// form LegalMoves lists; Apply treats both orders alike.
func (m Move) Canonical() Move {
	if m.Kind == MoveDiscard && m.Card2 < m.Card {
		m.Card, m.Card2 = m.Card2, m.Card
	}
	return m
}

// String renders the move for logs and error messages.
func (m Move) String() string {
	switch m.Kind {
	case MoveBid, MoveDeclare:
		return fmt.Sprintf("seat %d %s %s", m.Seat, m.Kind, m.Bid)
	case MovePlay:
		return fmt.Sprintf("seat %d plays %s", m.Seat, m.Card)
	case MoveDiscard:
		return fmt.Sprintf("seat %d discards %s %s", m.Seat, m.Card, m.Card2)
	case MoveClaimPropose:
		return fmt.Sprintf("seat %d proposes %d tricks to the declarer", m.Seat, m.Tricks)
	}
	return fmt.Sprintf("seat %d %s", m.Seat, m.Kind)
}

// IllegalMoveError is returned by Apply for a move the rules do not allow.
// Reason says why in words ("must follow suit ♥").
type IllegalMoveError struct {
	Move   Move
	Phase  Phase
	Reason string
}

// Error implements error.
func (e *IllegalMoveError) Error() string {
	return fmt.Sprintf("illegal move (%s) in the %s: %s", e.Move, e.Phase, e.Reason)
}

func illegal(s *State, m Move, format string, args ...any) error {
	return &IllegalMoveError{Move: m, Phase: s.phase, Reason: fmt.Sprintf(format, args...)}
}

// Apply returns the state after move m, or s unchanged and an
// *IllegalMoveError when the rules do not allow m.
func Apply(s State, m Move) (State, error) {
	if s.phase == PhaseDone {
		return s, illegal(&s, m, "the deal is over")
	}
	if s.players != 3 && s.players != 4 {
		return s, illegal(&s, m, "not a deal (use New)")
	}
	if actor := s.Actor(); int(m.Seat) != actor {
		return s, illegal(&s, m, "not your turn: seat %d is to move", actor)
	}
	t := s
	var err error
	switch s.phase {
	case PhaseAuction:
		err = t.applyAuction(m)
	case PhaseDiscard:
		err = t.applyDiscard(m)
	case PhaseDeclare:
		err = t.applyDeclare(m)
	case PhaseWhist:
		err = t.applyWhist(m)
	case PhaseOpenChoice:
		err = t.applyOpenChoice(m)
	case PhasePlay:
		err = t.applyPlayPhase(m)
	}
	if err != nil {
		return s, err
	}
	return t, nil
}

// LegalMoves appends every legal move in s to buf and returns it. With a
// buffer of capacity 70 or more it allocates nothing. In trick play the
// cards come first, then the claim moves the claims option allows (an
// answer to a pending proposal is listed alone: accept, reject).
func LegalMoves(s *State, buf []Move) []Move {
	switch s.phase {
	case PhaseAuction:
		return s.legalAuction(buf)
	case PhaseDiscard:
		return s.legalDiscard(buf)
	case PhaseDeclare:
		return s.legalDeclare(buf)
	case PhaseWhist:
		return s.legalWhist(buf)
	case PhaseOpenChoice:
		seat := s.turn
		return append(buf, Simple(int(seat), MoveOpen), Simple(int(seat), MoveClosed))
	case PhasePlay:
		return s.legalPlay(buf)
	}
	return buf
}

// MaxMoveSize is the largest JSON move DecodeMove accepts, in bytes.
const MaxMoveSize = 256

// ErrMoveTooLarge is returned by DecodeMove for input over MaxMoveSize.
var ErrMoveTooLarge = errors.New("move: larger than MaxMoveSize")

// moveJSON is the wire form of a Move:
//
//	{"seat":0,"kind":"bid","bid":"7H"}
//	{"seat":1,"kind":"play","card":"10S"}
//	{"seat":2,"kind":"discard","cards":["7S","8S"]}
//	{"seat":0,"kind":"claim_propose","tricks":3}
type moveJSON struct {
	Seat   int      `json:"seat"`
	Kind   string   `json:"kind"`
	Bid    string   `json:"bid,omitempty"`
	Card   string   `json:"card,omitempty"`
	Cards  []string `json:"cards,omitempty"`
	Tricks *int     `json:"tricks,omitempty"`
}

// MarshalJSON encodes the move in its wire form (ASCII cards and bids).
func (m Move) MarshalJSON() ([]byte, error) {
	if m.Kind == 0 || int(m.Kind) >= len(moveKindNames) {
		return nil, fmt.Errorf("move: unknown kind %d", m.Kind)
	}
	w := moveJSON{Seat: int(m.Seat), Kind: m.Kind.String()}
	switch m.Kind {
	case MoveBid, MoveDeclare:
		w.Bid = m.Bid.ASCII()
	case MovePlay:
		w.Card = m.Card.ASCII()
	case MoveDiscard:
		w.Cards = []string{m.Card.ASCII(), m.Card2.ASCII()}
	case MoveClaimPropose:
		n := int(m.Tricks)
		w.Tricks = &n
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the wire form. It does not limit the size; use
// DecodeMove for untrusted input.
func (m *Move) UnmarshalJSON(data []byte) error {
	w, ok := canonicalMove(data)
	if !ok {
		var err error
		if w, err = strictMove(data); err != nil {
			return err
		}
	}
	if w.Seat < 0 || w.Seat > 3 {
		return fmt.Errorf("move: seat %d out of range 0..3", w.Seat)
	}
	var out Move
	out.Seat = uint8(w.Seat)
	for k := range moveKindNames {
		if k != 0 && moveKindNames[k] == w.Kind {
			out.Kind = MoveKind(k)
		}
	}
	if out.Kind == 0 {
		return fmt.Errorf("move: unknown kind %q", w.Kind)
	}
	wantBid, wantCard, wantCards, wantTricks := false, false, false, false
	switch out.Kind {
	case MoveBid, MoveDeclare:
		wantBid = true
		b, err := ParseBid(w.Bid)
		if err != nil {
			return fmt.Errorf("move %s: %w", w.Kind, err)
		}
		out.Bid = b
	case MovePlay:
		wantCard = true
		c, err := ParseCard(w.Card)
		if err != nil {
			return fmt.Errorf("move play: %w", err)
		}
		out.Card = c
	case MoveDiscard:
		wantCards = true
		if len(w.Cards) != 2 {
			return fmt.Errorf("move discard: want 2 cards, got %d", len(w.Cards))
		}
		a, err := ParseCard(w.Cards[0])
		if err != nil {
			return fmt.Errorf("move discard: %w", err)
		}
		b, err := ParseCard(w.Cards[1])
		if err != nil {
			return fmt.Errorf("move discard: %w", err)
		}
		out.Card, out.Card2 = a, b
	case MoveClaimPropose:
		wantTricks = true
		if w.Tricks == nil || *w.Tricks < 0 || *w.Tricks > 10 {
			n := -1
			if w.Tricks != nil {
				n = *w.Tricks
			}
			return claimTricksError(n)
		}
		out.Tricks = uint8(*w.Tricks)
	}
	if (w.Bid != "") != wantBid || (w.Card != "") != wantCard || (w.Cards != nil) != wantCards || (w.Tricks != nil) != wantTricks {
		return fmt.Errorf("move %s: unexpected field", w.Kind)
	}
	*m = out
	return nil
}

// strictMove decodes any other form of a move with encoding/json. It is
// a function of its own so that only this path puts a moveJSON on the
// heap (the decoder takes its address): in UnmarshalJSON it put one there
// for every move, canonical or not (80 bytes of a view's every legal move).
func strictMove(data []byte) (moveJSON, error) {
	var w moveJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return moveJSON{}, fmt.Errorf("move: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return moveJSON{}, errors.New("move: trailing data after the JSON object")
	}
	return w, nil
}

// canonicalMove reads data when it is a move exactly as MarshalJSON writes
// it ({"seat":0,"kind":"play","card":"10S"}: these keys in this order, no
// space, plain strings, small non-negative integers), which is what the
// server sends in every view's legal moves and what clients send: it needs
// no decoder. False for anything else, which the strict decoder reads.
func canonicalMove(data []byte) (w moveJSON, ok bool) {
	rest, ok := bytes.CutPrefix(data, []byte(`{"seat":`))
	if !ok {
		return w, false
	}
	if w.Seat, rest, ok = cutSmallInt(rest); !ok {
		return w, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"kind":`)); !ok {
		return w, false
	}
	if w.Kind, rest, ok = cutPlainString(rest); !ok {
		return w, false
	}
	switch {
	case bytes.HasPrefix(rest, []byte(`,"bid":`)):
		w.Bid, rest, ok = cutPlainString(rest[len(`,"bid":`):])
	case bytes.HasPrefix(rest, []byte(`,"card":`)):
		w.Card, rest, ok = cutPlainString(rest[len(`,"card":`):])
	case bytes.HasPrefix(rest, []byte(`,"cards":[`)):
		var a, b string
		if a, rest, ok = cutPlainString(rest[len(`,"cards":[`):]); !ok || len(rest) == 0 || rest[0] != ',' {
			return w, false
		}
		if b, rest, ok = cutPlainString(rest[1:]); !ok || len(rest) == 0 || rest[0] != ']' {
			return w, false
		}
		w.Cards, rest = []string{a, b}, rest[1:]
	case bytes.HasPrefix(rest, []byte(`,"tricks":`)):
		var n int
		n, rest, ok = cutSmallInt(rest[len(`,"tricks":`):])
		w.Tricks = &n
	}
	if !ok || string(rest) != "}" {
		return moveJSON{}, false
	}
	return w, true
}

// cutSmallInt reads a JSON number of one to three digits (no sign, no
// leading zero) from the head of b.
func cutSmallInt(b []byte) (int, []byte, bool) {
	n, i := 0, 0
	for i < len(b) && i < 4 && b[i] >= '0' && b[i] <= '9' {
		n = 10*n + int(b[i]-'0')
		i++
	}
	if i == 0 || i == 4 || i > 1 && b[0] == '0' {
		return 0, b, false
	}
	return n, b[i:], true
}

// cutPlainString reads a JSON string of printable ASCII without escapes
// from the head of b.
func cutPlainString(b []byte) (string, []byte, bool) {
	if len(b) < 2 || b[0] != '"' {
		return "", b, false
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 {
		return "", b, false
	}
	s, ok := plainString(b[:end+2])
	return s, b[end+2:], ok
}

// DecodeMove decodes one move from untrusted JSON of at most MaxMoveSize bytes.
func DecodeMove(data []byte) (Move, error) {
	if len(data) > MaxMoveSize {
		return Move{}, ErrMoveTooLarge
	}
	var m Move
	if err := m.UnmarshalJSON(data); err != nil {
		return Move{}, err
	}
	return m, nil
}
