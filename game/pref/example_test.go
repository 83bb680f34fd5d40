package pref_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/pref"
)

// After two raspasy under Leningrad's exit 6-7-8 the lowest bid is 7; a
// failed contract ends the series by default.
func ExampleSeriesRules_Next() {
	exit := pref.Exit{6, 7, 8}
	rules := pref.SeriesRules{ExitByFailedContract: true, MisereExits: true}
	k := 0
	k = rules.Next(k, false, pref.Raspasy)
	k = rules.Next(k, false, pref.Raspasy)
	fmt.Println(k, "raspasy, lowest bid", exit.After(k))
	k = rules.Next(k, false, pref.Failed)
	fmt.Println(k, "raspasy, lowest bid", exit.After(k))
	// Output:
	// 2 raspasy, lowest bid 7
	// 0 raspasy, lowest bid 6
}

func ExampleParseCall() {
	c, err := pref.ParseCall("half")
	fmt.Println(c, c == pref.CallHalf, err)
	// Output: half true <nil>
}
