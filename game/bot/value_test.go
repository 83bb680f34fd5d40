package bot

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// TestScoringPricesFollowTheConvention: the strong bot's estimates in
// whists read the table's scoring (RULES §8.2), so the same deal is
// priced differently under Sochi, Leningrad and Rostov.
func TestScoringPricesFollowTheConvention(t *testing.T) {
	sochi := scoringOf(score.PresetOf(score.Sochi))
	leningrad := scoringOf(score.PresetOf(score.Leningrad))
	rostov := scoringOf(score.PresetOf(score.Rostov))
	zero := scoringOf(score.Settings{})
	cases := []struct {
		name string
		ok   bool
	}{
		{"zero settings price as Sochi", zero == sochi},
		{"a made 6♠ is worth the same in Sochi and Rostov",
			sochi.declarerResult(rules.SixSpades, 6, 3) == rostov.declarerResult(rules.SixSpades, 6, 3)},
		{"a 6♠ one down costs more in Rostov (consolation 10 a trick, not 2)",
			rostov.declarerResult(rules.SixSpades, 5, 3) < sochi.declarerResult(rules.SixSpades, 5, 3)-10},
		{"a misère caught once costs twice as much in Leningrad",
			leningrad.declarerResult(rules.Misere, 1, 3) == 2*sochi.declarerResult(rules.Misere, 1, 3)},
		{"a clean misère is worth 10 pool points, twice as much in Leningrad (pool factor 2)",
			leningrad.declarerResult(rules.Misere, 0, 3) == 2*sochi.declarerResult(rules.Misere, 0, 3)},
		{"whisting a 6♠ that goes one down pays more in Rostov",
			rostov.whistGain(rules.SixSpades, 5, 3, 1) > sochi.whistGain(rules.SixSpades, 5, 3, 1)},
		{"a gentleman whist splits a failed contract's tricks",
			rostov.whistGain(rules.SixSpades, 5, 3, 1) == rostov.whistGain(rules.SixSpades, 5, 3, 0.5)},
		{"a greedy whist does not", sochi.whistGain(rules.SixSpades, 5, 3, 1) > sochi.whistGain(rules.SixSpades, 5, 3, 0.5)},
		{"the sitting-out dealer writes consolation at four", sochi.consolers(4) == 3 && sochi.consolers(3) == 2},
		{"a Rostov raspasy trick costs 5 whists", rostov.raspasyTrickCost(3) == 5 && rostov.raspasyWhists && !sochi.raspasyWhists},
	}
	for _, tc := range cases {
		if !tc.ok {
			t.Errorf("%s: false", tc.name)
		}
	}
}

// TestPlayLimitCountsFewTricksEarlyInMisereAndRaspasy: the solver's
// count is capped only early in a misère or raspasy.
func TestPlayLimitCountsFewTricksEarlyInMisereAndRaspasy(t *testing.T) {
	cases := []struct {
		name  string
		kind  rules.Kind
		trick int
		want  int
	}{
		{"misère, trick 1", rules.KindMisere, 0, misereLimit},
		{"misère, trick 4", rules.KindMisere, 3, misereLimit},
		{"misère, trick 5", rules.KindMisere, 4, 0},
		{"raspasy, trick 1", rules.KindRaspasy, 0, raspasyLimit},
		{"contract, trick 1", rules.KindContract, 0, 0},
	}
	for _, tc := range cases {
		v := rules.SeatView{Kind: tc.kind, TrickNo: tc.trick}
		if got := playLimit(&v); got != tc.want {
			t.Errorf("%s: limit %d, want %d", tc.name, got, tc.want)
		}
	}
}
