package rating_test

import (
	"fmt"
	"math/big"

	"github.com/trelljaz/trelljaz/game/rating"
)

func ExampleConfig_Rate() {
	c := rating.DefaultConfig()
	players := []rating.Rating{c.New(), c.New(), c.New()}
	// Settled whists of a pulka: the third player won.
	ranks := rating.Ranks([]*big.Rat{big.NewRat(-18, 1), big.NewRat(-2, 1), big.NewRat(20, 1)})
	after, err := c.Rate(players, ranks)
	if err != nil {
		panic(err)
	}
	for i, r := range after {
		fmt.Printf("place %d: mu %.2f sigma %.2f\n", ranks[i], r.Mu, r.Sigma)
	}
	// Output:
	// place 3: mu 21.41 sigma 8.06
	// place 2: mu 25.72 sigma 8.06
	// place 1: mu 27.87 sigma 8.21
}
