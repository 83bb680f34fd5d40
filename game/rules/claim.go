package rules

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/pref"
)

// ClaimProposeMove returns a proposal by seat that the declarer takes
// tricks of the tricks still to play and the defenders the rest.
func ClaimProposeMove(seat, tricks int) Move {
	return Move{Seat: uint8(seat), Kind: MoveClaimPropose, Tricks: uint8(tricks)}
}

// ClaimView is a pending claim proposal as every viewer sees it.
type ClaimView struct {
	Pending   bool             `json:"pending"`
	By        int              `json:"by"`        // the proposer, -1 when none is pending
	Tricks    int              `json:"tricks"`    // the declarer's share of the remaining tricks
	Remaining int              `json:"remaining"` // tricks still to play when it was proposed
	Waiting   [MaxPlayers]bool `json:"waiting"`   // seats yet to answer
	Accepted  [MaxPlayers]bool `json:"accepted"`  // seats that accepted
}

// Claimed reports whether the deal ended by a claim rather than by playing
// trick 10. The tricks of a claimed deal still sum to 10.
func (s *State) Claimed() bool { return s.claimed }

// PendingClaim returns the proposer of a pending claim and the tricks it
// gives the declarer; ok is false when no claim is pending.
func (s *State) PendingClaim() (by, tricks int, ok bool) {
	if s.claimWait == 0 {
		return -1, 0, false
	}
	return int(s.claimBy), int(s.claimTricks), true
}

// claimView fills the public view of a pending claim.
func (s *State) claimView() ClaimView {
	v := ClaimView{By: -1}
	if s.claimWait == 0 {
		return v
	}
	v.Pending, v.By, v.Tricks, v.Remaining = true, int(s.claimBy), int(s.claimTricks), int(10-s.trickNo)
	accepted := s.claimParties() &^ s.claimWait &^ (1 << s.claimBy)
	for p := 0; p < 4; p++ {
		v.Waiting[p] = s.claimWait&(1<<p) != 0
		v.Accepted[p] = accepted&(1<<p) != 0
	}
	return v
}

// claimable reports whether claims may be made now: trick play of a trick
// contract (never misère or raspasy) with the option on.
func (s *State) claimable() bool {
	return s.phase == PhasePlay && s.kind == KindContract && s.opt.Claims != pref.ClaimsOff && s.trickNo < 10
}

// claimParties returns the seats that answer a proposal: every seat of the
// deal, and the sitting-out dealer of a four-player deal when he whisted
// (he plays the defenders' cards).
func (s *State) claimParties() uint8 {
	var m uint8
	for p := uint8(0); p < s.players; p++ {
		if s.active(p) {
			m |= 1 << p
		}
	}
	if s.players == 4 && s.calls[s.dealer] == pref.CallWhist {
		m |= 1 << s.dealer
	}
	return m
}

// claimResponder is the seat that must answer the pending proposal: the
// first seat still waiting, clockwise from the proposer.
func (s *State) claimResponder() uint8 {
	for i := uint8(1); i <= s.players; i++ {
		if p := (s.claimBy + i) % s.players; s.claimWait&(1<<p) != 0 {
			return p
		}
	}
	return s.claimBy
}

// defenderCards returns every card the defenders still hold.
func (s *State) defenderCards() Hand {
	var h Hand
	for p := uint8(0); p < s.players; p++ {
		if p != s.declarer {
			h |= s.hands[p]
		}
	}
	return h
}

// claimProof checks the declarer's claim of all remaining tricks. notTop
// is the lowest declarer card that a defender's card of its suit beats
// (NoCard when every declarer card is a top card); trumpGap is how many
// more trumps the defenders hold than the declarer (> 0 means the claim
// may be ruffed).
func (s *State) claimProof() (notTop Card, trumpGap int) {
	decl, def := s.hands[s.declarer], s.defenderCards()
	notTop = NoCard
	for su := Suit(0); su < NumSuits; su++ {
		d, o := decl.OfSuit(su), def.OfSuit(su)
		if d != 0 && o != 0 && d.Lowest() < o.Highest() {
			notTop = d.Lowest()
			break
		}
	}
	if t, ok := s.trump(); ok {
		trumpGap = def.OfSuit(t).Len() - decl.OfSuit(t).Len()
	}
	return notTop, trumpGap
}

// declarerOnLead reports whether the declarer is to lead a new trick.
func (s *State) declarerOnLead() bool {
	return s.inTrick == 0 && s.turn == s.declarer && !s.talonOnTrick
}

