package score_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// A Sochi sheet: seat 0 plays 7♥ and takes 7, seats 1 and 2 whist and take
// 2 and 1. The declarer writes 4 to the pool, the whisters 8 and 4 whists.
func ExampleSheet_Apply() {
	s, _ := score.Preset("sochi")
	sh, _ := score.NewSheet(s, 2)
	err := sh.Apply(score.Deal{
		Contract: rules.BidOf(7, rules.Strain(rules.Hearts)),
		Declarer: 0,
		Whist:    [rules.MaxPlayers]pref.Call{1: pref.CallWhist, 2: pref.CallWhist},
		Tricks:   [rules.MaxPlayers]int{7, 2, 1},
	})
	fmt.Println(err, sh.Pool[0], sh.Whists[1][0], sh.Whists[2][0])
	res, _ := sh.Settle()
	fmt.Println(res.Exact[0].RatString(), res.Exact[1].RatString(), res.Exact[2].RatString(), res.Rounded)
	// Output:
	// <nil> 4 8 4
	// 44/3 -16/3 -28/3 [15 -5 -10 0]
}

// Options override a preset under any convention (Decision 15).
func ExampleParseOptions() {
	base, _ := score.Preset("leningrad")
	s, err := score.ParseOptions(base, map[string]json.RawMessage{"ten_mode": json.RawMessage(`"whisted"`)})
	fmt.Println(s.TenMode, s.RaspasyExit, err)
	_, err = score.ParseOptions(base, map[string]json.RawMessage{"tenmode": json.RawMessage(`1`)})
	fmt.Println(err)
	// Output:
	// whisted 6-7-8 <nil>
	// options: unknown option "tenmode"
}

// RunJSON is what cmd/pulka does.
func ExampleRunJSON() {
	rec := `{"convention": "sochi", "players": ["X","Y","Z"], "pool_target": 10, "first_dealer": "Z",
	 "deals": [{"contract": "6S", "declarer": "X", "whist": {"Y": "pass", "Z": "pass"}}]}`
	if err := score.RunJSON(strings.NewReader(rec), os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"players":["X","Y","Z"],"deals":[{"pool":{"X":2,"Y":0,"Z":0},"mountain":{"X":0,"Y":0,"Z":0},"whists":{}}],"result":{"X":"40/3","Y":"-20/3","Z":"-20/3"},"rounded":{"X":14,"Y":-7,"Z":-7}}
}

func ExampleParseContract() {
	c, _ := score.ParseContract("10NT")
	fmt.Println(c.ASCII(), c.Value(), int(c))
	// Output: 10NT 10 26
}

// With max_deals and finish_round the pulka does not stop at the limit:
// it goes on until the deal is back with the first dealer (RULES §11).
func ExampleSheet_Over() {
	s, _ := score.Preset("sochi")
	s.MaxDeals, s.FinishRound = 2, true
	sh, _ := score.NewSheet(s, 0)
	for !sh.Over() {
		a := sh.Active()
		d := score.Deal{Contract: rules.SixSpades, Declarer: a[0]}
		d.Whist[a[1]], d.Whist[a[2]] = pref.CallPass, pref.CallPass // both pass: unplayed
		if err := sh.Apply(d); err != nil {
			panic(err)
		}
		fmt.Println("deal", sh.Deals(), "limit reached:", sh.LimitReached(), "round complete:", sh.RoundComplete())
	}
	// Output:
	// deal 1 limit reached: false round complete: false
	// deal 2 limit reached: true round complete: false
	// deal 3 limit reached: true round complete: true
}
