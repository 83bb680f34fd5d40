package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// startClub builds cmd/trelljaz and runs it on a free loopback port with the
// embedded defaults, as the README's run command does; it returns the
// club's base URL and its process id.
func startClub(t *testing.T, extra ...string) (string, int) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "trelljaz")
	build := exec.Command("go", "build", "-o", bin, "../trelljaz")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the club: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"-addr", addr, "-data", t.TempDir(), "-deal-pause", "0s", "-drain-delay", "0s",
		"-sessions-per-ip", "1000", "-message-rate", "1000", "-max-tables-per-ip", "10000"}, extra...)
	cmd := exec.Command(bin, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("club log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the club did not answer /healthz: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The generator plays whole pulkas against a real club over every
// transport, sees no error and reports its figures as one JSON line.
func TestGeneratorPlaysWholePulkas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the club")
	}
	base, pid := startClub(t)
	tests := []struct {
		name       string
		players    int
		transports string
		drop       string // -drop: sessions dropped and resumed
		lobby      string // -lobby: when the players follow the lobby
		gogc       int    // -gogc when not 0: the generator's own GC percent
	}{
		{"3 players over websocket", 3, "websocket", "", "idle", 0},
		{"4 players over every transport", 4, "websocket,xhr-streaming,xhr-polling", "", "idle", 0},
		{"3 players dropping their sessions", 3, "websocket,xhr-streaming,xhr-polling", "300ms", "idle", 0},
		{"3 players following the lobby all along", 3, "websocket,xhr-polling", "", "always", 0},
		{"3 players never following the lobby, collecting at 250", 3, "websocket", "", "never", 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			args := []string{"-url", base, "-tables", "2", "-players", fmt.Sprint(tt.players), "-think", "0s",
				"-pool", "1", "-pulkas", "1", "-duration", "3m", "-transports", tt.transports,
				"-pid", fmt.Sprint(pid), "-every", "10s", "-lobby", tt.lobby}
			if tt.drop != "" {
				args = append(args, "-drop", tt.drop)
			}
			if tt.gogc != 0 {
				args = append(args, "-gogc", fmt.Sprint(tt.gogc))
			}
			gcBefore := gcPercent()
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatal(err)
			}
			if got := gcPercent(); got != gcBefore {
				t.Errorf("the run left the GC percent at %d, want it restored to %d", got, gcBefore)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			var sum summary
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
				t.Fatalf("last line is not the JSON summary: %v\n%s", err, out.String())
			}
			if sum.Errors != 0 {
				t.Errorf("%d errors %v:\n%s", sum.Errors, sum.ErrorsByKind, out.String())
			}
			if sum.Pulkas < 1 {
				t.Errorf("%d pulkas finished, want 1:\n%s", sum.Pulkas, out.String())
			}
			if tt.drop != "" && sum.Reconnects == 0 {
				// Not an error: how many sessions drop depends on the
				// machine's speed (a pulka of pool 1 can end in 0.2 s).
				t.Logf("no session dropped with -drop %s this time", tt.drop)
			}
			if sum.Actions == 0 || sum.P99ms <= 0 || sum.ServerRSSMB <= 0 {
				t.Errorf("figures missing: %+v", sum)
			}
			// Over websocket on Linux the frames say when they came into
			// the sockets: before the players read them, never after.
			if runtime.GOOS == "linux" && tt.transports == "websocket" && (sum.SocketP99ms <= 0 || sum.SocketMaxms > sum.Maxms) {
				t.Errorf("latencies to the sockets p99 %.3f ms max %.3f ms; want some, the max at most the players' %.3f ms",
					sum.SocketP99ms, sum.SocketMaxms, sum.Maxms)
			}
			// The summary says whether this machine's kernel ran DAMON,
			// and the output warns when it did.
			want, warned := kdamondState(os.DirFS(damonAdmin)), strings.Contains(out.String(), kdamondWarning)
			if sum.Kdamond != want || warned != (want == "on") {
				t.Errorf("kdamond %q in the summary, warned %v; this machine's is %q", sum.Kdamond, warned, want)
			}
			// The summary says what the generator collected at: -gogc, or
			// its default unless the environment sets GOGC.
			wantGOGC := gcPercentFlag(os.Getenv("GOGC"))
			if wantGOGC == 0 {
				wantGOGC = gcBefore // the environment's, left alone
			}
			if tt.gogc != 0 {
				wantGOGC = tt.gogc
			}
			if sum.LoadGOGC != wantGOGC {
				t.Errorf("load_gogc %d in the summary, want %d", sum.LoadGOGC, wantGOGC)
			}
			// The club's own timings of this run's moves (its /metrics).
			if sv := sum.Server; sv == nil || sv.Moves == 0 || sv.Moves > sum.Actions || sv.Commits == 0 || sv.MoveP99ms <= 0 || sv.CommitP99ms <= 0 {
				t.Errorf("the club's timings missing or wrong (%d actions sent): %+v", sum.Actions, sv)
			}
		})
	}
}

