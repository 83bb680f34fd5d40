package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/score"
)

// TestEqualLevelsScoreZeroOnDuplicateDeals: when the hero is the same
// level as the opponents, every seating plays the same game (seeds go
// with seats, not with the hero), so the hero's mean over the seatings
// of a pulka is exactly zero: the duplicate scheme cancels the cards.
func TestEqualLevelsScoreZeroOnDuplicateDeals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       row
		players int
	}{
		{"pass against pass, 3 players", row{levelPass, levelPass}, 3},
		{"basic against basic, 4 players", row{"basic", "basic"}, 4},
		{"strong against strong, 3 players", row{"strong", "strong"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := score.PresetOf(score.Sochi)
			maxDeals := 4
			if raceEnabled {
				maxDeals = 2
			}
			set.Players, set.PoolTarget, set.MaxDeals = tc.players, 10, maxDeals
			if err := set.Validate(); err != nil {
				t.Fatal(err)
			}
			cfg := config{seed: 3, samples: 4, workers: 1}
			v, deals, err := playGroup(cfg, set, tc.r, 0, newThinkStats(), newThreadClock(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if deals != maxDeals*tc.players {
				t.Fatalf("played %d deals, want %d", deals, maxDeals*tc.players)
			}
			if v < -1e-9 || v > 1e-9 {
				t.Fatalf("hero's mean over seatings is %v, want 0", v)
			}
		})
	}
}

// TestRunPrintsEveryRowAndLevel runs a tiny tournament through the flags.
func TestRunPrintsEveryRowAndLevel(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-deals", "1", "-max-deals", "3", "-conventions", "sochi,rostov", "-players", "3", "-rows", "basic:pass,basic:random", "-workers", "1"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"| sochi | 3 | basic | 2× pass |", "| rostov | 3 | basic | 2× random |", "| basic |", "| pass |", "| random |"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// TestRowTimeEndsARowEarly: past -row-time a row starts no new pulka, so
// a row asked for many deals stops after the first pulka of its one
// worker and says how many deals it played.
func TestRowTimeEndsARowEarly(t *testing.T) {
	cfg := config{seed: 5, workers: 1, deals: 1000000, pool: 10, maxDeals: 2, rowTime: time.Nanosecond}
	res, err := playRow(cfg, "sochi", 3, row{levelPass, "basic"}, 0, 0, newThinkStats(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pulkas != 1 || res.Deals != 2*3 {
		t.Fatalf("row played %d pulkas, %d deals; want 1 pulka of 2 deals in each of 3 seatings", res.Pulkas, res.Deals)
	}
}

// TestRunRejectsBadFlags: bad rows and player counts are errors.
func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-rows", "strong"},
		{"-rows", "strong:genius"},
		{"-players", "5"},
		{"-conventions", "moscow-mule", "-deals", "1", "-rows", "pass:pass"},
	} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

func TestMeanSE(t *testing.T) {
	m, se := meanSE([]float64{1, 2, 3, 4})
	if m != 2.5 || se < 0.6454 || se > 0.6455 {
		t.Fatalf("meanSE = %v, %v; want 2.5, 0.6455", m, se)
	}
}
