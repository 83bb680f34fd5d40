package dd

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
)

// Times are the CPU time of the benchmark's thread per deal (Linux), so
// the percentiles hold for one core whatever else runs on the machine.

// BenchmarkSolveFullDeal solves random full 10-trick contracts (random
// strain and declarer, the first hand on lead), each from a cold table,
// and reports the median, 95th and 99th percentile time per deal.
func BenchmarkSolveFullDeal(b *testing.B) {
	benchDeals(b, rand.New(rand.NewPCG(5, 6)), 512, randomDeal)
}

// BenchmarkValuesFullDeal values every opening lead of random full deals
// (what the strong bot asks per sample at trick 1), the table kept warm
// between the leads of one deal.
func BenchmarkValuesFullDeal(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	const pool = 512
	deals := make([]Position, pool)
	for i := range deals {
		deals[i] = randomDeal(rng)
	}
	s := NewSolver()
	var buf []CardValue
	times := make([]time.Duration, 0, b.N)
	lockThread()
	defer unlockThread()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Reset()
		t0 := threadCPU()
		buf = s.Values(deals[i%pool], buf[:0])
		times = append(times, threadCPU()-t0)
	}
	b.StopTimer()
	reportTimes(b, times, s.Nodes())
}

// reportTimes reports the median, 95th and 99th percentile of the CPU
// times per deal and the mean nodes per deal.
func reportTimes(b *testing.B, times []time.Duration, nodes uint64) {
	slices.Sort(times)
	for _, q := range []struct {
		pct  int
		unit string
	}{{50, "cpu-ms-p50"}, {95, "cpu-ms-p95"}, {99, "cpu-ms-p99"}} {
		b.ReportMetric(float64(times[len(times)*q.pct/100].Microseconds())/1000, q.unit)
	}
	b.ReportMetric(float64(nodes)/float64(len(times)), "nodes/deal")
}

// benchKind solves random full deals of one kind from a cold table and
// reports p50/p95/p99 per deal.
func benchKind(b *testing.B, mk func(rng *rand.Rand) Position) {
	benchDeals(b, rand.New(rand.NewPCG(9, 10)), 256, mk)
}

// benchDeals solves a pool of deals mk makes from rng, each from a cold
// table, in turn for b.N solves, and reports p50/p95/p99 of the CPU time
// per deal and the mean nodes.
func benchDeals(b *testing.B, rng *rand.Rand, pool int, mk func(rng *rand.Rand) Position) {
	deals := make([]Position, pool)
	for i := range deals {
		deals[i] = mk(rng)
	}
	s := NewSolver()
	times := make([]time.Duration, 0, b.N)
	nodes := uint64(0)
	lockThread()
	defer unlockThread()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Reset()
		n0 := s.Nodes()
		t0 := threadCPU()
		s.Solve(deals[i%pool])
		times = append(times, threadCPU()-t0)
		nodes += s.Nodes() - n0
	}
	b.StopTimer()
	reportTimes(b, times, nodes)
}

// BenchmarkSolveMisere: full 10-trick misère deals, random declarer,
// every trick counted.
func BenchmarkSolveMisere(b *testing.B) { benchKind(b, misereDeal(0)) }

// BenchmarkSolveMisereBid: full 10-trick misère deals a player would
// declare, every trick counted: the declarer's hand passes the basic
// bot's misère rule (game/bot: at most one dangerous card, misereDanger
// <= 1, a card being dangerous when its rank among the suit's eight is
// above twice the number of his lower cards of the suit). The random
// deals of BenchmarkSolveMisere, mostly caught badly, stay the bar.
func BenchmarkSolveMisereBid(b *testing.B) { benchKind(b, misereBidDeal) }

// BenchmarkSolveMisereLimit3: the same deals counted up to 3 tricks
// (Position.Limit), as the strong bot asks early in a misère.
func BenchmarkSolveMisereLimit3(b *testing.B) { benchKind(b, misereDeal(3)) }

// BenchmarkSolveRaspasy: full raspasy deals with both talon leads, the
// paranoid goal of a random player, every trick counted.
func BenchmarkSolveRaspasy(b *testing.B) { benchKind(b, raspasyDeal(0)) }

// BenchmarkSolveRaspasyLimit4: the same deals counted up to 4 tricks, as
// the strong bot asks early in a raspasy.
func BenchmarkSolveRaspasyLimit4(b *testing.B) { benchKind(b, raspasyDeal(4)) }

func misereDeal(limit int) func(rng *rand.Rand) Position {
	return func(rng *rand.Rand) Position {
		p := randomDeal(rng)
		p.Trump = 4
		p.Goal = ContractGoal(rng.IntN(3), true)
		p.Limit = limit
		return p
	}
}

// misereBidDeal deals until one player's hand is a misère the basic bot
// would bid (misereDanger <= 1) and makes him the declarer; the first
// hand (player 0) leads.
func misereBidDeal(rng *rand.Rand) Position {
	for {
		p := randomDeal(rng)
		d := rng.IntN(3)
		if misereDanger(p.Hands[d]) > 1 {
			continue
		}
		p.Trump = rules.NoTrump
		p.Goal = ContractGoal(d, true)
		return p
	}
}

// misereDanger counts the cards of h a misère declarer may be forced to
// win with, by the rule of game/bot's hand evaluation (the i-th lowest
// card of a suit, from 0, is dangerous when its rank index, 7 = 0, is
// above 2i).
func misereDanger(h rules.Hand) int {
	n := 0
	for su := 0; su < 4; su++ {
		i := 0
		for r := 0; r < 8; r++ {
			if uint32(h)>>(8*su+r)&1 == 0 {
				continue
			}
			if r > 2*i {
				n++
			}
			i++
		}
	}
	return n
}

func raspasyDeal(limit int) func(rng *rand.Rand) Position {
	return func(rng *rand.Rand) Position {
		var deck [32]uint8
		for i := range deck {
			deck[i] = uint8(i)
		}
		rng.Shuffle(32, func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
		var p Position
		for i := 0; i < 30; i++ {
			p.Hands[i%3] |= 1 << deck[i]
		}
		p.Talon = [2]rules.Card{rules.Card(deck[30]), rules.Card(deck[31])}
		p.NTalon = 2
		p.Trump = 4
		p.Goal = RaspasyGoal(rng.IntN(3))
		p.Limit = limit
		return p
	}
}
