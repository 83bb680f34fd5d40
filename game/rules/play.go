package rules

import "github.com/trelljaz/trelljaz/game/pref"

// startPlay opens trick play: the first hand leads trick 1 in every kind of
// deal (RULES §7.2).
func (s *State) startPlay() {
	s.phase = PhasePlay
	s.leader = s.handSeat(0)
	s.turn = s.leader
	s.inTrick = 0
}

// startRaspasy begins an all-pass deal (RULES §7.5). With talon leads the
// first talon card is turned for trick 1.
func (s *State) startRaspasy() {
	s.kind = KindRaspasy
	s.startPlay()
	if s.opt.RaspasyTalon != pref.TalonIgnored {
		s.talonTurned = 1
		s.talonOnTrick = true
	}
}

// leadSuit returns the suit to follow in the current trick; ok is false
// when the trick is still to be led.
func (s *State) leadSuit() (Suit, bool) {
	if s.talonOnTrick {
		return s.talon[s.talonTurned-1].Suit(), true
	}
	if s.inTrick == 0 {
		return 0, false
	}
	return s.trick[s.leader].Suit(), true
}

// trump returns the trump suit of the deal, if any.
func (s *State) trump() (Suit, bool) {
	if s.kind != KindContract {
		return 0, false
	}
	return s.contract.Trump()
}

// allowed returns the cards of the seat on turn that may be played:
// follow suit, else trump, else anything (RULES §7.1).
func (s *State) allowed() Hand {
	h := s.hands[s.turn]
	ls, ok := s.leadSuit()
	if !ok {
		return h
	}
	if f := h.OfSuit(ls); f != 0 {
		return f
	}
	if t, ok := s.trump(); ok {
		if tr := h.OfSuit(t); tr != 0 {
			return tr
		}
	}
	return h
}

func (s *State) applyPlay(m Move) error {
	if m.Kind != MovePlay {
		return illegal(s, m, "a card must be played")
	}
	h := s.hands[s.turn]
	if !h.Has(m.Card) {
		if s.turn != m.Seat {
			return illegal(s, m, "seat %d does not hold %s", s.turn, m.Card)
		}
		return illegal(s, m, "you do not hold %s", m.Card)
	}
	if !s.allowed().Has(m.Card) {
		ls, _ := s.leadSuit()
		if h.OfSuit(ls) != 0 {
			return illegal(s, m, "must follow suit %s", ls)
		}
		t, _ := s.trump()
		return illegal(s, m, "must trump with %s", t)
	}
	s.hands[s.turn] = h.Without(m.Card)
	s.trick[s.turn] = m.Card
	s.played = s.played.With(m.Card)
	s.inTrick++
	if s.kind == KindMisere && s.trickNo == 0 && s.inTrick == 1 && s.opt.MisereExposeTiming == pref.AfterFirstCard {
		s.exposeDefenders()
	}
	if s.inTrick == 3 {
		s.finishTrick()
		return nil
	}
	s.turn = s.next(s.turn)
	return nil
}

// exposeDefenders turns the non-declarer hands face up.
func (s *State) exposeDefenders() {
	f, sd := s.defenders()
	s.exposed |= 1<<f | 1<<sd
}

// trickWinner decides the current (complete) trick.
func (s *State) trickWinner() uint8 {
	ls, _ := s.leadSuit()
	if s.talonOnTrick {
		best, seat := NoCard, s.leader
		for p := uint8(0); p < s.players; p++ {
			if c := s.trick[p]; c != NoCard && c.Suit() == ls && (best == NoCard || c > best) {
				best, seat = c, p
			}
		}
		if s.opt.RaspasyTalon == pref.TalonParticipates && s.players == 4 {
			if tc := s.talon[s.talonTurned-1]; best == NoCard || tc > best {
				return s.dealer
			}
		}
		// Nobody followed the talon suit: the first hand to play takes it (Decision 2).
		return seat
	}
	if t, ok := s.trump(); ok {
		best, seat := NoCard, uint8(0xFF)
		for p := uint8(0); p < s.players; p++ {
			if c := s.trick[p]; c != NoCard && c.Suit() == t && (best == NoCard || c > best) {
				best, seat = c, p
			}
		}
		if seat != 0xFF {
			return seat
		}
	}
	best, seat := s.trick[s.leader], s.leader
	for p := uint8(0); p < s.players; p++ {
		if c := s.trick[p]; c != NoCard && c.Suit() == ls && c > best {
			best, seat = c, p
		}
	}
	return seat
}

func (s *State) finishTrick() {
	w := s.trickWinner()
	s.tricks[w]++
	s.lastTrick, s.lastLeader, s.lastWinner = s.trick, s.leader, w
	s.trick = [MaxPlayers]Card{NoCard, NoCard, NoCard, NoCard}
	s.inTrick = 0
	s.claimUsed = 0
	s.trickNo++
	if s.trickNo == 1 {
		switch {
		case s.kind == KindMisere && s.opt.MisereExposeTiming == pref.AfterFirstTrick:
			s.exposeDefenders()
		case s.open && s.opt.OpenTiming == pref.AfterFirstTrick:
			s.exposeDefenders()
		}
		if s.kind == KindMisere && s.opt.MisereShowDeclarer {
			s.declShown = true
		}
	}
	if s.trickNo == 10 {
		s.talonOnTrick = false
		s.ending = EndingPlayed
		s.phase = PhaseDone
		return
	}
	switch {
	case s.talonOnTrick && s.trickNo < 2:
		s.talonTurned = s.trickNo + 1
		s.leader = s.handSeat(0)
	case s.talonOnTrick:
		s.talonOnTrick = false
		s.leader = s.handSeat(0)
		if s.opt.RaspasyTrick3Leader == pref.Trick3Trick2Winner && s.active(w) {
			s.leader = w
		}
	default:
		s.leader = w
	}
	s.turn = s.leader
}

func (s *State) legalPlay(buf []Move) []Move {
	actor := s.Actor()
	if s.claimWait != 0 {
		return append(buf, Simple(actor, MoveClaimAccept), Simple(actor, MoveClaimReject))
	}
	for a := s.allowed(); a != 0; a &= a - 1 {
		buf = append(buf, PlayMove(actor, a.Lowest()))
	}
	if s.opt.Claims == pref.ClaimsOff || s.kind != KindContract {
		return buf
	}
	return s.legalClaims(buf)
}
