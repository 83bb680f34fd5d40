package score

import (
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

func raspasyDeal(tricks ...int) Deal {
	d := Deal{Raspasy: true}
	copy(d.Tricks[:], tricks)
	return d
}

// TestRaspasyProgression checks p_k = base · prog (RULES §9.1) over a series
// of four raspasy in which seat 0 always takes no trick: the zero-trick
// premium goes to its pool, the others' tricks to their mountains.
func TestRaspasyProgression(t *testing.T) {
	tests := []struct {
		name   string
		conv   string
		edit   func(*Settings)
		prices []int
	}{
		{"Sochi arithmetic 1-2-3-3", "sochi", nil, []int{1, 2, 3, 3}},
		{"Leningrad 2-4-6-6 (Decision 5)", "leningrad", nil, []int{2, 4, 6, 6}},
		{"Codex without progression 1-1-1-1", "codex", nil, []int{1, 1, 1, 1}},
		{"geometric 1-2-4-4", "sochi", func(s *Settings) { s.RaspasyProg = ProgGeometric }, []int{1, 2, 4, 4}},
		{"options override the preset: Sochi with base 2", "sochi", func(s *Settings) { s.RaspasyBase = 2 }, []int{2, 4, 6, 6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSettings(t, tc.conv, 3, tc.edit)
			sh, _ := NewSheet(s, 2)
			for k, p := range tc.prices {
				// seat order rotates with the dealer; tricks are by seat.
				before := *sh
				if err := sh.Apply(raspasyDeal(0, 4, 6)); err != nil {
					t.Fatal(err)
				}
				got := deltaOf(t, &before, sh)
				want := entries{pool: map[int]int{0: p}, mountain: map[int]int{1: 4 * p, 2: 6 * p}}
				if !sameInts(got.pool, want.pool) || !sameInts(got.mountain, want.mountain) || len(got.whists) != 0 {
					t.Errorf("raspasy %d: got %+v, want %+v", k+1, got, want)
				}
				if sh.Series() != k+1 {
					t.Errorf("series %d, want %d", sh.Series(), k+1)
				}
			}
		})
	}
}

// TestRaspasyWhists checks Rostov raspasy (RULES §9.2): the fewest-trick
// players write 5 whists per trick on each other player, split equally; a
// winner with no trick writes 1 to the pool; the 4-player dealer writes 1.
func TestRaspasyWhists(t *testing.T) {
	tests := []struct {
		name    string
		players int
		tricks  []int
		pool    map[int]int
		whists  map[string]int
	}{
		{"one winner with no trick", 3, []int{0, 4, 6}, map[int]int{0: 1}, map[string]int{"0>1": 20, "0>2": 30}},
		{"one winner with tricks writes no pool", 3, []int{2, 3, 5}, nil, map[string]int{"0>1": 15, "0>2": 25}},
		{"two winners split", 3, []int{2, 2, 6}, nil, map[string]int{"0>2": 15, "1>2": 15}},
		{"4 players: the sitting-out dealer writes 1 to the pool", 4, []int{0, 4, 6}, map[int]int{0: 1, 3: 1}, map[string]int{"0>1": 20, "0>2": 30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applyOne(t, mustSettings(t, "rostov", tc.players, nil), raspasyDeal(tc.tricks...))
			if err != nil {
				t.Fatal(err)
			}
			if !sameInts(got.pool, orEmpty(tc.pool)) || !sameStrInts(got.whists, orEmptyS(tc.whists)) || len(got.mountain) != 0 {
				t.Errorf("got %+v, want pool %v whists %v", got, tc.pool, tc.whists)
			}
		})
	}
}

// TestRaspasyTalonParticipates checks the FSPR 4-player raspasy: the dealer
// wins up to 2 talon tricks and writes them, but gets no zero-trick premium.
func TestRaspasyTalonParticipates(t *testing.T) {
	s := mustSettings(t, "fspr", 4, nil)
	got, err := applyOne(t, s, raspasyDeal(0, 4, 4, 2))
	if err != nil {
		t.Fatal(err)
	}
	want := entries{pool: map[int]int{0: 2}, mountain: map[int]int{1: 8, 2: 8, 3: 4}}
	if !sameInts(got.pool, want.pool) || !sameInts(got.mountain, want.mountain) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := applyOne(t, s, raspasyDeal(0, 4, 3, 3)); err == nil {
		t.Error("the dealer took 3 talon tricks: want an error")
	}
	if _, err := applyOne(t, mustSettings(t, "sochi", 4, nil), raspasyDeal(0, 4, 4, 2)); err == nil {
		t.Error("lead_suit: the dealer took tricks: want an error")
	}
}

// TestRaspasySeries checks RULES §9.3: what ends a raspasy series and the
// exit restriction of the next auction.
func TestRaspasySeries(t *testing.T) {
	made := played("7S", 0, fWhist, 7, 2, 1)
	failed := played("7S", 0, fWhist, 6, 2, 2)
	passed := played("7S", 0, bothPass)
	misere := Deal{Contract: rules.Misere, Tricks: [4]int{0, 5, 5}}
	tests := []struct {
		name string
		conv string
		edit func(*Settings)
		deal Deal
		want int // series after the deal, the sheet having seen 2 raspasy
	}{
		{"a made contract ends the series", "sochi", nil, made, 0},
		{"a failed contract ends the series by default", "sochi", nil, failed, 0},
		{"exit_by_failed_contract off: a failed contract does not", "sochi",
			func(s *Settings) { s.ExitByFailedContract = false }, failed, 2},
		{"an unplayed contract counts as played", "sochi", nil, passed, 0},
		{"exit_requires_whisted: an unplayed contract does not end it", "sochi",
			func(s *Settings) { s.ExitRequiresWhisted = true }, passed, 2},
		{"misère ends the series by default", "sochi", nil, misere, 0},
		{"misere_exits off", "sochi", func(s *Settings) { s.MisereExits = false }, misere, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSettings(t, tc.conv, 3, tc.edit)
			s.RaspasyExit = pref.Exit{6, 6, 6}
			sh, _ := NewSheet(s, 2)
			for range 2 {
				if err := sh.Apply(raspasyDeal(3, 3, 4)); err != nil {
					t.Fatal(err)
				}
			}
			if err := sh.Apply(tc.deal); err != nil {
				t.Fatal(err)
			}
			if sh.Series() != tc.want {
				t.Errorf("series %d, want %d", sh.Series(), tc.want)
			}
		})
	}
}

