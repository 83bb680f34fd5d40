package bot

import (
	"math/rand/v2"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// playDeal plays one deal with a bot in every seat and returns the final state.
func playDeal(t *testing.T, bots []*Bot, d rules.Deal) rules.State {
	t.Helper()
	s, err := rules.New(d)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]rules.Move, 0, 80)
	for steps := 0; !s.Done(); steps++ {
		if steps > 500 {
			t.Fatalf("deal %+v does not end", d)
		}
		buf = rules.LegalMoves(&s, buf[:0])
		a := s.Actor()
		m := bots[a].Move(rules.View(s, a), buf)
		if s, err = rules.Apply(s, m); err != nil {
			t.Fatalf("bot %s at seat %d: %v", bots[a].Level(), a, err)
		}
	}
	return s
}

// TestBotsPlayLegalMovesUnderEveryPreset plays whole pulkas of bots under
// each convention with 3 and 4 players; every move a bot returns is one
// of the legal ones it was given, and the sheet accepts every deal.
func TestBotsPlayLegalMovesUnderEveryPreset(t *testing.T) {
	for _, conv := range []string{"sochi", "leningrad", "rostov"} {
		for _, players := range []int{3, 4} {
			for _, level := range []string{LevelBasic, LevelStrong} {
				t.Run(conv+"/"+string(rune('0'+players))+"/"+level, func(t *testing.T) {
					set, err := score.Preset(conv)
					if err != nil {
						t.Fatal(err)
					}
					set.Players = players
					opt, err := set.Options, set.Validate()
					if err != nil {
						t.Fatal(err)
					}
					sheet, err := score.NewSheet(set, 0)
					if err != nil {
						t.Fatal(err)
					}
					rng := rand.New(rand.NewPCG(uint64(players), 11))
					bots := make([]*Bot, players)
					for i := range bots {
						bots[i] = New(Config{Level: level, Seed: uint64(i), Samples: 6})
					}
					deals := 12
					if level == LevelStrong {
						deals = 5
					}
					if testing.Short() || raceEnabled {
						deals = 2
					}
					for i := 0; i < deals && !sheet.Over(); i++ {
						s := playDeal(t, bots, rules.Deal{Seed: rng.Uint64(), Dealer: sheet.Dealer(), Series: sheet.Series(), Options: opt})
						r, _ := s.Result()
						if err := sheet.Apply(score.DealOf(r)); err != nil {
							t.Fatalf("sheet refused %+v: %v", r, err)
						}
					}
					for i, b := range bots {
						if b.misses != 0 {
							t.Errorf("bot %d chose %d moves outside the legal list", i, b.misses)
						}
						if b.fallbacks != 0 {
							t.Errorf("strong bot %d left %d decisions to the basic level", i, b.fallbacks)
						}
					}
				})
			}
		}
	}
}
