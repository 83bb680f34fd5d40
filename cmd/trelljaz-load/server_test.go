package main

import (
	"bytes"
	"math"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/trelljaz/trelljaz/game/metrics"
)

// exposition returns reg's metrics in the text format /metrics serves.
func exposition(t *testing.T, reg *prometheus.Registry) *bytes.Buffer {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatal(err)
		}
	}
	return &b
}

// scrapeOf parses expositions as scrapeServers sums them.
func scrapeOf(t *testing.T, expositions ...*bytes.Buffer) serverHists {
	t.Helper()
	h := serverHists{}
	for _, e := range expositions {
		if err := h.add(e); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// The figures are of the window between two scrapes, summed over the
// club's processes, and their quantiles fall within the bucket holding
// the true value.
func TestServerFiguresAreOfTheWindowAndEveryProcess(t *testing.T) {
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	a, b := metrics.New(regA), metrics.New(regB)
	// Before the window: slow moves, which must not count.
	for range 50 {
		a.MoveTime(2 * time.Second)
	}
	then := scrapeOf(t, exposition(t, regA), exposition(t, regB))
	// In the window: 99 moves of 3 ms and one of 400 ms over two processes,
	// commits of 1 ms with 4 writes each, log syncs of 5 ms.
	for i := range 99 {
		[]*metrics.Metrics{a, b}[i%2].MoveTime(3 * time.Millisecond)
	}
	b.MoveTime(400 * time.Millisecond)
	for range 10 {
		a.Commit(time.Millisecond, 4)
		a.Appended(2 * time.Millisecond)
		b.Synced(5 * time.Millisecond)
	}
	for range 3 { // slow ones, over slowMs
		b.Synced(50 * time.Millisecond)
		a.Appended(60 * time.Millisecond)
	}
	now := scrapeOf(t, exposition(t, regA), exposition(t, regB))
	s := serverFigures(now, then, 2)
	if s == nil {
		t.Fatal("no figures")
	}
	within := func(name string, got, want float64) {
		t.Helper()
		if got < want/1.5 || got > want*1.5 {
			t.Errorf("%s = %v ms, want about %v", name, got, want)
		}
	}
	if s.Moves != 100 || s.Commits != 10 || s.WritesPerCommit != 4 || s.CommitMeanms != 1 || s.CommitBusyPct != 0.5 {
		t.Errorf("moves %d commits %d writes per commit %v mean %v ms busy %v %%, want 100, 10, 4, 1 ms, 0.5 %% (10 ms of 2 s)",
			s.Moves, s.Commits, s.WritesPerCommit, s.CommitMeanms, s.CommitBusyPct)
	}
	if s.SlowSyncs != 3 || s.SlowAppendPct != 23.1 {
		t.Errorf("%d slow syncs and %v %% slow appends, want 3 and 23.1 %% (3 of 13)", s.SlowSyncs, s.SlowAppendPct)
	}
	within("move p50", s.MoveP50ms, 3)
	within("move p99", s.MoveP99ms, 3) // the 99th of 100 is still 3 ms
	within("commit p99", s.CommitP99ms, 1)
	within("append p50", s.AppendP50ms, 2)
	within("log sync p50", s.SyncP50ms, 5)
	within("log sync p99", s.SyncP99ms, 50) // a slow one
	if q := now[metricMove].since(then[metricMove]).quantile(0.999); q < 0.4/1.5 || q > 0.4*1.5 {
		t.Errorf("move p99.9 = %v s, want about 0.4 (the slow one)", q)
	}
}

func TestQuantileOfABucketedHistogram(t *testing.T) {
	h := &hist{bounds: []float64{1, 2, 4, math.Inf(1)}, cum: []float64{10, 10, 30, 40}, count: 40}
	tests := []struct {
		q, want float64
	}{
		{0.25, 1},   // rank 10: the top of the first bucket
		{0.5, 3},    // rank 20: half way through (2, 4]
		{0.75, 4},   // rank 30: the top of (2, 4]
		{0.99, 4},   // in +Inf: the last finite bound
		{0.125, .5}, // rank 5: half way through (0, 1]
	}
	for _, tt := range tests {
		if got := h.quantile(tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := (&hist{bounds: []float64{1, math.Inf(1)}, cum: []float64{0, 0}}).quantile(0.5); !math.IsNaN(got) {
		t.Errorf("empty histogram's median = %v, want NaN", got)
	}
}

// A club without the histograms (an older build) gives no figures rather
// than zeros that read as measured.
func TestAboveOfABucketedHistogram(t *testing.T) {
	h := &hist{bounds: []float64{1, 2, 4, math.Inf(1)}, cum: []float64{10, 10, 30, 40}, count: 40}
	tests := []struct {
		x, want float64
	}{
		{0, 40},   // everything
		{0.5, 35}, // half of the first bucket's 10
		{1, 30},   // the first bucket's top
		{3, 20},   // half way through (2, 4]
		{4, 10},   // the +Inf bucket only
		{100, 10}, // past the last bound: the +Inf bucket, whole
		{1.5, 30}, // (1, 2] is empty
		{-1, 40},  // below everything
		{2, 30},   // a bound
		{3.5, 15}, // three quarters through (2, 4]
	}
	for _, tt := range tests {
		if got := h.above(tt.x); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("above(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestNoFiguresWithoutTheClubsHistograms(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "other_total", Help: "x"}))
	h := scrapeOf(t, exposition(t, reg))
	if s := serverFigures(h, h, 1); s != nil {
		t.Errorf("figures from a club without the histograms: %+v", s)
	}
}

// The club's GC CPU is a counter summed over its processes, reported as
// the window's share of one core.
func TestGCFigureIsTheWindowsShareOfACore(t *testing.T) {
	at := func(gc float64) *bytes.Buffer {
		reg := prometheus.NewRegistry()
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: metricGC, Help: "x"})
		c.Add(gc)
		moves := prometheus.NewHistogram(prometheus.HistogramOpts{Name: metricMove, Help: "x"})
		moves.Observe(0.001)
		reg.MustRegister(c, moves)
		return exposition(t, reg)
	}
	then := scrapeOf(t, at(1), at(2))
	if got := then[metricGC].sum; got != 3 {
		t.Fatalf("GC CPU summed over two processes = %v s, want 3", got)
	}
	s := serverFigures(scrapeOf(t, at(1.5), at(2.3)), then, 2)
	if s == nil {
		t.Fatal("no figures")
	}
	if math.Abs(s.GCCPUPct-40) > 0.05 {
		t.Errorf("GC CPU = %v %%, want 40 (0.8 s of CPU in 2 s)", s.GCCPUPct)
	}
}

// The goroutines the club made are a counter summed over its processes,
// reported per move of the window.
func TestGoroutinesAMoveAreTheWindowsCountOverItsMoves(t *testing.T) {
	at := func(made float64, moves int) *bytes.Buffer {
		reg := prometheus.NewRegistry()
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: metricMade, Help: "x"})
		c.Add(made)
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: metricMove, Help: "x"})
		for range moves {
			h.Observe(0.001)
		}
		reg.MustRegister(c, h)
		return exposition(t, reg)
	}
	then := scrapeOf(t, at(100, 1), at(200, 1))
	s := serverFigures(scrapeOf(t, at(130, 5), at(250, 7)), then, 1)
	if s == nil {
		t.Fatal("no figures")
	}
	// 80 goroutines made for 10 moves.
	if s.GoroutinesPerMove != 8 {
		t.Errorf("goroutines a move = %v, want 8", s.GoroutinesPerMove)
	}
}

