package rating

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

// noTau is the configuration of the published reference values: OpenSkill's
// defaults without the dynamics term.
func noTau() Config {
	c := DefaultConfig()
	c.Tau = 0
	return c
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The reference values are the Plackett-Luce test values published with
// openskill.js and its ports (openskill.py, the Rust and C# ports agree).
func TestRateMatchesPublishedReferenceValues(t *testing.T) {
	d := noTau().New()
	tests := []struct {
		name  string
		teams [][]Rating
		ranks []int
		want  [][]Rating
	}{
		{"3 players free-for-all", [][]Rating{{d}, {d}, {d}}, []int{1, 2, 3}, [][]Rating{
			{{27.868876552746237, 8.204837030780652}},
			{{25.717219138186557, 8.057829747583874}},
			{{21.413904309067206, 8.057829747583874}},
		}},
		{"4 players free-for-all", [][]Rating{{d}, {d}, {d}, {d}}, []int{1, 2, 3, 4}, [][]Rating{
			{{27.795084971874736, 8.263160757613477}},
			{{26.552824984374855, 8.179213704945203}},
			{{24.68943500312503, 8.083731307186588}},
			{{20.96265504062538, 8.083731307186588}},
		}},
		{"4 players, places given out of order", [][]Rating{{d}, {d}, {d}, {d}}, []int{2, 1, 4, 3}, [][]Rating{
			{{26.552824984374855, 8.179213704945203}},
			{{27.795084971874736, 8.263160757613477}},
			{{20.96265504062538, 8.083731307186588}},
			{{24.68943500312503, 8.083731307186588}},
		}},
		{"4 players, two tie for second", [][]Rating{{d}, {d}, {d}, {d}}, []int{2, 4, 2, 1}, [][]Rating{
			{{24.68943500312503, 8.179213704945203}},
			{{22.826045021875203, 8.179213704945203}},
			{{24.68943500312503, 8.179213704945203}},
			{{27.795084971874736, 8.263160757613477}},
		}},
		{"two teams of unequal ratings", [][]Rating{
			{d, {32.444, 5.123}},
			{{43.381, 2.421}, {25.188, 6.211}},
		}, []int{1, 2}, [][]Rating{
			{{28.669648436582808, 8.071520788025197}, {33.83086971107981, 5.062772998705765}},
			{{43.071274808241974, 2.4166900452721256}, {23.149503312339064, 6.1378606973362135}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := noTau().RateTeams(tt.teams, tt.ranks)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				for j, w := range tt.want[i] {
					if g := got[i][j]; !near(g.Mu, w.Mu) || !near(g.Sigma, w.Sigma) {
						t.Errorf("team %d player %d = %+v, want %+v", i, j, g, w)
					}
				}
			}
		})
	}
}

func TestRateSigmaShrinksWithGames(t *testing.T) {
	c := DefaultConfig()
	p := []Rating{c.New(), c.New(), c.New()}
	prev := p[0].Sigma
	for game := range 30 {
		// Player 0 places first, second and third in turn.
		ranks := []int{1 + game%3, 1 + (game+1)%3, 1 + (game+2)%3}
		var err error
		if p, err = c.Rate(p, ranks); err != nil {
			t.Fatal(err)
		}
		if p[0].Sigma >= prev {
			t.Fatalf("game %d: sigma %v did not shrink from %v", game, p[0].Sigma, prev)
		}
		prev = p[0].Sigma
	}
	if prev > 0.6*c.Sigma {
		t.Errorf("after 30 games sigma is %v, want below 0.6 of %v", prev, c.Sigma)
	}
}

func TestRateRewardsBeatingStrongerOpponents(t *testing.T) {
	c := DefaultConfig()
	weak, strong := Rating{20, 3}, Rating{35, 3}
	me := Rating{25, 3}
	vsWeak, err := c.Rate([]Rating{me, weak, weak}, []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	vsStrong, err := c.Rate([]Rating{me, strong, strong}, []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if gw, gs := vsWeak[0].Mu-me.Mu, vsStrong[0].Mu-me.Mu; !(gs > gw && gw > 0) {
		t.Errorf("gain beating weak players %v, strong players %v; want 0 < weak < strong", gw, gs)
	}
	lostToStrong, err := c.Rate([]Rating{me, strong, strong}, []int{3, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	lostToWeak, err := c.Rate([]Rating{me, weak, weak}, []int{3, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if ls, lw := me.Mu-lostToStrong[0].Mu, me.Mu-lostToWeak[0].Mu; !(lw > ls && ls > 0) {
		t.Errorf("loss to strong players %v, to weak players %v; want 0 < strong < weak", ls, lw)
	}
}

func TestRateRefusesBadInput(t *testing.T) {
	c := DefaultConfig()
	tests := []struct {
		name    string
		players []Rating
		ranks   []int
	}{
		{"ranks of another length", []Rating{c.New(), c.New()}, []int{1}},
		{"zero sigma", []Rating{{25, 0}, c.New()}, []int{1, 2}},
		{"NaN mu", []Rating{{math.NaN(), 1}, c.New()}, []int{1, 2}},
	}
	for _, tt := range tests {
		if _, err := c.Rate(tt.players, tt.ranks); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: error %v, want ErrBadInput", tt.name, err)
		}
	}
}

func TestRanksHighestResultFirstTiesShare(t *testing.T) {
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	tests := []struct {
		name    string
		results []*big.Rat
		want    []int
	}{
		{"distinct", []*big.Rat{r("-18"), r("-2"), r("20")}, []int{3, 2, 1}},
		{"tie for first", []*big.Rat{r("5/2"), r("5/2"), r("-5")}, []int{1, 1, 3}},
		{"tie for last of four", []*big.Rat{r("10"), r("-3"), r("-3"), r("-4")}, []int{1, 2, 2, 4}},
		{"fractions compared exactly", []*big.Rat{r("1/3"), r("333333333/1000000000"), r("-1")}, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		got := Ranks(tt.results)
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: Ranks = %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}
