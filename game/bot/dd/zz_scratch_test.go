package dd

import (
	"time"
	"slices"
	"github.com/trelljaz/trelljaz/game/rules"
	"fmt"
	"math/rand/v2"
	"testing"
)

func misereDeals(n int) []Position {
	rng := rand.New(rand.NewPCG(9, 10))
	var ps []Position
	for i := 0; i < n; i++ {
		p := randomDeal(rng)
		p.Trump = 4
		p.Goal = ContractGoal(rng.IntN(3), true)
		ps = append(ps, p)
	}
	return ps
}

func TestScratchMisere(t *testing.T) {
	s := NewSolver()
	var tot uint64
	ps := misereDeals(128)
	for _, p := range ps {
		s.Reset()
		n0 := s.Nodes()
		s.Solve(p)
		tot += s.Nodes() - n0
	}
	fmt.Println("nodes/deal", tot/uint64(len(ps)))
}
func TestScratchYesNo(t *testing.T) {
	s := NewSolver()
	var tot uint64
	ps := misereDeals(128)
	for _, p := range ps {
		s.Reset()
		nd := s.setup(&p)
		n0 := s.Nodes()
		s.search(nd, 0, 1)
		tot += s.Nodes() - n0
	}
	fmt.Println("yes/no nodes/deal", tot/uint64(len(ps)))
}

func kindDeals(kind, n int) []Position {
	rng := rand.New(rand.NewPCG(9, 10))
	var ps []Position
	for i := 0; i < n; i++ {
		var p Position
		switch kind {
		case 0:
			p = randomDeal(rng)
		case 1:
			p = randomDeal(rng)
			p.Trump = 4
			p.Goal = ContractGoal(rng.IntN(3), true)
		case 2:
			var deck [32]uint8
			for i := range deck {
				deck[i] = uint8(i)
			}
			rng.Shuffle(32, func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
			for i := 0; i < 30; i++ {
				p.Hands[i%3] |= 1 << deck[i]
			}
			p.Talon = [2]rules.Card{rules.Card(deck[30]), rules.Card(deck[31])}
			p.NTalon = 2
			p.Trump = 4
			p.Goal = RaspasyGoal(rng.IntN(3))
		}
		ps = append(ps, p)
	}
	return ps
}

func TestScratchAll(t *testing.T) {
	for k, name := range []string{"contract", "misere", "raspasy"} {
		s := NewSolver()
		var tot uint64
		ps := kindDeals(k, 128)
		for _, p := range ps {
			s.Reset()
			n0 := s.Nodes()
			s.Solve(p)
			tot += s.Nodes() - n0
		}
		fmt.Println(name, "nodes/deal", tot/uint64(len(ps)))
	}
}

// upperA: D's cards above the lowest card of the others in their suit,
// all of a suit the others lack.
func upperA(p Position, d int) int {
	u := 0
	oh := p.Hands[(d+1)%3] | p.Hands[(d+2)%3]
	for su := 0; su < 4; su++ {
		m := rules.Hand(0xFF) << (8 * su)
		ds, os := p.Hands[d]&m, oh&m
		if os == 0 {
			u += ds.Len()
			continue
		}
		low := os & -os
		u += (ds &^ (low - 1)).Len()
	}
	return u
}

func TestScratchUpper(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	bad := 0
	checked := 0
	for i := 0; i < 200000 && bad < 5; i++ {
		p := randomPosition(rng, 6)
		if p.Goal.Count&p.Goal.Max != 0 || p.NTrick != 0 || p.NTalon != 0 {
			continue
		}
		d := 0
		for p.Goal.Count != 1<<d {
			d++
		}
		u := upperA(p, d)
		if u >= p.Tricks() {
			continue
		}
		checked++
		if v := brute(p); v > u {
			bad++
			fmt.Printf("counter: %+v d=%d u=%d v=%d\n", p, d, u, v)
		}
	}
	fmt.Println("checked", checked, "bad", bad)
}

func danger(h rules.Hand) int {
	d := 0
	for s := 0; s < 4; s++ {
		cards := uint8(h >> (8 * s))
		i := 0
		for r := 0; r < 8; r++ {
			if cards&(1<<r) == 0 {
				continue
			}
			if r > 2*i {
				d++
			}
			i++
		}
	}
	return d
}

func TestScratchRealMisere(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	s := NewSolver()
	hist := map[int]int{}
	var tot uint64
	var times []time.Duration
	n := 0
	for n < 200 {
		p := randomDeal(rng)
		d := rng.IntN(3)
		if danger(p.Hands[d]) > 2 {
			continue
		}
		n++
		p.Trump = 4
		p.Goal = ContractGoal(d, true)
		s.Reset()
		n0 := s.Nodes()
		t0 := time.Now()
		v := s.Solve(p)
		times = append(times, time.Since(t0))
		tot += s.Nodes() - n0
		hist[v]++
	}
	slices.Sort(times)
	fmt.Println("real misere nodes", tot/uint64(n), hist, times[n/2], times[n*99/100])
}

func TestScratchCap(t *testing.T) {
	ps := kindDeals(1, 128)
	for _, cp := range []int{1, 2, 3, 4, 10} {
		s := NewSolver()
		var tot uint64
		var times []time.Duration
		for _, p := range ps {
			s.Reset()
			nd := s.setup(&p)
			n0 := s.Nodes()
			t0 := time.Now()
			lo, hi := 0, cp
			g := 1
			for lo < hi {
				beta := g
				if g <= lo {
					beta = lo + 1
				}
				g = s.search(nd, beta-1, beta)
				if g < beta {
					hi = g
				} else {
					lo = g
				}
			}
			times = append(times, time.Since(t0))
			tot += s.Nodes() - n0
		}
		slices.Sort(times)
		fmt.Println("cap", cp, "nodes", tot/uint64(len(ps)), times[len(ps)/2], times[len(ps)*99/100])
	}
}

func TestScratchLimits(t *testing.T) {
	for k, name := range []string{"contract", "misere", "raspasy"} {
		for _, lim := range []int{2, 3, 4, 5, 0} {
			s := NewSolver()
			var tot uint64
			ps := kindDeals(k, 128)
			for _, p := range ps {
				p.Limit = lim
				s.Reset()
				n0 := s.Nodes()
				s.Solve(p)
				tot += s.Nodes() - n0
			}
			fmt.Println(name, lim, "nodes/deal", tot/uint64(len(ps)))
		}
	}
}
