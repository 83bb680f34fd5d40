package rules

import "math/bits"

// bidCheck is the outcome of checking a bid; bidOK or the rule it breaks.
type bidCheck uint8

const (
	bidOK bidCheck = iota
	bidInvalid
	bidMisereBidder
	bidMisereNotFirst
	bidMisereOutbid
	bidMisereExit
	bidBelowExit
	bidNotHigher
	bidNoJump
)

// minTrickBid returns the lowest trick bid seat may make now, or NoBid.
func (s *State) minTrickBid(seat uint8) Bid {
	lo := BidOf(s.opt.RaspasyExit.After(int(s.series)), Strain(Spades))
	b := s.top + 1
	if s.canHold(seat) {
		b = s.top
	}
	if b == Misere {
		b = NineSpades
	}
	if b < lo {
		b = lo
	}
	if b > TenNoTrump {
		return NoBid
	}
	return b
}

// canHold reports whether seat may match the top bid («здесь»).
func (s *State) canHold(seat uint8) bool {
	return s.opt.SeniorHold && s.top != NoBid && s.top != Misere && s.order(seat) < s.order(s.topSeat)
}

func (s *State) checkBid(seat uint8, b Bid) bidCheck {
	switch {
	case !b.Valid():
		return bidInvalid
	case s.lastBid[seat] == Misere:
		return bidMisereBidder
	case b == Misere:
		switch {
		case s.spoke&(1<<seat) != 0:
			return bidMisereNotFirst
		case s.top >= Misere:
			return bidMisereOutbid
		case s.opt.RaspasyExit.After(int(s.series)) > 8:
			return bidMisereExit
		}
		return bidOK
	case b.Level() < s.opt.RaspasyExit.After(int(s.series)):
		return bidBelowExit
	case b < s.top || (b == s.top && !s.canHold(seat)):
		return bidNotHigher
	case !s.opt.BidJumps && b != s.minTrickBid(seat):
		return bidNoJump
	}
	return bidOK
}

func (s *State) applyAuction(m Move) error {
	switch m.Kind {
	case MovePass:
		s.passed |= 1 << m.Seat
		s.advanceAuction()
		return nil
	case MoveBid:
	default:
		return illegal(s, m, "in the auction you may only bid or pass")
	}
	switch s.checkBid(m.Seat, m.Bid) {
	case bidInvalid:
		return illegal(s, m, "unknown bid")
	case bidMisereBidder:
		return illegal(s, m, "a player who bid misère may not bid again")
	case bidMisereNotFirst:
		return illegal(s, m, "misère may only be a player's first bid")
	case bidMisereOutbid:
		return illegal(s, m, "bid must be higher than %s", s.top)
	case bidMisereExit:
		return illegal(s, m, "after %d raspasy the lowest bid is %d♠; misère is not allowed", s.series, s.opt.RaspasyExit.After(int(s.series)))
	case bidBelowExit:
		return illegal(s, m, "after %d raspasy the lowest bid is %d♠", s.series, s.opt.RaspasyExit.After(int(s.series)))
	case bidNotHigher:
		return illegal(s, m, "bid must be higher than %s", s.top)
	case bidNoJump:
		return illegal(s, m, "jump bids are not allowed: the next bid is %s", s.minTrickBid(m.Seat))
	}
	s.top, s.topSeat = m.Bid, m.Seat
	s.spoke |= 1 << m.Seat
	s.lastBid[m.Seat] = m.Bid
	s.advanceAuction()
	return nil
}

// advanceAuction ends the auction or passes the turn to the next seat that
// has not passed. A misère bidder who has been outbid can only pass, so he
// is passed automatically (E12 A5).
func (s *State) advanceAuction() {
	for {
		np := bits.OnesCount8(s.passed)
		if np == 3 {
			s.startRaspasy()
			return
		}
		if np == 2 && s.top != NoBid {
			s.winAuction()
			return
		}
		t := s.next(s.turn)
		for s.passed&(1<<t) != 0 {
			t = s.next(t)
		}
		s.turn = t
		if s.lastBid[t] == Misere && s.top != Misere {
			s.passed |= 1 << t
			continue
		}
		return
	}
}

func (s *State) winAuction() {
	s.declarer = s.topSeat
	s.turn = s.topSeat
	s.hands[s.declarer] |= HandOf(s.talon[0], s.talon[1])
	s.phase = PhaseDiscard
	if s.top == Misere {
		s.kind = KindMisere
	} else {
		s.kind = KindContract
	}
}

func (s *State) legalAuction(buf []Move) []Move {
	seat := s.turn
	buf = append(buf, Pass(int(seat)))
	if s.lastBid[seat] == Misere {
		return buf
	}
	misere := s.checkBid(seat, Misere) == bidOK
	lo := s.minTrickBid(seat)
	hi := lo
	if s.opt.BidJumps && lo != NoBid {
		hi = TenNoTrump
	}
	// in ladder order, misère between 8NT and 9♠
	for b := SixSpades; b <= TenNoTrump; b++ {
		if (b == Misere && misere) || (b != Misere && lo != NoBid && b >= lo && b <= hi) {
			buf = append(buf, BidMove(int(seat), b))
		}
	}
	return buf
}