// TestRaspasyExit checks the exit list reading of Decision 3 (E12 A7):
// after two raspasy under 6-7-8 a six is illegal, a seven and misère legal.
func TestRaspasyExit(t *testing.T) {
	s := mustSettings(t, "leningrad", 3, nil)
	sh, _ := NewSheet(s, 2)
	for k, want := range []int{6, 6, 7, 8, 8} {
		if got := sh.MinLevel(); got != want {
			t.Errorf("after %d raspasy: min level %d, want %d", k, got, want)
		}
		if err := sh.Apply(raspasyDeal(3, 3, 4)); err != nil {
			t.Fatal(err)
		}
	}
	sh, _ = NewSheet(s, 2)
	_ = sh.Apply(raspasyDeal(3, 3, 4))
	_ = sh.Apply(raspasyDeal(3, 3, 4))
	for _, tc := range []struct {
		deal Deal
		ok   bool
	}{
		{played("6H", 0, bothPass), false},
		{played("7S", 0, bothPass), true},
		{Deal{Contract: rules.Misere, Declarer: 0, Tricks: [4]int{0, 5, 5}}, true},
	} {
		c := *sh
		if err := c.Apply(tc.deal); (err == nil) != tc.ok {
			t.Errorf("%s after 2 raspasy (6-7-8): error %v, want ok=%v", tc.deal.Contract, err, tc.ok)
		}
	}
	fs := mustSettings(t, "fspr", 3, nil)
	sh, _ = NewSheet(fs, 2)
	_ = sh.Apply(raspasyDeal(3, 3, 4))
	if err := sh.Apply(Deal{Contract: rules.Misere, Declarer: 0, Tricks: [4]int{0, 5, 5}}); err != nil {
		t.Errorf("misère after raspasy under 7-7-7: %v", err)
	}
	if sh.Series() != 1 {
		t.Errorf("FSPR: misère must not end the series (misere_exits false), series %d", sh.Series())
	}
}

// TestDealRotation checks RULES §3.1: the deal passes clockwise every deal,
// raspasy included, unless deal_rotates_after_raspasy is off.
func TestDealRotation(t *testing.T) {
	for _, rotates := range []bool{true, false} {
		s := mustSettings(t, "sochi", 4, func(s *Settings) { s.DealRotatesAfterRaspasy = rotates })
		sh, _ := NewSheet(s, 1)
		// dealer 1 sits out: seats 2, 3, 0 play.
		if err := sh.Apply(Deal{Raspasy: true, Tricks: [4]int{4, 0, 3, 3}}); err != nil {
			t.Fatal(err)
		}
		want := 2
		if !rotates {
			want = 1
		}
		if sh.Dealer() != want {
			t.Errorf("rotates=%v: dealer %d, want %d", rotates, sh.Dealer(), want)
		}
	}
}
