package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/store"
)

// sampleCount returns how many observations histogram name holds in reg.
func sampleCount(t *testing.T, reg *prometheus.Registry, name string) (count uint64, sum float64) {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			h := f.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0, 0
}

// Every group commit is timed with the writes it carried, and every write's
// wait for its commit; a Written check is neither.
func TestCommitsAndTheirWaitsAreTimed(t *testing.T) {
	reg := prometheus.NewRegistry()
	s, err := store.Open(context.Background(), store.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "club.db"), Metrics: metrics.New(reg)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, id, _ := writtenAhead(t, s, []string{"A", "B", "C"})
	st := s.Stats()
	commits, _ := sampleCount(t, reg, "trelljaz_store_commit_seconds")
	batches, writes := sampleCount(t, reg, "trelljaz_store_commit_writes")
	appends, _ := sampleCount(t, reg, "trelljaz_store_append_seconds")
	if commits == 0 || commits != uint64(st.Commits) || batches != commits {
		t.Errorf("%d commits timed, %d sized; the writer made %d", commits, batches, st.Commits)
	}
	// writtenAhead hands every deal start and every 3 moves over one at a
	// time: each is one write of its own commit.
	if uint64(writes) != commits || appends != commits {
		t.Errorf("%v writes in %d commits, %d waits timed; want one write a commit, each waited for", writes, commits, appends)
	}
	if _, err := s.Written(context.Background(), p.Moves(id, 0, t0)[0]); err != nil {
		t.Fatal(err)
	}
	if n, _ := sampleCount(t, reg, "trelljaz_store_append_seconds"); n != appends {
		t.Errorf("a Written check was timed as a write: %d waits, want %d", n, appends)
	}
}
