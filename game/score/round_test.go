package score

import (
	"errors"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
)

// nextDeal builds a valid deal for the seats that play next: raspasy
// ('r', tricks 3-3-4) or an unwhisted 6♠ by the first hand ('c').
func nextDeal(sh *Sheet, kind byte) Deal {
	a := sh.Active()
	if kind == 'r' {
		d := Deal{Raspasy: true}
		d.Tricks[a[0]], d.Tricks[a[1]], d.Tricks[a[2]] = 3, 3, 4
		return d
	}
	return played("6S", a[0], map[int]pref.Call{a[1]: pref.CallPass, a[2]: pref.CallPass})
}

// TestFinishRound checks RULES §11 "when a limit is hit, finish the current
// round of deals (option), then settle": with finish_round the pulka goes
// on after max_deals until the deal is back with the first dealer.
func TestFinishRound(t *testing.T) {
	tests := []struct {
		name        string
		players     int
		maxDeals    int
		finishRound bool
		noRotation  bool   // deal_rotates_after_raspasy off
		deals       string // kinds of the deals played, in order
		overAfter   int    // deals after which Over is first true
	}{
		{"LimitEndsAtOnceByDefault", 3, 4, false, false, "cccccc", 4},
		{"FinishTheRoundOfThree", 3, 4, true, false, "cccccc", 6},
		{"LimitOnARoundBoundary", 3, 3, true, false, "cccccc", 3},
		{"FinishTheRoundOfFour", 4, 5, true, false, "cccccccc", 8},
		{"RaspasyWithoutRotationExtendsTheRound", 3, 4, true, true, "crrccccc", 5},
		{"RaspasyWithRotationCountsAsADeal", 3, 4, true, false, "crrccc", 6},
		{"NoLimitNoEnd", 3, 0, true, false, "cccccccc", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustSettings(t, "sochi", tt.players, func(s *Settings) {
				s.MaxDeals, s.FinishRound = tt.maxDeals, tt.finishRound
				s.DealRotatesAfterRaspasy = !tt.noRotation
			})
			sh, err := NewSheet(set, 1)
			if err != nil {
				t.Fatal(err)
			}
			over := 0
			for i := 0; i < len(tt.deals); i++ {
				if err := sh.Apply(nextDeal(sh, tt.deals[i])); err != nil {
					if !errors.Is(err, ErrPulkaOver) || over == 0 {
						t.Fatalf("deal %d: %v", i+1, err)
					}
					break
				}
				if sh.Over() && over == 0 {
					over = i + 1
					if tt.finishRound && tt.maxDeals > 0 && (!sh.RoundComplete() || sh.Dealer() != sh.FirstDealer()) {
						t.Fatalf("over after %d deals with dealer %d: the round is not complete", over, sh.Dealer())
					}
				}
			}
			if over != tt.overAfter {
				t.Fatalf("pulka over after %d deals, want %d", over, tt.overAfter)
			}
		})
	}
}
