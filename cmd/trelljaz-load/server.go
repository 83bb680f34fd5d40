package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	rtmetrics "runtime/metrics"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The club's own latency histograms (game/metrics), read from /metrics of
// every club process the run plays on. Beside the players' action→event
// latency they say where a move's time went: at its table (the table's
// queue, the journal's commit, the rules, the encoding) or outside it
// (the network, the sessions' goroutines, the generator itself, the
// machine's run queue).
const (
	metricMove   = "trelljaz_move_seconds"
	metricCommit = "trelljaz_store_commit_seconds"
	metricAppend = "trelljaz_store_append_seconds"
	metricSync   = "trelljaz_store_sync_seconds"
	metricWrites = "trelljaz_store_commit_writes"
	metricSched  = "trelljaz_sched_latency_seconds"    // the Go run queue's wait
	metricGC     = "trelljaz_gc_cpu_seconds_total"     // a counter: kept as a hist's sum
	metricMade   = "trelljaz_goroutines_created_total" // a counter too
)

// serverHists are the club's histograms by metric name, summed over the
// processes scraped: cumulative counts per upper bound. A counter
// (metricGC, metricMade) is kept as a hist with its value as the sum and
// no buckets.
type serverHists map[string]*hist

// hist is one histogram: cumulative counts per upper bound (increasing;
// the last is +Inf), the count and the sum of the values.
type hist struct {
	bounds []float64
	cum    []float64
	count  float64
	sum    float64
}

// scrapeServers reads /metrics of every url and sums the club's latency
// histograms. A process without them (an older club) adds nothing.
func scrapeServers(ctx context.Context, client *http.Client, urls []string) (serverHists, error) {
	out := serverHists{}
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(u, "/")+"/metrics", nil)
		if err != nil {
			return nil, fmt.Errorf("metrics of %s: %w", u, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("metrics of %s: %w", u, err)
		}
		err = out.add(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("metrics of %s: %w", u, err)
		}
	}
	return out, nil
}

// add parses one process's exposition and adds its histograms to h.
func (h serverHists) add(r io.Reader) error {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(io.LimitReader(r, 16<<20))
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	for _, name := range []string{metricGC, metricMade} {
		f := fams[name]
		if f == nil || f.GetType() != dto.MetricType_COUNTER {
			continue
		}
		c := h[name]
		if c == nil {
			c = &hist{}
			h[name] = c
		}
		for _, m := range f.GetMetric() {
			c.sum += m.GetCounter().GetValue()
		}
	}
	for _, name := range []string{metricMove, metricCommit, metricAppend, metricSync, metricWrites, metricSched} {
		f := fams[name]
		if f == nil || f.GetType() != dto.MetricType_HISTOGRAM {
			continue
		}
		for _, m := range f.GetMetric() {
			h.addOne(name, m.GetHistogram())
		}
	}
	return nil
}

func (h serverHists) addOne(name string, d *dto.Histogram) {
	cur := h[name]
	if cur == nil {
		cur = &hist{}
		for _, b := range d.GetBucket() {
			cur.bounds = append(cur.bounds, b.GetUpperBound())
		}
		cur.bounds = append(cur.bounds, math.Inf(1))
		cur.cum = make([]float64, len(cur.bounds))
		h[name] = cur
	}
	bs := d.GetBucket()
	if len(bs)+1 != len(cur.bounds) {
		return // another build's buckets: not summable
	}
	for i, b := range bs {
		cur.cum[i] += float64(b.GetCumulativeCount())
	}
	cur.cum[len(bs)] += float64(d.GetSampleCount())
	cur.count += float64(d.GetSampleCount())
	cur.sum += d.GetSampleSum()
}

// since returns h minus an earlier scrape of the same processes: the
// observations between the two.
func (h *hist) since(old *hist) *hist {
	if old == nil || len(old.cum) != len(h.cum) {
		return h
	}
	d := &hist{bounds: h.bounds, cum: make([]float64, len(h.cum)), count: h.count - old.count, sum: h.sum - old.sum}
	for i := range h.cum {
		d.cum[i] = h.cum[i] - old.cum[i]
	}
	return d
}

