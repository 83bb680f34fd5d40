package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// t0 is the fake clock's start; every test passes its own times.
var t0 = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

// event is one Take of a key at t0+at and what it must return (retry to
// the microsecond: it is computed in floating point).
type event struct {
	key   string
	at    time.Duration
	ok    bool
	retry time.Duration
}

func TestBucketRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rate   rate.Limit
		burst  int
		events []event
	}{
		{"a new key has its whole burst at once", 1, 3, []event{
			{"a", 0, true, 0}, {"a", 0, true, 0}, {"a", 0, true, 0},
			{"a", 0, false, time.Second},
		}},
		{"retry is the wait for the next token", 0.05, 1, []event{ // 3 a minute
			{"a", 0, true, 0},
			{"a", 0, false, 20 * time.Second},
			{"a", 19 * time.Second, false, time.Second},
			{"a", 20 * time.Second, true, 0},
		}},
		{"a refused event takes nothing", 1, 1, []event{
			{"a", 0, true, 0},
			{"a", 0, false, time.Second}, {"a", 0, false, time.Second}, {"a", 0, false, time.Second},
			{"a", time.Second, true, 0},
		}},
		{"keys have their own buckets", 1, 1, []event{
			{"a", 0, true, 0}, {"a", 0, false, time.Second},
			{"b", 0, true, 0}, {"b", 0, false, time.Second},
		}},
		{"a bucket refills to its burst, no further", 10, 2, []event{
			{"a", 0, true, 0}, {"a", 0, true, 0},
			{"a", time.Hour, true, 0}, {"a", time.Hour, true, 0},
			{"a", time.Hour, false, 100 * time.Millisecond},
		}},
		{"a burst below 1 is 1", 1, 0, []event{
			{"a", 0, true, 0}, {"a", 0, false, time.Second},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New[string](tc.rate, tc.burst)
			for i, e := range tc.events {
				ok, retry := b.Take(e.key, t0.Add(e.at))
				if ok != e.ok || (retry-e.retry).Abs() > time.Microsecond {
					t.Fatalf("event %d (%s at %v) = %v, %v; want %v, %v", i, e.key, e.at, ok, retry, e.ok, e.retry)
				}
			}
		})
	}
}

func TestAllowIsTakeWithoutTheWait(t *testing.T) {
	b := New[int](1, 2)
	var got []bool
	for range 3 {
		got = append(got, b.Allow(7, t0))
	}
	if fmt.Sprint(got) != "[true true false]" {
		t.Fatalf("three events at once with a burst of 2 = %v, want [true true false]", got)
	}
}

// TestIdleBucketsAreSweptAsTheMapGrows: at the sweep size, buckets that
// have refilled are dropped before a new key comes in, and busy ones are
// kept, so memory is bounded by the keys active within a refill.
func TestIdleBucketsAreSweptAsTheMapGrows(t *testing.T) {
	for _, tc := range []struct {
		name     string
		busy     int           // of the first minSweep keys, these have spent a token
		after    time.Duration // when the next key comes
		wantKept int           // buckets held after it
	}{
		{"every key idle: all swept", 0, 0, 1},
		{"half busy, not refilled: busy kept", minSweep / 2, 0, minSweep/2 + 1},
		{"half busy, refilled since: all swept", minSweep / 2, time.Second, 1},
		{"all busy: none swept", minSweep, 0, minSweep + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New[int](1, 1)
			for k := range minSweep {
				if k < tc.busy {
					b.Allow(k, t0)
				} else {
					b.Take(k, t0.Add(-time.Hour)) // spent long ago: refilled by t0
				}
			}
			if n := b.Len(); n != minSweep {
				t.Fatalf("%d buckets before the sweep, want %d", n, minSweep)
			}
			b.Allow(-1, t0.Add(tc.after))
			if n := b.Len(); n != tc.wantKept {
				t.Fatalf("%d buckets after a new key, want %d", n, tc.wantKept)
			}
		})
	}
}

// TestMemoryIsBoundedByActiveKeys: a stream of keys each seen once, one
// a second with a bucket refilling in a second, never holds more than the
// first sweep size.
func TestMemoryIsBoundedByActiveKeys(t *testing.T) {
	b := New[int](1, 1)
	most := 0
	for k := range 20 * minSweep {
		b.Allow(k, t0.Add(time.Duration(k)*time.Second))
		most = max(most, b.Len())
	}
	if most > minSweep {
		t.Fatalf("%d buckets held at most, want at most %d", most, minSweep)
	}
}

func TestConcurrentTakesShareOneBucket(t *testing.T) {
	b := New[string](1, 100)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		passed int
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if b.Allow("a", t0) {
					mu.Lock()
					passed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if passed != 100 {
		t.Fatalf("%d of 400 concurrent events passed, want the burst, 100", passed)
	}
}
