package rules

// TimeoutMove returns the move made for a player who ran out of time under
// timeout_action = auto-pass (RULES §14): pass in the auction and in
// whisting, the two lowest cards as the discard, the winning bid as the
// contract, closed play, the lowest legal card, and the rejection of a
// pending claim proposal (play resumes). ok is false when the
// deal is over.
func TimeoutMove(s *State) (m Move, ok bool) {
	seat := s.Actor()
	switch s.phase {
	case PhaseAuction, PhaseWhist:
		return Pass(seat), true
	case PhaseDiscard:
		h := s.hands[s.declarer]
		a := h.Lowest()
		return DiscardMove(seat, a, h.Without(a).Lowest()), true
	case PhaseDeclare:
		return Declare(seat, s.top), true
	case PhaseOpenChoice:
		return Simple(seat, MoveClosed), true
	case PhasePlay:
		if s.claimWait != 0 {
			return Simple(seat, MoveClaimReject), true
		}
		return PlayMove(seat, s.allowed().Lowest()), true
	}
	return Move{}, false
}
