package rating

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// Rating is a belief about a player's skill: normal with mean Mu and
// standard deviation Sigma.
type Rating struct {
	Mu    float64 `json:"mu"`
	Sigma float64 `json:"sigma"`
}

// Ordinal is the rating the club shows: Mu − 3·Sigma, a skill the player
// very probably (99.7%) has at least.
func (r Rating) Ordinal() float64 { return r.Mu - 3*r.Sigma }

// Config holds the model's constants. The zero value is not valid; start
// from DefaultConfig.
type Config struct {
	// Mu and Sigma are a new player's rating. Defaults 25 and 25/3.
	Mu, Sigma float64
	// Beta is the spread of one performance around the skill. Default 25/6.
	Beta float64
	// Kappa is the least fraction of its variance a rating keeps in one
	// update, so Sigma never collapses. Default 0.0001.
	Kappa float64
	// Tau is added to Sigma (in quadrature) before each update, so a
	// rating can follow a changing skill. Default 25/300; 0 turns it off.
	Tau float64
}

// DefaultConfig returns the OpenSkill defaults, which the club uses.
func DefaultConfig() Config {
	return Config{Mu: 25, Sigma: 25.0 / 3, Beta: 25.0 / 6, Kappa: 0.0001, Tau: 25.0 / 300}
}

// New returns a new player's rating.
func (c Config) New() Rating { return Rating{Mu: c.Mu, Sigma: c.Sigma} }

// ErrBadInput is wrapped by every error of Rate and RateTeams.
var ErrBadInput = errors.New("rating: bad input")

// Rate updates the ratings of the players of one free-for-all game. ranks[i]
// is player i's place: lower is better, equal places tie (1, 2, 2 or
// 1, 1, 3). It returns the new ratings in the same order.
func (c Config) Rate(players []Rating, ranks []int) ([]Rating, error) {
	teams := make([][]Rating, len(players))
	for i, p := range players {
		teams[i] = []Rating{p}
	}
	out, err := c.RateTeams(teams, ranks)
	if err != nil {
		return nil, err
	}
	res := make([]Rating, len(out))
	for i, t := range out {
		res[i] = t[0]
	}
	return res, nil
}

// RateTeams is Rate for teams: a team's skill is the sum of its members'.
// The club's games are free-for-all (one player a team); teams are here so
// the implementation can be checked against the published reference values,
// which are stated for teams.
func (c Config) RateTeams(teams [][]Rating, ranks []int) ([][]Rating, error) {
	if len(teams) != len(ranks) {
		return nil, fmt.Errorf("%w: %d teams but %d ranks", ErrBadInput, len(teams), len(ranks))
	}
	if c.Beta <= 0 || c.Kappa <= 0 || c.Tau < 0 {
		return nil, fmt.Errorf("%w: config %+v", ErrBadInput, c)
	}
	type team struct{ mu, sigSq float64 }
	ts := make([]team, len(teams))
	betaSq := c.Beta * c.Beta
	var cSq float64
	for i, members := range teams {
		if len(members) == 0 {
			return nil, fmt.Errorf("%w: team %d is empty", ErrBadInput, i)
		}
		for _, p := range members {
			if !finite(p.Mu) || !finite(p.Sigma) || p.Sigma <= 0 {
				return nil, fmt.Errorf("%w: rating %+v", ErrBadInput, p)
			}
			ts[i].mu += p.Mu
			ts[i].sigSq += p.Sigma*p.Sigma + c.Tau*c.Tau
		}
		cSq += ts[i].sigSq + betaSq
	}
	cc := math.Sqrt(cSq)
	// sumQ[q] sums exp(mu/c) over the teams placed at q or below; a[q]
	// counts the teams sharing q's place.
	sumQ := make([]float64, len(ts))
	a := make([]float64, len(ts))
	for q := range ts {
		for s := range ts {
			if ranks[s] >= ranks[q] {
				sumQ[q] += math.Exp(ts[s].mu / cc)
			}
			if ranks[s] == ranks[q] {
				a[q]++
			}
		}
	}
	out := make([][]Rating, len(teams))
	for i, ti := range ts {
		e := math.Exp(ti.mu / cc)
		var omega, delta float64
		for q := range ts {
			if ranks[q] > ranks[i] {
				continue
			}
			quot := e / sumQ[q]
			if q == i {
				omega += (1 - quot) / a[q]
			} else {
				omega -= quot / a[q]
			}
			delta += quot * (1 - quot) / a[q]
		}
		gamma := math.Sqrt(ti.sigSq) / cc
		bigOmega := omega * ti.sigSq / cc
		bigDelta := gamma * delta * ti.sigSq / cSq
		out[i] = make([]Rating, len(teams[i]))
		for j, p := range teams[i] {
			sigSq := p.Sigma*p.Sigma + c.Tau*c.Tau
			share := sigSq / ti.sigSq
			out[i][j] = Rating{
				Mu:    p.Mu + share*bigOmega,
				Sigma: math.Sqrt(sigSq * math.Max(1-share*bigDelta, c.Kappa)),
			}
		}
	}
	return out, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Ranks places players by their results, highest first: the best gets 1,
// equal results share a place, and the next place skips (1, 1, 3).
func Ranks(results []*big.Rat) []int {
	ranks := make([]int, len(results))
	for i, r := range results {
		ranks[i] = 1
		for _, o := range results {
			if o.Cmp(r) > 0 {
				ranks[i]++
			}
		}
	}
	return ranks
}