func TestConfigIsBounded(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-tables", "0"}, "-tables"},
		{[]string{"-tables", "100000"}, "-tables"},
		{[]string{"-players", "5"}, "-players"},
		{[]string{"-duration", "0s"}, "-duration"},
		{[]string{"-duration", "100h"}, "-duration"},
		{[]string{"-transports", "carrier-pigeon"}, "unknown transport"},
		{[]string{"-url", ""}, "-url"},
		{[]string{"-pulkas", "-1"}, "-pulkas"},
		{[]string{"-ramp", "-1s"}, "-ramp"},
		{[]string{"-ramp", "2m", "-duration", "1m"}, "-ramp"},
		{[]string{"-warmup", "1m", "-duration", "1m"}, "-warmup"},
		{[]string{"-lobby", "sometimes"}, "-lobby"},
		{[]string{"-think-spread", "-0.1"}, "-think-spread"},
		{[]string{"-think-spread", "1.5"}, "-think-spread"},
		{[]string{"-think-spread", "NaN"}, "-think-spread"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		_, err := parseFlags(tt.args, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want one naming %q", tt.args, err, tt.want)
		}
	}
	if _, err := parseFlags(nil, os.Stderr); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

// A think time is spread evenly around -think, and exactly -think
// without a spread.
func TestThinkIsSpreadAroundItsMean(t *testing.T) {
	tests := []struct {
		spread     float64
		u          float64
		wantMillis int64
	}{
		{0, 0, 1000},
		{0, 0.999, 1000},
		{0.5, 0, 500},
		{0.5, 0.25, 750},
		{0.5, 0.5, 1000},
		{0.5, 0.75, 1250},
		{1, 0, 0},
		{1, 0.5, 1000},
	}
	for _, tt := range tests {
		c := config{Think: time.Second, Spread: tt.spread}
		if got := c.think(tt.u).Milliseconds(); got != tt.wantMillis {
			t.Errorf("spread %v, u %v: think %d ms, want %d", tt.spread, tt.u, got, tt.wantMillis)
		}
	}
	c := config{Think: time.Second, Spread: 0.5}
	if got := c.think(0.999999); got < 1499*time.Millisecond || got >= 1500*time.Millisecond {
		t.Errorf("spread 0.5, u just under 1: think %v, want just under 1.5 s", got)
	}
}

// A report's period figures are of the latencies since the report
// before; the window's are of all of them.
func TestAReportsPeriodIsItsOwn(t *testing.T) {
	s := newStats()
	now := time.Now()
	for _, tt := range []struct {
		record           []time.Duration
		wantP99, wantMax float64 // this period's, ms
		wantWindowMax    float64
	}{
		{[]time.Duration{5 * time.Millisecond, 10 * time.Millisecond}, 10, 10, 10},
		{[]time.Duration{200 * time.Millisecond}, 200, 200, 200},
		{[]time.Duration{3 * time.Millisecond}, 3, 3, 200},
		{nil, 0, 0, 200},
	} {
		for _, d := range tt.record {
			s.latency(d, 0, false)
		}
		sum := s.snapshot(1, now, time.Second, nil)
		near := func(got, want float64) bool { return got >= want*0.99 && got <= want*1.01 }
		if !near(sum.PeriodP99ms, tt.wantP99) || !near(sum.PeriodMaxms, tt.wantMax) || !near(sum.Maxms, tt.wantWindowMax) {
			t.Errorf("after %v: period p99 %.2f max %.2f, window max %.2f ms; want %v, %v, %v",
				tt.record, sum.PeriodP99ms, sum.PeriodMaxms, sum.Maxms, tt.wantP99, tt.wantMax, tt.wantWindowMax)
		}
	}
}

// The warm-up's latencies (to the players and to their sockets) and
// actions are not in the figures; its errors are.
func TestMeasureFromDropsTheWarmupButNotItsErrors(t *testing.T) {
	s := newStats()
	start := time.Now()
	s.measureFrom(start, &procSample{CPUSecs: 1})
	s.latency(5*time.Second, 4*time.Second, true)
	s.actions.Add(10)
	s.fail(errRefused, "during the warm-up")
	warm := start.Add(10 * time.Second)
	s.measureFrom(warm, &procSample{CPUSecs: 3})
	s.latency(20*time.Millisecond, 8*time.Millisecond, true)
	s.latency(30*time.Millisecond, 0, false) // a frame without a socket time
	s.actions.Add(4)
	sum := s.snapshot(1, warm.Add(2*time.Second), 12*time.Second, &procSample{CPUSecs: 4, RSSBytes: 1 << 20})
	if sum.Actions != 4 || sum.ActionsPerS != 2 {
		t.Errorf("actions = %d (%.1f/s), want 4 (2/s)", sum.Actions, sum.ActionsPerS)
	}
	if sum.Maxms > 31 || sum.P50ms < 19 {
		t.Errorf("latency p50 %.1f ms max %.1f ms, want the 20 and 30 ms after the warm-up only", sum.P50ms, sum.Maxms)
	}
	if sum.SocketMaxms > 8.1 || sum.SocketP50ms < 7.9 {
		t.Errorf("latency to the sockets p50 %.1f ms max %.1f ms, want the one 8 ms after the warm-up", sum.SocketP50ms, sum.SocketMaxms)
	}
	if sum.Errors != 1 {
		t.Errorf("errors = %d, want the warm-up's one", sum.Errors)
	}
	if sum.ServerCPUPct != 50 || sum.MeasuredS != 2 {
		t.Errorf("server cpu %.1f%% over %.1f s, want 50%% over 2 s", sum.ServerCPUPct, sum.MeasuredS)
	}
}

// The bots play and price their bids by the conventions the generator
// sets its tables with: the preset, the players and the pool target.
func TestBotsHaveTheTablesConventions(t *testing.T) {
	for _, tt := range []struct {
		preset          string
		players, pool   int
		convention      score.Convention
		raspasyInWhists bool
	}{
		{"sochi", 3, 10, score.Sochi, false},
		{"leningrad", 4, 2, score.Leningrad, false},
		{"rostov", 4, 7, score.Rostov, true},
	} {
		t.Run(fmt.Sprintf("%s %dp pool %d", tt.preset, tt.players, tt.pool), func(t *testing.T) {
			cfg, err := parseFlags([]string{"-preset", tt.preset, "-players", fmt.Sprint(tt.players), "-pool", fmt.Sprint(tt.pool)}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			set, err := cfg.tableSettings()
			if err != nil {
				t.Fatal(err)
			}
			g := &generator{cfg: cfg, settings: set}
			c := g.botConfig(1)
			sc := c.Scoring
			if sc.Convention != tt.convention || sc.Players != tt.players || sc.PoolTarget != tt.pool ||
				(sc.RaspasyScoring == score.RaspasyWhists) != tt.raspasyInWhists {
				t.Errorf("bot scoring %v, %d players, pool %d, raspasy %v", sc.Convention, sc.Players, sc.PoolTarget, sc.RaspasyScoring)
			}
			if c.Options != sc.Options || c.Options.Players != tt.players {
				t.Errorf("bot options %+v, want the scoring's %+v", c.Options, sc.Options)
			}
		})
	}
}

// A failed dial is an error while the run lasts, and not once the run is
// ending: the end of the run cancels the dials in flight (a CI run once
// counted one such as a lost connection).
func TestADialTheRunsEndCancelsIsNoError(t *testing.T) {
	live := context.Background()
	canceled, cancel := context.WithCancel(live)
	cancel()
	past, cancelPast := context.WithDeadline(live, time.Now().Add(-time.Second))
	defer cancelPast()
	tests := []struct {
		name string
		ctx  context.Context
		want int64
	}{
		{"run going on", live, 1},
		{"run canceled", canceled, 0},
		{"run past its deadline", past, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &player{g: &generator{stats: newStats()}}
			dialErr := errors.New("dial refused")
			if err := p.lost(tt.ctx, dialErr); !errors.Is(err, dialErr) {
				t.Errorf("lost returned %v, want the dial's error", err)
			}
			if got := p.g.stats.errs[errLost]; got != tt.want {
				t.Errorf("%d %s errors counted, want %d", got, errLost, tt.want)
			}
		})
	}
}

// cutLink is a session whose sends fail as an xhr_send cancelled by the
// run's end does, after its request may have reached the club.
type cutLink struct{ err error }

func (l cutLink) Send(string) error          { return l.err }
func (l cutLink) RecvFrame() ([]byte, error) { return nil, l.err }
func (l cutLink) Close() error               { return nil }

// A move is counted once handed to the transport, even when the send then
// fails: the club may have it, and its timings must never count more
// moves than the players sent (TestGeneratorPlaysWholePulkas checks that).
func TestAMoveIsCountedWhenHandedToTheTransport(t *testing.T) {
	cut := errors.New("request cancelled")
	p := &player{
		g:      &generator{stats: newStats()},
		table:  &tableRun{},
		link:   cutLink{cut},
		mover:  randomMover{rand.New(rand.NewPCG(1, 2))},
		tstate: tableState{table: "t1", state: "playing", deal: &rules.SeatView{}, legal: []rules.Move{{Kind: rules.MovePass}}},
	}
	if err := p.act(time.Now()); !errors.Is(err, cut) {
		t.Fatalf("act returned %v, want the send's error", err)
	}
	if got := p.g.stats.actions.Load(); got != 1 {
		t.Errorf("%d actions counted, want 1", got)
	}
}
