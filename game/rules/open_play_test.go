package rules

import (
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// RULES §5.3: "Open play is possible only with exactly one whister, and the
// whister chooses. Both defenders' hands go face up and the whister plays both."
// Here the lone whister is F after returning the whist (S half-whisted).
func TestOpenPlayAfterReturnedWhistWhisterPlaysBoth(t *testing.T) {
	s := declared(t, DefaultOptions(3), bid(t, "7D"))
	s = mustApply(t, s, Pass(h2), Simple(h3, MoveHalf), Simple(h2, MoveWhist), Simple(h2, MoveOpen))
	// h1 leads, h2 follows; h3's card must be played by the whister h2.
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	s = mustApply(t, s, LegalMoves(&s, nil)[0])
	if s.Turn() != h3 || s.Actor() != h2 {
		t.Fatalf("turn %d actor %d, want h3's card played by the whister h2", s.Turn(), s.Actor())
	}
}

// visibleByRule derives, independently of View, from RULES §5.3, §6, §7.4, §8.8 and Decision 18
// whether viewer may see seat p's hand in s.
func visibleByRule(s State, viewer, p int) bool {
	if viewer == p && s.active(uint8(p)) {
		return true
	}
	if s.claimed || (s.phase != PhasePlay && s.phase != PhaseDone) {
		return false
	}
	f, sd := s.defenders()
	defender := p == int(f) || p == int(sd)
	switch s.kind {
	case KindContract:
		if !defender {
			return false
		}
		switch {
		case s.open:
			return s.opt.OpenTiming == pref.BeforeFirstLead || s.trickNo >= 1
		case s.contract.Level() == 10 && s.opt.TenMode == pref.TenChecked:
			return s.opt.CheckedTenOpen
		case s.players == 4 && s.calls[s.dealer] == pref.CallWhist:
			return true
		}
		return false
	case KindMisere:
		if p == int(s.declarer) {
			return s.opt.MisereShowDeclarer && s.trickNo >= 1
		}
		return s.trickNo >= 1 || (s.opt.MisereExposeTiming == pref.AfterFirstCard && s.played != 0)
	}
	return false
}

// RULES §5.3 "the whister plays both" and §6 / §7.4 / §8.8 visibility, over
// random deals of every preset: no hand shows to a viewer unless a rule turns
// it face up, the talon is hidden during the auction, the discard is the
// declarer's alone, and in open play the whister moves for the other defender.
func TestRandomDealsShowOnlyWhatRulesOpen(t *testing.T) {
	actorFail := 0
	for _, players := range []int{3, 4} {
		for name, opt := range presets(players) {
			rng := rand.New(rand.NewPCG(uint64(players), 99))
			for i := 0; i < 600; i++ {
				d := Deal{Seed: rng.Uint64(), Dealer: i % players, Options: opt}
				playRandom(t, d, rng, func(s State) {
					for viewer := -1; viewer < players; viewer++ {
						v := View(s, viewer)
						for p := 0; p < players; p++ {
							if v.Hands[p] != 0 && !visibleByRule(s, viewer, p) {
								t.Fatalf("%s/%dp: viewer %d sees seat %d's hand in %s (kind %s)", name, players, viewer, p, s.phase, s.kind)
							}
						}
						if s.phase == PhaseAuction && (v.Talon != [2]Card{NoCard, NoCard}) {
							t.Fatalf("%s/%dp: talon visible in the auction", name, players)
						}
						if v.Discard != 0 && viewer != int(s.declarer) && !(s.kind == KindMisere && s.declShown) {
							t.Fatalf("%s/%dp: viewer %d sees the discard", name, players, viewer)
						}
					}
					if s.phase == PhasePlay && s.open && s.claimWait == 0 {
						w := s.whisterSeat()
						f, sd := s.defenders()
						other := f
						if other == w {
							other = sd
						}
						if s.turn == other && s.exposed&(1<<other) != 0 && s.Actor() != int(w) {
							actorFail++
							if actorFail == 1 {
								t.Errorf("%s/%dp: open play, seat %d's card (hand face up) is moved by seat %d, not the whister %d (calls %s/%s)",
									name, players, other, s.Actor(), w, s.calls[f], s.calls[sd])
							}
						}
					}
				})
			}
		}
	}
	if actorFail > 0 {
		t.Errorf("%d states where the lone open whister does not move for the other defender", actorFail)
	}
}
