package pref

import "fmt"

// Exit is raspasy_exit, the lowest contract level after consecutive
// raspasy (выход, RULES §9.3): Exit[0] after one raspasy, Exit[1] after
// two, Exit[2] after three or more (Decision 3). {6,6,6} means no
// restriction.
type Exit [3]uint8

// ExitValues are the exit lists option raspasy_exit allows, default first.
var ExitValues = []Exit{{6, 6, 6}, {6, 7, 7}, {6, 7, 8}, {7, 7, 7}}

// String writes the exit list as "6-7-8".
func (e Exit) String() string { return fmt.Sprintf("%d-%d-%d", e[0], e[1], e[2]) }

// After returns the lowest contract level allowed after k consecutive raspasy.
func (e Exit) After(k int) int {
	if k <= 0 {
		return 6
	}
	return int(e[min(k, len(e))-1])
}

// Validate reports a level outside 6..10.
func (e Exit) Validate() error {
	for i, l := range e {
		if l < 6 || l > 10 {
			return fmt.Errorf("raspasy_exit: level %d is %d, want 6..10", i+1, l)
		}
	}
	return nil
}

// SeriesRules are the settings that say which deals end a raspasy series
// (RULES §9.3): exit_by_failed_contract, exit_requires_whisted and
// misere_exits.
type SeriesRules struct {
	ExitByFailedContract bool // a failed (or conceded) contract ends the series
	ExitRequiresWhisted  bool // only a whisted contract that is played ends it (FSPR)
	MisereExits          bool // a misère ends it
}

// Outcome is how a finished deal ended, as far as the raspasy series is concerned.
type Outcome uint8

// Outcomes of a deal.
const (
	// Raspasy: everyone passed (распасы); the series grows by one.
	Raspasy Outcome = iota
	// Unplayed: a trick contract no one whisted, or a half-whist: written
	// without being played.
	Unplayed
	// Made: a trick contract played and made, or a misère with no trick taken.
	Made
	// Failed: a trick contract played and failed, or a misère with a trick taken.
	Failed
	// Conceded: «без трёх», the declarer refused to play after the discard.
	Conceded
)

// Next returns the number of consecutive raspasy before the next deal,
// given k before this one and how it ended: one more after a raspasy; 0
// after a deal that counts as an exit; k after one that does not (a failed
// contract without ExitByFailedContract, an unplayed or conceded contract
// with ExitRequiresWhisted, a misère without MisereExits).
func (r SeriesRules) Next(k int, misere bool, o Outcome) int {
	if o == Raspasy {
		return k + 1
	}
	if r.exits(misere, o) {
		return 0
	}
	return k
}

func (r SeriesRules) exits(misere bool, o Outcome) bool {
	failed := o == Failed || o == Conceded
	switch {
	case misere:
		return r.MisereExits && (!failed || r.ExitByFailedContract)
	case r.ExitRequiresWhisted && o != Made && o != Failed:
		return false
	}
	return !failed || r.ExitByFailedContract
}
