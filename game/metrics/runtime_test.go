package metrics

import (
	"math"
	"runtime/metrics"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRebucketCountsEachRuntimeBucketAtItsUpperEdge(t *testing.T) {
	inf := math.Inf(1)
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0.001, 0.002, 0.004, 0.02, inf},
		Counts:  []uint64{5, 3, 2, 1, 4},
	}
	tests := []struct {
		name   string
		bounds []float64
		want   []uint64 // cumulative, one per bound
	}{
		{"bounds on the runtime's edges", []float64{0.001, 0.002, 0.004, 0.02}, []uint64{5, 8, 10, 11}},
		{"a bound inside a runtime bucket counts it above", []float64{0.0015, 0.003, 0.01}, []uint64{5, 8, 10}},
		{"one bound under every edge", []float64{0.0001}, []uint64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, sum, cum := rebucket(h, tt.bounds)
			if count != 15 {
				t.Errorf("count %d, want 15 (the +Inf bucket's 4 too)", count)
			}
			// Midpoints, the open-ended buckets at their finite edge.
			if want := 5*0.001 + 3*0.0015 + 2*0.003 + 1*0.012 + 4*0.02; math.Abs(sum-want) > 1e-12 {
				t.Errorf("sum %v, want %v", sum, want)
			}
			for i, b := range tt.bounds {
				if cum[b] != tt.want[i] {
					t.Errorf("bucket le=%v holds %d, want %d", b, cum[b], tt.want[i])
				}
			}
		})
	}
}

func TestTheRuntimesFiguresAreExported(t *testing.T) {
	reg := prometheus.NewRegistry()
	New(reg)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range fams {
		switch f.GetName() {
		case "trelljaz_sched_latency_seconds":
			h := f.GetMetric()[0].GetHistogram()
			// This test's own goroutine was scheduled: the runtime counted it.
			if h.GetSampleCount() == 0 || len(h.GetBucket()) != len(latencyBuckets()) {
				t.Errorf("scheduler latencies: %d samples in %d buckets", h.GetSampleCount(), len(h.GetBucket()))
			}
			seen[f.GetName()] = true
		case "trelljaz_gc_cpu_seconds_total":
			seen[f.GetName()] = f.GetMetric()[0].GetCounter() != nil
		case "trelljaz_goroutines_created_total":
			// At least this test's own goroutine was made.
			seen[f.GetName()] = f.GetMetric()[0].GetCounter().GetValue() >= 1
		}
	}
	if !seen["trelljaz_sched_latency_seconds"] || !seen["trelljaz_gc_cpu_seconds_total"] || !seen["trelljaz_goroutines_created_total"] {
		t.Errorf("runtime figures exported: %v", seen)
	}
}
