// Command prefbots measures the strength of the Preferans bots (package
// game/bot) in a tournament on duplicate deals.
//
// A row pits one hero (a bot level) against n−1 copies of an opponent:
// "pass" (rules.TimeoutMove: pass, lowest card), "random" (a uniformly
// random legal move), "basic" or "strong". Each pulka is played n times
// with the same deals (deal k of a pulka always has the same seed and the
// same first dealer), the hero sitting at each seat in turn, so the luck
// of the cards cancels. A pulka ends when the sheet says so (pool target)
// or after -max-deals deals. The hero's settled result in whists
// (score.Sheet.Settle) is averaged over the n seatings of a pulka; the
// table gives the mean of those averages per pulka and its standard error.
//
// It also reports, per bot level, how many moves it made, moves per second
// of its own thinking, and the think time p50/p95/max per move, both as
// the CPU time of the thread that thought (what one core spends, whatever
// else runs on the machine) and as wall-clock time.
//
//	prefbots -deals 10000 -conventions sochi,leningrad,rostov -players 3,4
//
// The deals of a row are counted over every seating. Runs are
// reproducible: the bots' sampling is bounded by count (-samples), not
// time, and every seed derives from -seed and the pulka's number.
//
// Rows accumulate across runs, sessions and machines in results files
// (-results DIR, one JSON text file per row; the repository keeps its own
// in cmd/prefbots/results): the settings, the pulka numbers played as
// ranges, the count, sum and sum of squares of the pulkas' values, the
// think-time histograms per level, and a fingerprint of the bots' play
// (the hash of every move of one reserved pulka of the row, replayed by
// every run). A run extends each row with the pulkas after those in its
// file until the row holds -deals deals or -row-time passes, writing the
// file every -checkpoint, so a killed run loses little. Another machine
// plays a disjoint range (-from) into its own directory, and -merge joins
// it. A file of other settings or another fingerprint is refused: bots
// that play differently start their rows afresh. -table prints the
// README's tables from the files (-readme rewrites them in place).
//
//	prefbots -results cmd/prefbots/results -deals 10000 -row-time 10m
//	prefbots -results cmd/prefbots/results -table -readme README.md
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		slog.Error("prefbots", "err", err)
		os.Exit(1)
	}
}

