package sockjs

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchHeapProfileEnv names a file prefix; when set,
// BenchmarkIdleSessionMemory writes a heap profile per case to
// PREFIX-<case>.pprof while its sessions are open (go test -memprofile
// writes its profile only after every benchmark has closed its sessions).
// Use with -memprofilerate=1 (or a small rate) for exact figures:
//
//	SOCKJS_BENCH_HEAPPROFILE=/tmp/idle go test ./sockjs -run '^$' \
//	    -bench 'BenchmarkIdleSessionMemory/sockjs' -benchtime 1x -memprofilerate 1
//	go tool pprof -sample_index=inuse_space -top sockjs.test /tmp/idle-sockjs-sessions=10000.pprof
const benchHeapProfileEnv = "SOCKJS_BENCH_HEAPPROFILE"

// BenchmarkIdleSessionMemory opens 10,000 idle websocket sessions and reports
// what they cost the server: (heap in use + goroutine stacks in use, after
// GC) / sessions, in bytes, with this package's server and the two baselines
// of baseline_test.go. The clients run in a child process (raw net.Conn, a
// hand-written upgrade request, no goroutine per client, reading only the
// 101 response and "o"), so nothing of theirs is counted. The measurement is
// made once per run; use -benchtime 1x.
func BenchmarkIdleSessionMemory(b *testing.B) {
	targets := []struct {
		name string
		make func() *benchTarget
	}{
		{"sockjs", benchSockJSTarget},
		{"bare-gorilla-prepared", benchBareHubTarget},
		{"igm", benchIGMTarget},
	}
	for _, tgt := range targets {
		b.Run(tgt.name, func(b *testing.B) {
			for _, n := range []int{10000} {
				name := "sessions=" + strconv.Itoa(n)
				b.Run(name, func(b *testing.B) {
					benchIdleMemory(b, tgt.make(), n, tgt.name+"-"+name)
				})
			}
		})
	}
}

// benchMemoryInUse is heap in use plus goroutine stacks in use, after GC.
func benchMemoryInUse() (heap, stacks uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, ms.StackInuse
}

// benchSettle waits (bounded) until the goroutine count stops changing, so
// that the goroutines that only served the handshakes have ended.
func benchSettle() {
	last := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		now := runtime.NumGoroutine()
		if now == last {
			return
		}
		last = now
	}
}

func benchIdleMemory(b *testing.B, t *benchTarget, n int, name string) {
	var heap0, stacks0 uint64
	var goroutines0 int
	_, teardown := benchServe(b, t, n, benchModeIdle, func() {
		heap0, stacks0 = benchMemoryInUse()
		goroutines0 = runtime.NumGoroutine()
	})
	defer teardown()
	benchSettle()
	heap1, stacks1 := benchMemoryInUse()
	goroutines1 := runtime.NumGoroutine()
	if prefix := os.Getenv(benchHeapProfileEnv); prefix != "" {
		if err := benchWriteHeapProfile(prefix + "-" + strings.ReplaceAll(name, "/", "-") + ".pprof"); err != nil {
			b.Error(err)
		}
	}
	heap := float64(int64(heap1)-int64(heap0)) / float64(n)
	stacks := float64(int64(stacks1)-int64(stacks0)) / float64(n)
	for b.Loop() {
		// The figures above are the result; there is nothing to repeat.
	}
	// (b.Loop resets reported metrics: report after it.)
	b.ReportMetric(heap+stacks, "B/session")
	b.ReportMetric(heap, "heap-B/session")
	b.ReportMetric(stacks, "stack-B/session")
	b.ReportMetric(float64(goroutines1-goroutines0)/float64(n), "goroutines/session")
}

func benchWriteHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile %s: %w", path, err)
	}
	return f.Close()
}