// quantile returns the q-quantile (0 < q < 1), interpolated linearly
// within its bucket as Prometheus's histogram_quantile does; NaN when the
// histogram is empty. A quantile in the +Inf bucket is the last finite
// bound.
func (h *hist) quantile(q float64) float64 {
	if h.count <= 0 {
		return math.NaN()
	}
	rank := q * h.count
	lower, below := 0.0, 0.0
	for i, c := range h.cum {
		if c >= rank {
			upper := h.bounds[i]
			if math.IsInf(upper, 1) {
				return lower
			}
			if c == below {
				return upper
			}
			return lower + (upper-lower)*(rank-below)/(c-below)
		}
		lower, below = h.bounds[i], c
	}
	return lower
}

// above returns how many observations exceed x, interpolated linearly
// within x's bucket as quantile is; none past the last finite bound is
// counted in part.
func (h *hist) above(x float64) float64 {
	lower, below := 0.0, 0.0
	for i, c := range h.cum {
		upper := h.bounds[i]
		if x <= lower {
			return h.count - below
		}
		if x < upper {
			if math.IsInf(upper, 1) {
				return h.count - below
			}
			return h.count - below - (c-below)*(x-lower)/(upper-lower)
		}
		lower, below = upper, c
	}
	return h.count - below
}

// slowMs is the time past which a sync or an append is counted slow
// (SlowSyncs, SlowAppendPct): the bar for a whole move.
const slowMs = 20

// serverSummary is what the club's histograms say of the measured window.
type serverSummary struct {
	// Moves is how many players' moves the club timed at their tables;
	// MoveP50ms and MoveP99ms their time there (arrival at the table to
	// events queued).
	Moves     int64   `json:"moves"`
	MoveP50ms float64 `json:"move_p50_ms"`
	MoveP99ms float64 `json:"move_p99_ms"`
	// Commits is the store's group commits; CommitP50ms and CommitP99ms
	// their time, CommitMeanms its mean; WritesPerCommit the mean writes
	// in one; CommitBusyPct the share of the window the commits took (the
	// writer is one goroutine a process: near 100 % per process, writes
	// queue behind it).
	Commits         int64   `json:"commits"`
	CommitP50ms     float64 `json:"commit_p50_ms"`
	CommitP99ms     float64 `json:"commit_p99_ms"`
	CommitMeanms    float64 `json:"commit_mean_ms"`
	CommitBusyPct   float64 `json:"commit_busy_pct"`
	WritesPerCommit float64 `json:"writes_per_commit"`
	// AppendP50ms and AppendP99ms are a write's wait for its commit (the
	// commit in progress and its own).
	AppendP50ms float64 `json:"append_p50_ms"`
	AppendP99ms float64 `json:"append_p99_ms"`
	// SyncP50ms and SyncP99ms are the syncs (fsync) of SQLite's log for
	// the commits made since the last (0 on PostgreSQL, which syncs in its
	// commits): the disk's part of an append.
	SyncP50ms float64 `json:"sync_p50_ms"`
	SyncP99ms float64 `json:"sync_p99_ms"`
	// SlowSyncs is how many of those syncs took over slowMs, and
	// SlowAppendPct the share of appends that did, in %: a sync that
	// stalls holds every move that arrives meanwhile, so a few slow
	// syncs are many slow moves.
	SlowSyncs     int64   `json:"slow_syncs"`
	SlowAppendPct float64 `json:"slow_append_pct"`
	// SchedP50ms and SchedP99ms are how long the club's goroutines waited
	// runnable for a thread (Go's run queue: a full machine's wait), and
	// GCCPUPct the CPU its garbage collector took, in % of one core.
	SchedP50ms float64 `json:"sched_p50_ms"`
	SchedP99ms float64 `json:"sched_p99_ms"`
	GCCPUPct   float64 `json:"gc_cpu_pct"`
	// GoroutinesPerMove is how many goroutines the club made a move (each
	// one more wait in the run queue), 0 from a club that does not count.
	GoroutinesPerMove float64 `json:"goroutines_per_move"`
}

// ms returns the q-quantile of histogram name over the observations since
// then, in milliseconds rounded to the microsecond; 0 without any.
func (h serverHists) ms(then serverHists, name string, q float64) float64 {
	cur := h[name]
	if cur == nil {
		return 0
	}
	v := cur.since(then[name]).quantile(q)
	if math.IsNaN(v) {
		return 0
	}
	return math.Round(v*1e6) / 1e3
}

// runtimeRead is what a process's Go runtime says of a window: how long
// its goroutines waited runnable for a thread (the run queue), and the CPU
// its garbage collector took, in % of one core.
type runtimeRead struct {
	SchedP50ms, SchedP99ms, GCCPUPct float64
}

