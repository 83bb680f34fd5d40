package score

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/trelljaz/trelljaz/game/rules"
)

// WhistsPerPoint is r, the whists a mountain point is worth at settlement
// (RULES §12).
const WhistsPerPoint = 10

// Result is the final settlement of a pulka (расчёт пули, RULES §12).
type Result struct {
	// Players is the number of seats; the arrays below use Players entries.
	Players int
	// Exact is each seat's result in whists, exact; the results sum to zero.
	Exact [rules.MaxPlayers]*big.Rat
	// Rounded is Exact rounded to integers by largest remainder, summing to
	// zero; equal remainders go in seat order starting left of the first
	// dealer (Decision 14).
	Rounded [rules.MaxPlayers]int64
	// Money is Exact × whist_price.
	Money [rules.MaxPlayers]*big.Rat
}

// Settle computes the final settlement from the sheet as it stands, with
// the closed form of RULES §12:
//
//	R[i] = Σ_j (W[i][j] − W[j][i]) + r·k·(pool[i] − mean(pool)) − r·(mountain[i] − mean(mountain))
//
// Open pools are converted at k = pool_factor mountain points per pool point;
// amnesty cannot change the result (adding a constant to every mountain
// cancels), so it is not applied. Settle does not change the sheet.
func (s *Sheet) Settle() (Result, error) {
	n := s.set.Players
	num, err := s.settleNumerators()
	if err != nil {
		return Result{}, err
	}
	den := int64(pointsDen * n)
	price, err := s.set.WhistPriceRat()
	if err != nil {
		return Result{}, err
	}
	res := Result{Players: n}
	for i := 0; i < n; i++ {
		res.Exact[i] = big.NewRat(num[i], den)
		res.Money[i] = new(big.Rat).Mul(res.Exact[i], price)
	}
	res.Rounded = roundLargestRemainder(num, den, n, (s.firstDealer+1)%n)
	return res, nil
}

// settleNumerators returns n·12·R[i] as integers (the results share the
// denominator 12·n), failing on arithmetic overflow.
func (s *Sheet) settleNumerators() ([rules.MaxPlayers]int64, error) {
	n := int64(s.set.Players)
	k := int64(s.set.PoolFactor)
	var sumPool, sumMount int64
	for i := 0; i < int(n); i++ {
		sumPool += int64(s.Pool[i])
		sumMount += int64(s.Mountain[i])
	}
	var num [rules.MaxPlayers]int64
	var total int64
	for i := 0; i < int(n); i++ {
		var net int64
		for j := 0; j < int(n); j++ {
			net += int64(s.Whists[i][j]) - int64(s.Whists[j][i])
		}
		num[i] = n*net + WhistsPerPoint*k*(n*int64(s.Pool[i])-sumPool) -
			WhistsPerPoint*(n*int64(s.Mountain[i])-sumMount)
		total += num[i]
	}
	if total != 0 {
		return num, fmt.Errorf("settle: results sum to %d/%d, not zero (sheet values too large)", total, 12*n)
	}
	return num, nil
}

// roundLargestRemainder rounds num[i]/den to integers that sum to the same
// total (zero), giving the units lost by flooring to the largest remainders;
// ties go in seat order from seat first.
func roundLargestRemainder(num [rules.MaxPlayers]int64, den int64, n, first int) [rules.MaxPlayers]int64 {
	var out [rules.MaxPlayers]int64
	var rem [rules.MaxPlayers]int64
	var total, floors int64
	for i := 0; i < n; i++ {
		q, r := num[i]/den, num[i]%den
		if r < 0 {
			q, r = q-1, r+den
		}
		out[i], rem[i] = q, r
		floors += q
		total += num[i]
	}
	missing := total/den - floors
	order := make([]int, n)
	for i := range order {
		order[i] = (first + i) % n
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for i := 0; int64(i) < missing && i < n; i++ {
		out[order[i]]++
	}
	return out
}
