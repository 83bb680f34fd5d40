package metrics

import (
	"math"
	"runtime/metrics"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
)

// runtimeCollector exports three of the Go runtime's own figures
// (runtime/metrics) that say why a busy club's moves wait: how long
// goroutines waited runnable for a thread (the run queue), in the same
// buckets as the club's latencies, the CPU the garbage collector took,
// and how many goroutines were made (each one more for the run queue). client_golang's Go collector exports the scheduler's histogram
// too, but in buckets a factor 11 apart (1 ms, 10 ms, 117 ms), too coarse
// for a p99 to be read from.
type runtimeCollector struct {
	sched, gc, created *prometheus.Desc
	bounds             []float64
}

// Runtime metric names (runtime/metrics).
const (
	runtimeSched = "/sched/latencies:seconds"
	runtimeGC    = "/cpu/classes/gc/total:cpu-seconds"
	runtimeMade  = "/sched/goroutines-created:goroutines"
)

func newRuntimeCollector() *runtimeCollector {
	return &runtimeCollector{
		sched: prometheus.NewDesc("trelljaz_sched_latency_seconds",
			"How long goroutines waited runnable before a thread ran them (Go's run queue; from runtime/metrics "+runtimeSched+", each runtime bucket counted at its upper edge).", nil, nil),
		gc: prometheus.NewDesc("trelljaz_gc_cpu_seconds_total",
			"CPU the Go garbage collector used (runtime/metrics "+runtimeGC+", an estimate).", nil, nil),
		created: prometheus.NewDesc("trelljaz_goroutines_created_total",
			"Goroutines made since the process started (runtime/metrics "+runtimeMade+").", nil, nil),
		bounds: latencyBuckets(),
	}
}

// Describe implements prometheus.Collector.
func (c *runtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.sched
	ch <- c.gc
	ch <- c.created
}

// Collect implements prometheus.Collector.
func (c *runtimeCollector) Collect(ch chan<- prometheus.Metric) {
	s := []metrics.Sample{{Name: runtimeSched}, {Name: runtimeGC}, {Name: runtimeMade}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindFloat64Histogram {
		count, sum, buckets := rebucket(s[0].Value.Float64Histogram(), c.bounds)
		ch <- prometheus.MustNewConstHistogram(c.sched, count, sum, buckets)
	}
	if s[1].Value.Kind() == metrics.KindFloat64 {
		ch <- prometheus.MustNewConstMetric(c.gc, prometheus.CounterValue, s[1].Value.Float64())
	}
	if s[2].Value.Kind() == metrics.KindUint64 {
		ch <- prometheus.MustNewConstMetric(c.created, prometheus.CounterValue, float64(s[2].Value.Uint64()))
	}
}

// rebucket counts h into the cumulative buckets of upper bounds bounds
// (increasing): each of h's buckets in the first bound at or above its
// upper edge, so a quantile read from the result errs upwards, never down.
// The sum is estimated from h's bucket midpoints.
func rebucket(h *metrics.Float64Histogram, bounds []float64) (count uint64, sum float64, cum map[float64]uint64) {
	per := make([]uint64, len(bounds))
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		count += n
		switch {
		case math.IsInf(lo, -1):
			sum += float64(n) * hi
		case math.IsInf(hi, 1):
			sum += float64(n) * lo
		default:
			sum += float64(n) * (lo + hi) / 2
		}
		if j := sort.SearchFloat64s(bounds, hi); j < len(bounds) {
			per[j] += n
		}
	}
	cum = make(map[float64]uint64, len(bounds))
	var run uint64
	for j, b := range bounds {
		run += per[j]
		cum[b] = run
	}
	return count, sum, cum
}
