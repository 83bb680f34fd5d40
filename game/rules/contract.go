package rules

import "github.com/trelljaz/trelljaz/game/pref"

func (s *State) applyDiscard(m Move) error {
	if m.Kind != MoveDiscard {
		return illegal(s, m, "the declarer must discard two cards first")
	}
	h := s.hands[s.declarer]
	switch {
	case m.Card == m.Card2:
		return illegal(s, m, "discard two different cards")
	case !h.Has(m.Card):
		return illegal(s, m, "you do not hold %s", m.Card)
	case !h.Has(m.Card2):
		return illegal(s, m, "you do not hold %s", m.Card2)
	}
	s.discard = HandOf(m.Card, m.Card2)
	s.hands[s.declarer] = h &^ s.discard
	s.phase = PhaseDeclare
	return nil
}

func (s *State) legalDiscard(buf []Move) []Move {
	h := s.hands[s.declarer]
	for a := h; a != 0; a &= a - 1 {
		ca := a.Lowest()
		for b := a & (a - 1); b != 0; b &= b - 1 {
			buf = append(buf, DiscardMove(int(s.declarer), ca, b.Lowest()))
		}
	}
	return buf
}

// declarable reports whether contract c may be declared after the auction
// (RULES §4.3.2): misère only after a misère win, otherwise any trick
// contract at least the winning bid.
func (s *State) declarable(c Bid) bool {
	if s.top == Misere {
		return c == Misere
	}
	return c.Valid() && c != Misere && c >= s.top
}

func (s *State) applyDeclare(m Move) error {
	switch m.Kind {
	case MoveConcede:
		if !s.opt.ConcedeWithoutThree || s.top == Misere {
			return illegal(s, m, "conceding («без трёх») is not allowed here")
		}
		s.contract = s.top
		s.ending = EndingConceded
		s.phase = PhaseDone
		return nil
	case MoveDeclare:
	default:
		return illegal(s, m, "the declarer must declare the contract")
	}
	if !s.declarable(m.Bid) {
		switch {
		case s.top == Misere:
			return illegal(s, m, "after winning with misère the contract is misère")
		case m.Bid == Misere:
			return illegal(s, m, "misère may not be declared after a trick bid")
		case !m.Bid.Valid():
			return illegal(s, m, "unknown contract")
		}
		return illegal(s, m, "the contract must be at least the winning bid %s", s.top)
	}
	s.contract = m.Bid
	if m.Bid == Misere {
		s.startPlay()
		return nil
	}
	f, sd := s.defenders()
	level := m.Bid.Level()
	if (level == 10 && s.opt.TenMode == pref.TenChecked) || (s.opt.Stalingrad && m.Bid == SixSpades) {
		// Forced whist (RULES §8.8): no prompts, both defenders whist, closed play.
		s.calls[f], s.calls[sd] = pref.CallWhist, pref.CallWhist
		s.startPlay()
		if level == 10 && s.opt.CheckedTenOpen {
			s.exposed |= 1<<f | 1<<sd
		}
		return nil
	}
	s.phase = PhaseWhist
	s.turn = f
	return nil
}

func (s *State) legalDeclare(buf []Move) []Move {
	seat := int(s.declarer)
	if s.top == Misere {
		return append(buf, Declare(seat, Misere))
	}
	for c := s.top; c <= TenNoTrump; c++ {
		if c != Misere {
			buf = append(buf, Declare(seat, c))
		}
	}
	if s.opt.ConcedeWithoutThree {
		buf = append(buf, Simple(seat, MoveConcede))
	}
	return buf
}
