package rules

import "github.com/trelljaz/trelljaz/game/pref"

// Result is the outcome of a finished deal, in seats: what a score sheet
// needs to write it (see package score).
type Result struct {
	Kind     Kind
	Ending   Ending
	Dealer   int
	Players  int
	Declarer int                   // -1 in raspasy
	Contract Bid                   // the declared contract; the winning bid when conceded
	Calls    [MaxPlayers]pref.Call // whisting calls by seat (CallNone for the declarer, the 4p dealer, misère, raspasy)
	Tricks   [MaxPlayers]int       // tricks by seat; all zero when unplayed
	Talon    [2]Card               // the talon cards (for the talon bonus)
	Open     bool                  // a lone whister played open
	Series   int                   // consecutive raspasy before the deal
	Claimed  bool                  // ended by a claim: Ending is EndingPlayed and Tricks sum to 10, but cards were left in hand
}

// Result returns the outcome of a finished deal; ok is false while it is in progress.
func (s *State) Result() (r Result, ok bool) {
	if s.phase != PhaseDone {
		return Result{}, false
	}
	r = Result{
		Kind: s.kind, Ending: s.ending, Dealer: int(s.dealer), Players: int(s.players),
		Declarer: -1, Contract: s.contract, Calls: s.calls, Tricks: s.Tricks(),
		Talon: s.talon, Open: s.open, Series: int(s.series), Claimed: s.claimed,
	}
	if s.kind != KindRaspasy {
		r.Declarer = int(s.declarer)
	}
	return r, true
}

// Made reports whether a played trick contract was made (false otherwise).
func (r Result) Made() bool {
	return r.Kind == KindContract && r.Ending == EndingPlayed && r.Declarer >= 0 && r.Tricks[r.Declarer] >= r.Contract.Level()
}

// NextSeries returns the raspasy series counter for the next deal (RULES
// §9.3, pref.SeriesRules.Next): one more after a raspasy; 0 after a
// contract that counts as an exit; unchanged after one that does not (a
// failed contract without ExitByFailedContract, an unwhisted contract with
// ExitRequiresWhisted, a misère without MisereExits). ok is false while the
// deal is in progress.
func (s *State) NextSeries() (int, bool) {
	r, ok := s.Result()
	if !ok {
		return 0, false
	}
	return s.opt.SeriesRules.Next(int(s.series), r.Kind == KindMisere, r.outcome()), true
}

// outcome is how the deal ended, for the raspasy series.
func (r Result) outcome() pref.Outcome {
	switch {
	case r.Kind == KindRaspasy:
		return pref.Raspasy
	case r.Ending == EndingConceded:
		return pref.Conceded
	case r.Ending != EndingPlayed:
		return pref.Unplayed
	case r.Kind == KindMisere && r.Tricks[r.Declarer] > 0, r.Kind == KindContract && !r.Made():
		return pref.Failed
	}
	return pref.Made
}
