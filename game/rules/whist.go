package rules

import "github.com/trelljaz/trelljaz/game/pref"

// Whisting follows the state machine of RULES §5.2:
//
//	F: whist | pass
//	S: whist | pass | half (only after F passed, level 6 or 7, option HalfWhist)
//	after F pass, S half: F whist (returns the whist, S is out) | pass (half-whist scored)
//	then, with four players and DealerMayWhist, after F's pass: the dealer whists (plays
//	both defenders' hands, face up) | passes (half-whist scored)
//	no whister: unplayed; one whister: open/closed choice; two: closed play.

func (s *State) applyWhist(m Move) error {
	f, sd := s.defenders()
	switch m.Kind {
	case MoveWhist, MovePass, MoveHalf:
	default:
		return illegal(s, m, "defenders may only whist, pass or half-whist now")
	}
	switch {
	case s.players == 4 && s.turn == s.dealer:
		switch m.Kind {
		case MoveWhist:
			s.calls[s.dealer] = pref.CallWhist
			s.startPlay()
			s.exposeDefenders()
		case MovePass:
			s.ending = EndingHalfWhist
			s.phase = PhaseDone
		default:
			return illegal(s, m, "the dealer may only whist or pass")
		}
	case s.turn == f && s.calls[f] == pref.CallNone:
		if m.Kind == MoveHalf {
			return illegal(s, m, "only the second defender may half-whist, after the first passed")
		}
		s.calls[f] = callOf(m.Kind)
		s.turn = sd
	case s.turn == sd:
		if m.Kind == MoveHalf {
			switch {
			case s.calls[f] != pref.CallPass:
				return illegal(s, m, "half-whist is only possible after the first defender passed")
			case !s.opt.HalfWhist:
				return illegal(s, m, "half-whist is not allowed at this table")
			case s.contract.Level() > 7:
				return illegal(s, m, "half-whist is only possible on 6 and 7, not %s", s.contract)
			}
		}
		s.calls[sd] = callOf(m.Kind)
		if m.Kind == MoveHalf {
			s.turn = f
			return nil
		}
		s.resolveWhist()
	default: // F answers the half-whist
		switch m.Kind {
		case MoveHalf:
			return illegal(s, m, "after a half-whist you may only whist or pass")
		case MoveWhist:
			s.calls[f] = pref.CallReturned
			s.resolveWhist()
		default:
			if s.players == 4 && s.opt.DealerMayWhist {
				s.turn = s.dealer // FSPR: the dealer may whist himself
				return nil
			}
			s.ending = EndingHalfWhist
			s.phase = PhaseDone
		}
	}
	return nil
}

func callOf(k MoveKind) pref.Call {
	switch k {
	case MoveWhist:
		return pref.CallWhist
	case MoveHalf:
		return pref.CallHalf
	}
	return pref.CallPass
}

func (s *State) resolveWhist() {
	f, sd := s.defenders()
	n := 0
	if s.calls[f].Whists() {
		n++
	}
	if s.calls[sd].Whists() {
		n++
	}
	switch n {
	case 0:
		s.ending = EndingUnwhisted
		s.phase = PhaseDone
	case 1:
		s.phase = PhaseOpenChoice
		s.turn = s.whisterSeat()
	default:
		s.startPlay()
	}
}

func (s *State) legalWhist(buf []Move) []Move {
	f, _ := s.defenders()
	seat := int(s.turn)
	buf = append(buf, Simple(seat, MoveWhist), Simple(seat, MovePass))
	if s.turn != f && !(s.players == 4 && s.turn == s.dealer) && s.calls[f] == pref.CallPass && s.opt.HalfWhist && s.contract.Level() <= 7 {
		buf = append(buf, Simple(seat, MoveHalf))
	}
	return buf
}

func (s *State) applyOpenChoice(m Move) error {
	switch m.Kind {
	case MoveOpen:
		s.open = true
	case MoveClosed:
	default:
		return illegal(s, m, "the whister must choose open or closed play")
	}
	s.startPlay()
	if s.open && s.opt.OpenTiming == pref.BeforeFirstLead {
		f, sd := s.defenders()
		s.exposed |= 1<<f | 1<<sd
	}
	return nil
}
