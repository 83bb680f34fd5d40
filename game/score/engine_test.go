package score_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// pick chooses a move index, biased towards the first two legal moves
// (pass and the lowest bid, the lowest contract, whist and pass) so random
// pulkas see low contracts, half-whists and raspasy, and end.
func pick(rng *rand.Rand, n int) int {
	switch r := rng.IntN(6); {
	case r < 2:
		return 0
	case r < 4 && n > 1:
		return 1
	}
	return rng.IntN(n)
}

// playPulka plays a whole pulka of random legal moves under settings set
// and returns the sheet. It cross-checks the engine's raspasy series
// against the sheet's after every deal.
func playPulka(t *testing.T, set score.Settings, rng *rand.Rand, maxDeals int) *score.Sheet {
	t.Helper()
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	opt := set.Options
	sheet, err := score.NewSheet(set, rng.IntN(set.Players))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]rules.Move, 0, 80)
	for i := 0; i < maxDeals && !sheet.Over(); i++ {
		s, err := rules.New(rules.Deal{Seed: rng.Uint64(), Dealer: sheet.Dealer(), Series: sheet.Series(), Options: opt})
		if err != nil {
			t.Fatal(err)
		}
		for !s.Done() {
			buf = rules.LegalMoves(&s, buf[:0])
			if s, err = rules.Apply(s, buf[pick(rng, len(buf))]); err != nil {
				t.Fatal(err)
			}
		}
		r, _ := s.Result()
		d := score.DealOf(r)
		if err := sheet.Apply(d); err != nil {
			t.Fatalf("deal %d (%+v): sheet refused %+v: %v", i, r, d, err)
		}
		if next, _ := s.NextSeries(); next != sheet.Series() {
			t.Fatalf("deal %d (%+v): engine says series %d, sheet %d", i, r, next, sheet.Series())
		}
	}
	return sheet
}

// TestRandomPulkasSumToZero plays random pulkas under every preset with 3
// and 4 players; the sheet accepts every deal the engine produces and the
// settled results sum to zero (RULES §15.1).
func TestRandomPulkasSumToZero(t *testing.T) {
	pulkas := 30
	if testing.Short() {
		pulkas = 5
	}
	for _, conv := range []string{"codex", "sochi", "leningrad", "rostov", "fspr"} {
		for _, players := range []int{3, 4} {
			t.Run(fmt.Sprintf("%s/%dp", conv, players), func(t *testing.T) {
				set, err := score.Preset(conv)
				if err != nil {
					t.Fatal(err)
				}
				set.Players = players
				rng := rand.New(rand.NewPCG(uint64(players), 99))
				deals := 0
				defer func() { t.Logf("%d pulkas, %d deals", pulkas, deals) }()
				for p := 0; p < pulkas; p++ {
					sheet := playPulka(t, set, rng, 300)
					deals += sheet.Deals()
					res, err := sheet.Settle()
					if err != nil {
						t.Fatal(err)
					}
					sum, rounded := new(big.Rat), int64(0)
					for i := 0; i < players; i++ {
						sum.Add(sum, res.Exact[i])
						rounded += res.Rounded[i]
					}
					if sum.Sign() != 0 || rounded != 0 {
						t.Fatalf("results %v sum to %v (rounded %d), want 0", res.Exact, sum, rounded)
					}
				}
			})
		}
	}
}

// TestRandomPulkasEveryPlayOption plays pulkas with every play option
// switched away from its default; the sheet still accepts every deal and
// agrees with the engine on the raspasy series.
func TestRandomPulkasEveryPlayOption(t *testing.T) {
	for _, players := range []int{3, 4} {
		set, err := score.Preset("sochi")
		if err != nil {
			t.Fatal(err)
		}
		set.Players = players
		set.SeniorHold = true
		set.BidJumps = false
		set.Stalingrad = true
		set.TenMode = pref.TenChecked
		set.CheckedTenOpen = true
		set.OpenTiming = pref.AfterFirstTrick
		set.MisereExposeTiming = pref.AfterFirstCard
		set.MisereShowDeclarer = true
		set.RaspasyTrick3Leader = pref.Trick3Trick2Winner
		set.ConcedeWithoutThree = true
		set.ExitByFailedContract = false
		set.ExitRequiresWhisted = true
		set.MisereExits = false
		set.RaspasyExit = pref.Exit{6, 7, 8}
		set.DealerMayWhist = players == 4
		set.HalfWhist = true
		set.Claims = pref.ClaimsDeclarerOnly
		rng := rand.New(rand.NewPCG(uint64(players), 5))
		for p := 0; p < 10; p++ {
			sheet := playPulka(t, set, rng, 300)
			if _, err := sheet.Settle(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestPresetsDriveTheEngine checks that every preset holds valid engine
// options with the RULES §13 values, and that the play options a table
// sets reach the engine as they are (Settings embed rules.Options).
func TestPresetsDriveTheEngine(t *testing.T) {
	tests := []struct {
		conv  string
		ten   pref.TenMode
		exit  pref.Exit
		talon pref.RaspasyTalon
	}{
		{"sochi", pref.TenChecked, pref.Exit{6, 6, 6}, pref.TalonLeadSuit},
		{"codex", pref.TenWhisted, pref.Exit{6, 6, 6}, pref.TalonLeadSuit},
		{"leningrad", pref.TenChecked, pref.Exit{6, 7, 8}, pref.TalonLeadSuit},
		{"rostov", pref.TenChecked, pref.Exit{6, 6, 6}, pref.TalonIgnored},
		{"fspr", pref.TenWhisted, pref.Exit{7, 7, 7}, pref.TalonParticipates},
	}
	for _, tt := range tests {
		t.Run(tt.conv, func(t *testing.T) {
			set, err := score.Preset(tt.conv)
			if err != nil {
				t.Fatal(err)
			}
			o := set.Options
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
			if o.Claims != pref.ClaimsProposeAccept {
				t.Fatalf("claims %s, want the default propose-accept (RULES §14)", o.Claims)
			}
			if o.TenMode != tt.ten || o.RaspasyExit != tt.exit || o.RaspasyTalon != tt.talon || o.Players != 3 {
				t.Fatalf("options %+v, want ten %s exit %s talon %s", o, tt.ten, tt.exit, tt.talon)
			}
			set, err = score.ParseOptions(set, map[string]json.RawMessage{
				"claims": json.RawMessage(`"declarer-only"`), "concede_without_three": json.RawMessage(`true`),
				"misere_expose_timing": json.RawMessage(`"after_first_card"`), "players": json.RawMessage(`4`),
			})
			if err != nil {
				t.Fatal(err)
			}
			o = set.Options
			if o.Claims != pref.ClaimsDeclarerOnly || !o.ConcedeWithoutThree || o.MisereExposeTiming != pref.AfterFirstCard || o.Players != 4 {
				t.Fatalf("parsed options did not reach the engine: %+v", o)
			}
			if _, err := rules.New(rules.Deal{Seed: 1, Options: o}); err != nil {
				t.Fatalf("the engine refused the parsed options: %v", err)
			}
		})
	}
}