// legalClaims appends the claim moves allowed now (after the cards).
func (s *State) legalClaims(buf []Move) []Move {
	if !s.claimable() {
		return buf
	}
	actor := s.Actor()
	switch s.opt.Claims {
	case pref.ClaimsDeclarerOnly:
		if actor == int(s.declarer) && s.declarerOnLead() {
			if notTop, gap := s.claimProof(); notTop == NoCard && gap <= 0 {
				buf = append(buf, Simple(actor, MoveClaim))
			}
		}
	case pref.ClaimsProposeAccept:
		if s.claimUsed&(1<<actor) == 0 {
			for n := 0; n <= int(10-s.trickNo); n++ {
				buf = append(buf, ClaimProposeMove(actor, n))
			}
		}
	}
	return buf
}

// applyPlayPhase dispatches a move in trick play: an answer to a pending
// claim, a claim, or a card.
func (s *State) applyPlayPhase(m Move) error {
	if s.claimWait != 0 {
		return s.applyClaimAnswer(m)
	}
	switch m.Kind {
	case MoveClaim, MoveClaimPropose:
		return s.applyClaim(m)
	case MoveClaimAccept, MoveClaimReject:
		return illegal(s, m, "no claim is pending")
	}
	return s.applyPlay(m)
}

func (s *State) applyClaim(m Move) error {
	switch {
	case s.kind != KindContract:
		return illegal(s, m, "claims are only made in a trick contract, not in %s", s.kind)
	case s.opt.Claims == pref.ClaimsOff:
		return illegal(s, m, "claims are off at this table")
	}
	remaining := 10 - s.trickNo
	if m.Kind == MoveClaim {
		if s.opt.Claims != pref.ClaimsDeclarerOnly {
			return illegal(s, m, "at this table a claim is proposed and accepted (claims: %s)", s.opt.Claims)
		}
		if m.Seat != s.declarer {
			return illegal(s, m, "only the declarer may claim")
		}
		if !s.declarerOnLead() {
			return illegal(s, m, "the declarer claims when on lead to a new trick")
		}
		notTop, gap := s.claimProof()
		if notTop != NoCard {
			return illegal(s, m, "claim not certain: a defender's card beats %s", notTop)
		}
		if gap > 0 {
			t, _ := s.trump()
			mine := s.hands[s.declarer].OfSuit(t).Len()
			return illegal(s, m, "claim not certain: the defenders hold %d trumps %s, you only %d", mine+gap, t, mine)
		}
		s.settleClaim(remaining)
		return nil
	}
	if s.opt.Claims != pref.ClaimsProposeAccept {
		return illegal(s, m, "at this table only the declarer claims (claims: %s)", s.opt.Claims)
	}
	if s.claimUsed&(1<<m.Seat) != 0 {
		return illegal(s, m, "you have already proposed a claim in this trick")
	}
	if m.Tricks > remaining {
		return illegal(s, m, "only %d tricks remain", remaining)
	}
	s.claimBy, s.claimTricks = m.Seat, m.Tricks
	s.claimUsed |= 1 << m.Seat
	s.claimWait = s.claimParties() &^ (1 << m.Seat)
	if s.claimWait == 0 { // nobody to ask (cannot happen with three players in the deal)
		s.settleClaim(m.Tricks)
	}
	return nil
}

func (s *State) applyClaimAnswer(m Move) error {
	switch m.Kind {
	case MoveClaimAccept:
		s.claimWait &^= 1 << m.Seat
		if s.claimWait == 0 {
			s.settleClaim(s.claimTricks)
		}
		return nil
	case MoveClaimReject:
		s.claimWait = 0 // play resumes: turn, trick and leader were never changed
		return nil
	}
	return illegal(s, m, "seat %d proposed %d tricks to the declarer: accept or reject first", s.claimBy, s.claimTricks)
}

// settleClaim ends the deal: the declarer gets decl of the remaining
// tricks, the defenders the rest. A lone whister is credited with all the
// defenders' tricks (the score uses only their total then). Two whisters
// (or the whisting sitting-out dealer) split them evenly, the odd trick to
// the defender with fewer tricks so far (the first defender on a tie).
// Hands turned face up for the play are turned down again.
func (s *State) settleClaim(decl uint8) {
	def := 10 - s.trickNo - decl
	s.tricks[s.declarer] += decl
	f, sd := s.defenders()
	switch {
	case s.calls[f].Whists() && !s.calls[sd].Whists():
		s.tricks[f] += def
	case s.calls[sd].Whists() && !s.calls[f].Whists():
		s.tricks[sd] += def
	default:
		s.tricks[f] += def / 2
		s.tricks[sd] += def / 2
		if def%2 == 1 {
			if s.tricks[sd] < s.tricks[f] {
				s.tricks[sd]++
			} else {
				s.tricks[f]++
			}
		}
	}
	s.claimWait = 0
	s.claimed = true
	// The cards left in hand were never played: once the deal is over they
	// are private again, as after any unplayed ending.
	s.exposed = 0
	s.ending = EndingPlayed
	s.phase = PhaseDone
}

// claimTricksError is used by the JSON decoder for a bad trick count.
func claimTricksError(n int) error {
	return fmt.Errorf("move claim_propose: tricks %d out of range 0..10", n)
}
