package score_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// A table's settings drive both the engine and the sheet: play a deal with
// the engine, then write its result on the sheet.
func ExampleDealOf() {
	set, _ := score.Preset("sochi")
	sheet, _ := score.NewSheet(set, 2)
	s, _ := rules.New(rules.Deal{Seed: 1, Dealer: sheet.Dealer(), Series: sheet.Series(), Options: set.Options})
	for _, m := range []rules.Move{rules.Pass(0), rules.Pass(1), rules.Pass(2)} {
		s, _ = rules.Apply(s, m)
	}
	// raspasy: every seat plays its lowest legal card
	for !s.Done() {
		m, _ := rules.TimeoutMove(&s)
		s, _ = rules.Apply(s, m)
	}
	r, _ := s.Result()
	if err := sheet.Apply(score.DealOf(r)); err != nil {
		fmt.Println(err)
	}
	fmt.Println(r.Kind, r.Tricks[0]+r.Tricks[1]+r.Tricks[2], "tricks; next series", sheet.Series())
	// Output: raspasy 10 tricks; next series 1
}