// run parses the flags and plays the tournament, writing the tables to w.
func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("prefbots", flag.ContinueOnError)
	deals := fs.Int("deals", 10000, "deals per row, over every seating (at least one pulka); with -results, the row's total including the deals already in its file")
	convs := fs.String("conventions", "sochi,leningrad,rostov", "conventions (comma list)")
	players := fs.String("players", "3,4", "player counts (comma list of 3 and 4)")
	rowsFlag := fs.String("rows", "strong:pass,strong:random,strong:basic,basic:pass,basic:random", "rows as hero:opponent (comma list); levels: strong, basic, random, pass")
	pool := fs.Int("pool", 10, "pool target of each pulka")
	maxDeals := fs.Int("max-deals", 15, "deals after which a pulka ends even if pools are open")
	samples := fs.Int("samples", 0, "samples per card play of the strong bot (0: the bot's default)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "pulkas played in parallel")
	rowTime := fs.Duration("row-time", 0, "wall time after which a row starts no new pulka (0: none); the table says how many deals each row played")
	seed := fs.Uint64("seed", 1, "seed of every deal and bot")
	results := fs.String("results", "", "directory of the rows' results files: each row is extended (pulkas after those in its file, same settings and bot fingerprint) and written back, every -checkpoint while it plays")
	from := fs.Int("from", -1, "with -results: the first pulka number to play (-1: the one after the last in the row's file); runs on other machines take disjoint ranges and -merge later")
	checkpoint := fs.Duration("checkpoint", time.Minute, "with -results: how often a playing row's file is written")
	mergeFrom := fs.String("merge", "", "merge the results files of this directory into -results (same rows and fingerprints, disjoint pulkas) and play nothing")
	table := fs.Bool("table", false, "print the table of the -results files and play nothing")
	readme := fs.String("readme", "", "with -table: also replace the table in this file (between the prefbots -table markers)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*mergeFrom != "" || *table) && *results == "" {
		return fmt.Errorf("-merge and -table need -results")
	}
	if *mergeFrom != "" {
		return mergeDirs(*results, *mergeFrom)
	}
	if *table {
		return printTable(w, *results, *readme)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	rows, err := parseRows(*rowsFlag)
	if err != nil {
		return err
	}
	var ns []int
	for _, p := range strings.Split(*players, ",") {
		switch strings.TrimSpace(p) {
		case "3":
			ns = append(ns, 3)
		case "4":
			ns = append(ns, 4)
		default:
			return fmt.Errorf("-players: %q is not 3 or 4", p)
		}
	}
	cfg := config{pool: *pool, maxDeals: *maxDeals, samples: *samples, workers: max(1, *workers), seed: *seed, deals: *deals, rowTime: *rowTime, checkpoint: *checkpoint}
	stats := newThinkStats()
	start := time.Now()
	fmt.Fprintf(w, "| convention | players | hero | opponents | pulkas | deals | hero whists/pulka | std. error | per deal | fingerprint |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, conv := range strings.Split(*convs, ",") {
		conv = strings.TrimSpace(conv)
		for _, n := range ns {
			for _, r := range rows {
				f, err := extendRow(cfg, conv, n, r, *results, *from, stats)
				if err != nil {
					return fmt.Errorf("%s %dp %s: %w", conv, n, r, err)
				}
				m, se := f.meanSE()
				fmt.Fprintf(w, "| %s | %d | %s | %d× %s | %d | %d | %+.1f | %.1f | %+.2f | %s |\n",
					conv, n, r.hero, n-1, r.opp, f.Pulkas, f.Deals, m, se, f.perDeal(), f.Fingerprint)
			}
		}
	}
	fmt.Fprintf(w, "\nThis run's think times (quantiles to within 12%%):\n\n| level | moves | moves/s (CPU) | think p50 CPU | p95 CPU | max CPU | p50 wall | p95 wall |\n|---|---|---|---|---|---|---|---|\n")
	for _, l := range stats.names() {
		c, s := stats.summary(l, true), stats.summary(l, false)
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %s |\n", l, c.moves, c.perSec, fmtDur(c.p50), fmtDur(c.p95), fmtDur(c.max), fmtDur(s.p50), fmtDur(s.p95))
	}
	fmt.Fprintf(w, "\nGOMAXPROCS %d, %d workers, %s wall time; flags: %s\n", runtime.GOMAXPROCS(0), cfg.workers, time.Since(start).Round(time.Second), strings.Join(args, " "))
	return nil
}

// extendRow plays a row. With a results directory it reads the row's file
// (refusing one of other settings or another bot fingerprint), plays the
// pulkas after it (or from from), writes the file back while it plays
// and at the end, and returns the whole row; without one, it returns
// what this run played.
func extendRow(cfg config, conv string, n int, r row, dir string, from int, stats *thinkStats) (*rowFile, error) {
	fp, err := fingerprintRow(cfg, conv, n, r)
	if err != nil {
		return nil, err
	}
	f := &rowFile{Convention: conv, Players: n, Hero: r.hero, Opponents: r.opp, Pool: cfg.pool, MaxDeals: cfg.maxDeals, Samples: cfg.samples, Seed: cfg.seed, Fingerprint: fp, Think: map[string]*levelThink{}}
	tmpl := copyPart(f)
	path := ""
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		path = filepath.Join(dir, rowKey(conv, n, r)+".json")
		old, err := readRow(path)
		if err != nil {
			return nil, err
		}
		if old != nil {
			if err := old.sameRow(f); err != nil {
				return nil, err
			}
			f = old
		}
	}
	if from < 0 {
		from = f.next()
	}
	if from < f.next() {
		return nil, fmt.Errorf("-from %d: the row's file already holds pulkas up to %d (%w); play another range into another directory and -merge it", from, f.next(), errOverlap)
	}
	if f.Deals >= cfg.deals {
		return f, nil
	}
	// withPart returns f with a part merged in, f unchanged.
	withPart := func(p *rowPart) (*rowFile, error) {
		all := copyPart(f)
		part := copyPart(tmpl)
		part.Ranges, part.Pulkas, part.Deals, part.Sum, part.SumSq, part.Think = p.Ranges, p.Pulkas, p.Deals, p.Sum, p.SumSq, p.Think
		if err := all.merge(part); err != nil {
			return nil, err
		}
		return all, nil
	}
	var save func(*rowPart) error
	if path != "" {
		save = func(p *rowPart) error {
			all, err := withPart(p)
			if err != nil {
				return err
			}
			return writeRow(path, all)
		}
	}
	part, err := playRow(cfg, conv, n, r, from, f.Deals, stats, save)
	if err != nil {
		return nil, err
	}
	all, err := withPart(part)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := writeRow(path, all); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// printTable writes the README table of the results in dir to w, and
// into the file readme when it is not empty.
func printTable(w io.Writer, dir, readme string) error {
	fs, err := readDir(dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	writeTable(&b, fs)
	if readme != "" {
		doc, err := os.ReadFile(readme)
		if err != nil {
			return fmt.Errorf("readme: %w", err)
		}
		out, err := replaceTable(string(doc), b.String())
		if err != nil {
			return fmt.Errorf("readme %s: %w", readme, err)
		}
		if err := os.WriteFile(readme, []byte(out), 0o644); err != nil {
			return fmt.Errorf("readme: %w", err)
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
