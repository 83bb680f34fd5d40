package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/bot"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Player levels besides the bot package's.
const (
	levelPass   = "pass"
	levelRandom = "random"
)

// row is one line of the table: a hero level against opponents of one level.
type row struct{ hero, opp string }

func (r row) String() string { return r.hero + ":" + r.opp }

// parseRows parses "strong:pass,basic:random".
func parseRows(s string) ([]row, error) {
	var rows []row
	for _, f := range strings.Split(s, ",") {
		h, o, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok || !validLevel(h) || !validLevel(o) {
			return nil, fmt.Errorf("-rows: %q is not hero:opponent with levels strong, basic, random, pass", f)
		}
		rows = append(rows, row{h, o})
	}
	return rows, nil
}

func validLevel(l string) bool {
	switch l {
	case bot.LevelStrong, bot.LevelBasic, levelRandom, levelPass:
		return true
	}
	return false
}

// config holds the tournament settings.
type config struct {
	pool, maxDeals, samples, workers, deals int
	seed                                    uint64
	rowTime                                 time.Duration // 0: rows end by deals only
}

// player makes the moves of one seat.
type player interface {
	move(s *rules.State, seat int, legal []rules.Move) rules.Move
}

type passPlayer struct{}

func (passPlayer) move(s *rules.State, _ int, legal []rules.Move) rules.Move {
	if m, ok := rules.TimeoutMove(s); ok {
		return m
	}
	return legal[0]
}

type randomPlayer struct{ rng *rand.Rand }

func (p randomPlayer) move(_ *rules.State, _ int, legal []rules.Move) rules.Move {
	return legal[p.rng.IntN(len(legal))]
}

type botPlayer struct {
	b *bot.Bot
}

func (p botPlayer) move(s *rules.State, seat int, legal []rules.Move) rules.Move {
	return p.b.Move(rules.View(*s, seat), legal)
}

// newPlayer makes a player of a level. Its seed depends on the pulka and
// the seat, not on where the hero sits, so equal levels play alike in
// every seating.
func newPlayer(level string, seed uint64, samples int, set score.Settings) player {
	switch level {
	case levelPass:
		return passPlayer{}
	case levelRandom:
		return randomPlayer{rand.New(rand.NewPCG(seed, 0x72616e64))}
	}
	return botPlayer{bot.New(bot.Config{Level: level, Seed: seed, Samples: samples, Budget: -1, Options: set.Options, Scoring: set})}
}

// rowResult is the outcome of one row.
type rowResult struct {
	pulkas, deals int
	mean, se      float64 // hero whists per pulka (mean over seatings), and its standard error
	perDeal       float64 // hero whists per deal played
}

// playRow plays pulkas (each in every seating) until the row has cfg.deals deals.
func playRow(cfg config, conv string, n int, r row, stats *thinkStats) (rowResult, error) {
	set, err := score.Preset(conv)
	if err != nil {
		return rowResult{}, err
	}
	set.Players, set.PoolTarget, set.MaxDeals = n, cfg.pool, cfg.maxDeals
	if err := set.Validate(); err != nil {
		return rowResult{}, err
	}
	opt, err := set.Options, set.Validate()
	if err != nil {
		return rowResult{}, err
	}
	var (
		mu     sync.Mutex
		values []float64
		deals  int
		first  error
	)
	next := 0
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < cfg.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clock := newThreadClock()
			defer clock.release()
			for {
				mu.Lock()
				if deals >= cfg.deals || first != nil || next > 0 && cfg.rowTime > 0 && time.Since(start) > cfg.rowTime {
					mu.Unlock()
					return
				}
				g := next
				next++
				mu.Unlock()
				v, d, err := playGroup(cfg, set, opt, r, g, stats, clock)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				values = append(values, v)
				deals += d
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return rowResult{}, first
	}
	res := rowResult{pulkas: len(values), deals: deals}
	res.mean, res.se = meanSE(values)
	if deals > 0 {
		res.perDeal = res.mean * float64(len(values)) * float64(n) / float64(deals)
	}
	return res, nil
}

// meanSE returns the mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

// groupSeed derives the seed of pulka g.
func groupSeed(cfg config, set score.Settings, g int) uint64 {
	x := cfg.seed*0x9E3779B97F4A7C15 + uint64(set.Convention)<<40 + uint64(set.Players)<<32 + uint64(g)
	x ^= x >> 31
	x *= 0xBF58476D1CE4E5B9
	return x ^ x>>29
}

