// Command trelljaz-load measures a running Trelljaz club: it plays N tables
// of bot players as real SockJS clients (websocket, xhr-streaming,
// xhr-polling, or a mix), signing in with the dev sign-in, setting tables,
// sitting and playing whole pulkas with a think time, and reports what the
// players saw: action→event latency at every seat, errors by kind (a
// refused move, a version gap, a frame showing a card the seat may not
// see), reconnects apart from errors, and the server's RSS and CPU.
//
//	go run ./cmd/trelljaz-load -url http://127.0.0.1:8080 -tables 100 -think 1s -duration 1m
//
// The run is bounded in tables and time and stops by itself; its last line
// is one JSON object with the keys tables, sessions, pulkas_finished,
// actions, actions_per_s, p50_ms, p90_ms, p99_ms, max_ms, errors,
// server_rss_mb and server_cpu_s (and storm, with -storm or -churn). With several URLs (-url a,b,c) the players of each table are
// spread over the processes, and a player whose session drops reconnects to
// the next URL, as a browser behind a load balancer would.
//
// -think is the mean of a player's pause before each move; -think-spread
// (0.5 unless set) draws each pause evenly from -think×[1−s, 1+s], so the
// players do not move in lockstep (config.think).
//
// -ramp spreads the players' arrival over a time, -warmup leaves the
// start-up out of the figures (its errors still count), and -drop has every
// session dropped by the client after a while, so that reconnects and
// resyncs are part of the run.
//
// -storm N and -churn N are issue 12's abuse from another process (storm.go):
// N guests watch one playing table at once and drop, -storm-rounds times,
// or N guests connect, watch and drop in a loop. The players' latencies
// while the storm is on are reported apart (the summary's "storm"), with
// each round's attach and drop times.
//
// -gogc is the generator's own GC percent while it runs (400 unless set, or
// the environment's GOGC; gogc.go): its collections pause its players, so
// it collects rarely and spends memory instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "trelljaz-load:", err)
		os.Exit(2)
	}
}

// parseFlags reads the command line.
func parseFlags(args []string, out io.Writer) (config, error) {
	fs := flag.NewFlagSet("trelljaz-load", flag.ContinueOnError)
	fs.SetOutput(out)
	urls := fs.String("url", "http://127.0.0.1:8080", "comma list of club base URLs; a table's players are spread over them")
	transports := fs.String("transports", "websocket", "comma list of SockJS transports (websocket, xhr-streaming, xhr-polling), spread over the players")
	var c config
	c.stormConfig.flags(fs)
	fs.IntVar(&c.Tables, "tables", 10, fmt.Sprintf("tables to play at once (1..%d)", maxTables))
	fs.IntVar(&c.Players, "players", 3, "players per table (3 or 4)")
	fs.DurationVar(&c.Think, "think", time.Second, "mean think time before each move (0: flat out)")
	fs.Float64Var(&c.Spread, "think-spread", 0.5, "each think time is drawn uniformly from think×[1−s, 1+s]; 0 makes every one exactly -think (the players then move in lockstep bursts)")
	fs.DurationVar(&c.Duration, "duration", time.Minute, fmt.Sprintf("how long to run (at most %v)", maxDuration))
	fs.DurationVar(&c.Ramp, "ramp", 0, "start the tables evenly spread over this time (0: all at once)")
	fs.DurationVar(&c.Drop, "drop", 0, "each session is dropped by the client after d/2..3d/2 and the player reconnects and resyncs (0: never)")
	fs.DurationVar(&c.Warmup, "warmup", 0, "count latencies, actions and server CPU only after this time (errors always count)")
	fs.IntVar(&c.Pool, "pool", 2, "pool target of the tables set (small: pulkas finish quickly)")
	fs.StringVar(&c.Preset, "preset", "sochi", "convention preset of the tables set")
	fs.StringVar(&c.Level, "level", "basic", "how the players choose moves: random, basic or strong (game/bot)")
	fs.IntVar(&c.Pulkas, "pulkas", 0, "stop once this many pulkas finished (0: run for -duration)")
	fs.IntVar(&c.PID, "pid", 0, "server process to sample for RSS and CPU (0: none)")
	fs.DurationVar(&c.Every, "every", 5*time.Second, "report period")
	fs.StringVar(&c.Lobby, "lobby", lobbyIdle, "when players follow the lobby's deltas: idle (not while their table plays, as the page does), always, never")
	fs.IntVar(&c.GOGC, "gogc", gcPercentFlag(os.Getenv("GOGC")), "the generator's own GC percent while it runs (0: leave the runtime's, GOGC); its collections pause its players, so it collects rarely")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write the generator's own CPU profile of the measured window to this file (empty: none)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	c.URLs = splitList(*urls)
	c.Transports = splitList(*transports)
	if c.Every <= 0 {
		c.Every = 5 * time.Second
	}
	return c, c.validate()
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, strings.TrimRight(f, "/"))
		}
	}
	return out
}

// run parses the flags, plays, and writes the reports and, last, the JSON
// summary to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	set, err := cfg.tableSettings()
	if err != nil {
		return err
	}
	if cfg.GOGC > 0 {
		defer debug.SetGCPercent(debug.SetGCPercent(cfg.GOGC))
	}
	g := &generator{cfg: cfg, stats: newStats(), dial: dialSockJS, out: out, settings: set}
	kdamond := kdamondState(os.DirFS(damonAdmin))
	if kdamond == "on" {
		fmt.Fprintln(out, kdamondWarning)
	}
	sum := g.run(ctx)
	sum.Kdamond = kdamond
	sum.LoadGOGC = gcPercent() // before the deferred restore
	return sum.writeJSON(out)
}