// The run queue's latency comes with the club's metrics (the Go runtime's
// own, of this test's process).
func TestRunQueueFigures(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.MoveTime(time.Millisecond)
	s := serverFigures(scrapeOf(t, exposition(t, reg)), serverHists{}, 1)
	if s == nil || s.SchedP99ms <= 0 || s.SchedP50ms > s.SchedP99ms {
		t.Errorf("run queue figures: %+v; want p99 > 0 and p50 <= p99", s)
	}
}

// A runtime histogram (counts per bucket between boundaries) becomes a
// hist of cumulative counts per upper bound, whose quantiles are read as
// the club's are.
func TestHistOfARuntimeHistogram(t *testing.T) {
	h := histOf(&rtmetrics.Float64Histogram{
		Counts:  []uint64{0, 10, 0, 20, 10},
		Buckets: []float64{math.Inf(-1), 1, 2, 3, 4, math.Inf(1)},
	})
	if want := []float64{1, 2, 3, 4, math.Inf(1)}; !slices.Equal(h.bounds, want) {
		t.Errorf("bounds %v, want %v", h.bounds, want)
	}
	if want := []float64{0, 10, 10, 30, 40}; !slices.Equal(h.cum, want) || h.count != 40 {
		t.Errorf("cumulative counts %v of %v, want %v of 40", h.cum, h.count, want)
	}
	tests := []struct{ q, want float64 }{
		{0.25, 2},    // rank 10: the top of [1, 2)
		{0.5, 3.5},   // rank 20: half way through [3, 4)
		{0.99, 4},    // in [4, +Inf): the last finite bound
		{0.125, 1.5}, // rank 5: half way through [1, 2)
	}
	for _, tt := range tests {
		if got := h.quantile(tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

// The generator's own figures are its process's: goroutines it runs add
// to its run queue's histogram, and a collection to its GC's CPU.
func TestOwnRuntimeFiguresAreOfThisProcess(t *testing.T) {
	then := ownHists()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 1000 { // the runtime times one goroutine in about 8
		wg.Go(func() { <-start })
	}
	close(start)
	wg.Wait()
	runtime.GC()
	now := ownHists()
	if now[metricSched] == nil || then[metricSched] == nil || now[metricSched].count <= then[metricSched].count {
		t.Fatalf("run queue histogram did not grow: %+v then %+v", now[metricSched], then[metricSched])
	}
	if now[metricGC] == nil || now[metricGC].sum <= then[metricGC].sum {
		t.Errorf("GC CPU did not grow over a collection: %+v then %+v", now[metricGC], then[metricGC])
	}
	// A window of 1 µs: the collection's CPU, however small, shows in the
	// rounded percentage.
	if r := runtimeFigures(now, then, 1e-6); r.SchedP50ms > r.SchedP99ms || r.GCCPUPct <= 0 {
		t.Errorf("figures %+v: want p50 <= p99 and some GC CPU", r)
	}
}
