package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// lastSummary decodes the generator's last line.
func lastSummary(t *testing.T, out string) summary {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var sum summary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("last line is not the JSON summary: %v\n%s", err, out)
	}
	return sum
}

// A storm's rounds of guests watch a playing table of the run and drop
// while its players play on: every watcher is answered (its view, or
// watchers_full past the table's cap), nothing fails, each round has its
// attach and drop times, and the run ends with the last round.
func TestAStormWatchesAPlayingTableAndDrops(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the club")
	}
	tests := []struct {
		name        string
		maxWatchers string // the club's -max-watchers
		storm       int
		wantCapped  bool
	}{
		{"under the watchers cap", "1000", 60, false},
		{"past the watchers cap", "20", 60, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, pid := startClub(t, "-max-watchers", tt.maxWatchers)
			var out bytes.Buffer
			const rounds = 2
			args := []string{"-url", base, "-tables", "2", "-think", "20ms", "-pool", "30", "-duration", "3m",
				"-pid", fmt.Sprint(pid), "-every", "10s",
				"-storm", fmt.Sprint(tt.storm), "-storm-rounds", fmt.Sprint(rounds), "-storm-hold", "200ms", "-storm-pause", "100ms"}
			if err := run(context.Background(), args, &out); err != nil {
				t.Fatal(err)
			}
			sum := lastSummary(t, out.String())
			if sum.Errors != 0 {
				t.Fatalf("%d errors %v:\n%s", sum.Errors, sum.ErrorsByKind, out.String())
			}
			st := sum.Storm
			if st == nil {
				t.Fatalf("no storm figures:\n%s", out.String())
			}
			if st.Rounds != rounds || len(st.AttachMs) != rounds || len(st.DropMs) != rounds {
				t.Errorf("%d rounds (attach %v, drop %v), want %d:\n%s", st.Rounds, st.AttachMs, st.DropMs, rounds, out.String())
			}
			if got := st.Watched + st.Capped; got != int64(rounds*tt.storm) {
				t.Errorf("%d watchers answered (%d views, %d capped), want %d", got, st.Watched, st.Capped, rounds*tt.storm)
			}
			if (st.Capped > 0) != tt.wantCapped {
				t.Errorf("%d watchers capped, want some: %v", st.Capped, tt.wantCapped)
			}
			if sum.Actions == 0 || sum.ServerCPUs <= 0 {
				t.Errorf("figures missing: %+v", sum)
			}
		})
	}
}

// Churn clients connect, watch a playing table and drop in a loop while its
// players play: no cycle fails. The test ends the run once 40 cycles are
// done (bounded by the run's duration).
func TestChurnConnectsWatchesAndDropsInALoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the club")
	}
	base, pid := startClub(t)
	cfg, err := parseFlags([]string{"-url", base, "-tables", "2", "-think", "20ms", "-pool", "30", "-duration", "2m",
		"-pid", fmt.Sprint(pid), "-every", "10s", "-churn", "8"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	set, err := cfg.tableSettings()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	g := &generator{cfg: cfg, stats: newStats(), dial: dialSockJS, out: &out, settings: set}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan summary, 1)
	go func() { done <- g.run(ctx) }()
	const cycles = 40
	var sum summary
	for waiting := true; waiting; {
		select {
		case sum = <-done:
			waiting = false
		case <-time.After(20 * time.Millisecond):
			if g.storms.churned.Load() >= cycles {
				cancel()
			}
		}
	}
	if sum.Errors != 0 {
		t.Fatalf("%d errors %v:\n%s", sum.Errors, sum.ErrorsByKind, out.String())
	}
	if sum.Storm == nil || sum.Storm.ChurnCycles < cycles || sum.Storm.Watched < cycles {
		t.Fatalf("churn figures %+v, want %d cycles and views at least:\n%s", sum.Storm, cycles, out.String())
	}
	if sum.Actions == 0 {
		t.Errorf("the players made no move under the churn:\n%s", out.String())
	}
}

func TestStormConfigIsBounded(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-storm", "-1"}, "-storm"},
		{[]string{"-storm", "1000000"}, "-storm"},
		{[]string{"-storm", "10", "-storm-rounds", "0"}, "-storm-rounds"},
		{[]string{"-storm-hold", "-1s"}, "-storm-hold"},
		{[]string{"-storm-pause", "2h"}, "-storm-pause"},
		{[]string{"-churn", "-1"}, "-churn"},
		{[]string{"-churn", "100000"}, "-churn"},
		{[]string{"-storm", "10", "-churn", "10"}, "one at a time"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want one naming %q", tt.args, err, tt.want)
		}
	}
}