// runtimeFigures reads metricSched and metricGC of two reads window
// seconds apart: the club's scrapes, or the generator's own (ownHists).
func runtimeFigures(now, then serverHists, window float64) runtimeRead {
	r := runtimeRead{SchedP50ms: now.ms(then, metricSched, 0.5), SchedP99ms: now.ms(then, metricSched, 0.99)}
	if g := now[metricGC]; g != nil && window > 0 {
		r.GCCPUPct = math.Round(1000*g.since(then[metricGC]).sum/window) / 10
	}
	return r
}

// ownHists reads the generator's own run queue and GC CPU from its Go
// runtime (runtime/metrics), under the names of the club's figures for
// the same, so runtimeFigures reads both. The generator shares the
// machine: the time its players' goroutines wait runnable before they
// read a frame is in the latencies it reports, and not the club's.
func ownHists() serverHists {
	s := []rtmetrics.Sample{{Name: "/sched/latencies:seconds"}, {Name: "/cpu/classes/gc/total:cpu-seconds"}}
	rtmetrics.Read(s)
	h := serverHists{}
	if s[0].Value.Kind() == rtmetrics.KindFloat64Histogram {
		h[metricSched] = histOf(s[0].Value.Float64Histogram())
	}
	if s[1].Value.Kind() == rtmetrics.KindFloat64 {
		h[metricGC] = &hist{sum: s[1].Value.Float64()}
	}
	return h
}

// histOf copies a runtime histogram (counts per bucket, len(Counts)+1
// boundaries) into a hist (cumulative counts per upper bound). The sum is
// left 0: the quantiles do not need it.
func histOf(r *rtmetrics.Float64Histogram) *hist {
	h := &hist{bounds: make([]float64, len(r.Counts)), cum: make([]float64, len(r.Counts))}
	for i, n := range r.Counts {
		h.count += float64(n)
		h.bounds[i] = r.Buckets[i+1]
		h.cum[i] = h.count
	}
	return h
}

// serverFigures compares two scrapes window seconds apart; nil when the
// club keeps no timings.
func serverFigures(now, then serverHists, window float64) *serverSummary {
	move := now[metricMove]
	if move == nil {
		return nil
	}
	ms := func(name string, q float64) float64 { return now.ms(then, name, q) }
	rq := runtimeFigures(now, then, window)
	s := &serverSummary{
		MoveP50ms: ms(metricMove, 0.5), MoveP99ms: ms(metricMove, 0.99),
		CommitP50ms: ms(metricCommit, 0.5), CommitP99ms: ms(metricCommit, 0.99),
		AppendP50ms: ms(metricAppend, 0.5), AppendP99ms: ms(metricAppend, 0.99),
		SyncP50ms: ms(metricSync, 0.5), SyncP99ms: ms(metricSync, 0.99),
		SchedP50ms: rq.SchedP50ms, SchedP99ms: rq.SchedP99ms, GCCPUPct: rq.GCCPUPct,
	}
	s.Moves = int64(move.since(then[metricMove]).count)
	if g := now[metricMade]; g != nil && s.Moves > 0 {
		s.GoroutinesPerMove = math.Round(10*g.since(then[metricMade]).sum/float64(s.Moves)) / 10
	}
	if c := now[metricCommit]; c != nil {
		d := c.since(then[metricCommit])
		s.Commits = int64(d.count)
		if d.count > 0 {
			s.CommitMeanms = math.Round(1e6*d.sum/d.count) / 1e3
		}
		if window > 0 {
			s.CommitBusyPct = math.Round(1000*d.sum/window) / 10
		}
	}
	if y := now[metricSync]; y != nil {
		s.SlowSyncs = int64(math.Round(y.since(then[metricSync]).above(slowMs / 1e3)))
	}
	if a := now[metricAppend]; a != nil {
		if d := a.since(then[metricAppend]); d.count > 0 {
			s.SlowAppendPct = math.Round(1000*d.above(slowMs/1e3)/d.count) / 10
		}
	}
	if w := now[metricWrites]; w != nil {
		if d := w.since(then[metricWrites]); d.count > 0 {
			s.WritesPerCommit = math.Round(10*d.sum/d.count) / 10
		}
	}
	return s
}

// scrapeTimeout bounds one scrape of every process.
const scrapeTimeout = 5 * time.Second
