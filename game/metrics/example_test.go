package metrics_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/metrics"
)

// The club registers its metrics once; the store and the tables record
// into them, and /metrics serves the registry.
func Example() {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	m.Commit(2*time.Millisecond, 12) // one group commit of 12 writes
	m.MoveTime(3 * time.Millisecond)
	var nilMetrics *metrics.Metrics
	nilMetrics.MoveTime(time.Second) // a table without metrics records nothing

	fams, err := reg.Gather()
	if err != nil {
		panic(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "trelljaz_sched_") {
			continue // the Go runtime's own, whatever this process did
		}
		if h := f.GetMetric()[0].GetHistogram(); h != nil && h.GetSampleCount() > 0 {
			fmt.Printf("%s: %d observed, sum %g\n", f.GetName(), h.GetSampleCount(), h.GetSampleSum())
		}
	}
	// Output:
	// trelljaz_move_seconds: 1 observed, sum 0.003
	// trelljaz_store_commit_seconds: 1 observed, sum 0.002
	// trelljaz_store_commit_writes: 1 observed, sum 12
}
