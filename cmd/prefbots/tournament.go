package main

import (
	"fmt"
	"maps"
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
	checkpoint                              time.Duration // how often a row's results file is written while it plays (0: at its end only)
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

// rowPart is what one run adds to a row: the pulkas [from, to) it
// played in full, as a rowFile whose settings the caller fills in.
type rowPart = rowFile

// playRow plays pulkas from number from on, each in every seating, until
// the row has cfg.deals deals (counting the had deals played before) or
// cfg.rowTime has passed. Every pulka started is finished. save, when not
// nil, is called at most every cfg.checkpoint with the part played so far
// in full (a prefix of the pulkas started), and is not called after
// playRow returns; playRow returns the whole part.
func playRow(cfg config, conv string, n int, r row, from, had int, stats *thinkStats, save func(*rowPart) error) (*rowPart, error) {
	set, err := rowSettings(cfg, conv, n)
	if err != nil {
		return nil, err
	}
	type done struct {
		value float64
		deals int
		think *thinkStats
	}
	var (
		mu       sync.Mutex
		finished = map[int]done{}
		part     = &rowPart{Ranges: [][2]int{{from, from}}, Think: map[string]*levelThink{}}
		started  = from
		deals    = had // every finished pulka's deals
		first    error
		lastSave = time.Now()
	)
	// advance moves the finished pulkas at the start of what is left
	// into part; mu is held.
	advance := func() {
		for {
			d, ok := finished[part.Ranges[0][1]]
			if !ok {
				return
			}
			delete(finished, part.Ranges[0][1])
			part.Ranges[0][1]++
			part.Pulkas++
			part.Deals += d.deals
			part.Sum += d.value
			part.SumSq += d.value * d.value
			for l, t := range d.think.levels {
				if part.Think[l] == nil {
					part.Think[l] = &levelThink{}
				}
				part.Think[l].CPU.merge(&t.CPU)
				part.Think[l].Wall.merge(&t.Wall)
			}
			stats.merge(d.think)
		}
	}
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
				if deals >= cfg.deals || first != nil || started > from && cfg.rowTime > 0 && time.Since(start) > cfg.rowTime {
					mu.Unlock()
					return
				}
				g := started
				started++
				mu.Unlock()
				local := newThinkStats()
				v, d, err := playGroup(cfg, set, r, g, local, clock, nil)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				finished[g] = done{v, d, local}
				deals += d
				advance()
				if save != nil && first == nil && cfg.checkpoint > 0 && time.Since(lastSave) > cfg.checkpoint {
					lastSave = time.Now()
					if err := save(copyPart(part)); err != nil {
						first = err
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return part, nil
}

// copyPart copies a part so that a checkpoint does not share its maps.
func copyPart(p *rowPart) *rowPart {
	c := *p
	c.Ranges = slices.Clone(p.Ranges)
	c.Think = map[string]*levelThink{}
	for l, t := range p.Think {
		lt := *t
		lt.CPU.Buckets, lt.Wall.Buckets = maps.Clone(t.CPU.Buckets), maps.Clone(t.Wall.Buckets)
		c.Think[l] = &lt
	}
	return &c
}

// rowSettings returns the scoring settings of a row's pulkas.
func rowSettings(cfg config, conv string, n int) (score.Settings, error) {
	set, err := score.Preset(conv)
	if err != nil {
		return set, err
	}
	set.Players, set.PoolTarget, set.MaxDeals = n, cfg.pool, cfg.maxDeals
	if err := set.Validate(); err != nil {
		return set, err
	}
	return set, nil
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
//
// record, when not nil, is called with every move made.
func playGroup(cfg config, set score.Settings, r row, g int, stats *thinkStats, clock threadClock, record func(rules.Move)) (float64, int, error) {
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
		res, d, err := playPulka(set, base, g%n, players, levels, stats, clock, record)
		if err != nil {
			return 0, 0, fmt.Errorf("pulka %d, hero at seat %d: %w", g, hero, err)
		}
		total += res[hero]
		deals += d
	}
	return total / float64(n), deals, nil
}

// playPulka plays one pulka and returns every seat's settled whists.
// record, when not nil, is called with every move made.
func playPulka(set score.Settings, seed uint64, firstDealer int, players []player, levels []string, stats *thinkStats, clock threadClock, record func(rules.Move)) ([rules.MaxPlayers]float64, int, error) {
	opt := set.Options
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
			if record != nil {
				record(m)
			}
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