// playGroup plays pulka g once per seating of the hero and returns the
// hero's mean settled whists and the deals played.
func playGroup(cfg config, set score.Settings, opt rules.Options, r row, g int, stats *thinkStats, clock threadClock) (float64, int, error) {
	n := set.Players
	base := groupSeed(cfg, set, g)
	total, deals := 0.0, 0
	for hero := 0; hero < n; hero++ {
		players := make([]player, n)
		levels := make([]string, n)
		for seat := range players {
			levels[seat] = r.opp
			if seat == hero {
				levels[seat] = r.hero
			}
			players[seat] = newPlayer(levels[seat], base+uint64(seat)*7919, cfg.samples, set)
		}
		res, d, err := playPulka(set, opt, base, g%n, players, levels, stats, clock)
		if err != nil {
			return 0, 0, fmt.Errorf("pulka %d, hero at seat %d: %w", g, hero, err)
		}
		total += res[hero]
		deals += d
	}
	return total / float64(n), deals, nil
}

// playPulka plays one pulka and returns every seat's settled whists.
func playPulka(set score.Settings, opt rules.Options, seed uint64, firstDealer int, players []player, levels []string, stats *thinkStats, clock threadClock) ([rules.MaxPlayers]float64, int, error) {
	var out [rules.MaxPlayers]float64
	sheet, err := score.NewSheet(set, firstDealer)
	if err != nil {
		return out, 0, err
	}
	deck := rand.New(rand.NewPCG(seed, 0x6465616c))
	buf := make([]rules.Move, 0, 80)
	local := newThinkStats()
	deals := 0
	for !sheet.Over() {
		s, err := rules.New(rules.Deal{Seed: deck.Uint64(), Dealer: sheet.Dealer(), Series: sheet.Series(), Options: opt})
		if err != nil {
			return out, deals, err
		}
		for !s.Done() {
			buf = rules.LegalMoves(&s, buf[:0])
			a := s.Actor()
			t0, c0 := time.Now(), clock.now()
			m := players[a].move(&s, a, buf)
			local.add(levels[a], time.Since(t0), clock.now()-c0)
			if s, err = rules.Apply(s, m); err != nil {
				return out, deals, fmt.Errorf("%s player at seat %d: %w", levels[a], a, err)
			}
		}
		res, _ := s.Result()
		if err := sheet.Apply(score.DealOf(res)); err != nil {
			return out, deals, fmt.Errorf("sheet: %w", err)
		}
		deals++
	}
	settled, err := sheet.Settle()
	if err != nil {
		return out, deals, fmt.Errorf("settle: %w", err)
	}
	for p := 0; p < set.Players; p++ {
		f, _ := settled.Exact[p].Float64()
		out[p] = f
	}
	stats.merge(local)
	return out, deals, nil
}

// thinkStats collects the time of every move per level.
type thinkStats struct {
	mu    sync.Mutex
	times map[string][]time.Duration // wall clock per move
	cpu   map[string][]time.Duration // the thread's CPU time per move
}

func newThinkStats() *thinkStats {
	return &thinkStats{times: map[string][]time.Duration{}, cpu: map[string][]time.Duration{}}
}

func (t *thinkStats) add(level string, wall, cpu time.Duration) {
	t.mu.Lock()
	t.times[level] = append(t.times[level], wall)
	t.cpu[level] = append(t.cpu[level], cpu)
	t.mu.Unlock()
}

func (t *thinkStats) merge(o *thinkStats) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	for l, ds := range o.times {
		t.times[l] = append(t.times[l], ds...)
	}
	for l, ds := range o.cpu {
		t.cpu[l] = append(t.cpu[l], ds...)
	}
}

func (t *thinkStats) levels() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ls []string
	for l := range t.times {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

type thinkSummary struct {
	moves         int
	perSec        float64
	p50, p95, max time.Duration
}

// summary summarizes the wall-clock times of a level, or its CPU times.
func (t *thinkStats) summary(level string, cpu bool) thinkSummary {
	t.mu.Lock()
	ds := slices.Clone(t.times[level])
	if cpu {
		ds = slices.Clone(t.cpu[level])
	}
	t.mu.Unlock()
	if len(ds) == 0 {
		return thinkSummary{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	s := thinkSummary{moves: len(ds), p50: ds[len(ds)/2], p95: ds[len(ds)*95/100], max: ds[len(ds)-1]}
	if sum > 0 {
		s.perSec = float64(len(ds)) / sum.Seconds()
	}
	return s
}
