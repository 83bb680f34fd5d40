package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Think times are kept as histograms, not lists, so that the results of
// a row played over several runs (and machines) merge exactly: each
// bucket is a twentieth of a decade wide (a time is known to within
// 12%), and a quantile is reported as the upper bound of its bucket.
const bucketsPerDecade = 20

// thinkHist is the histogram of one level's think times (CPU or wall).
type thinkHist struct {
	// Moves is the number of moves timed.
	Moves int `json:"moves"`
	// TotalNS is the sum of their times in nanoseconds.
	TotalNS int64 `json:"total_ns"`
	// Buckets counts the moves per bucket: bucket 0 holds times under
	// 1 µs, bucket k ≥ 1 times up to 1 µs·10^(k/20).
	Buckets map[int]int `json:"buckets"`
}

// bucketOf returns the bucket of d.
func bucketOf(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us < 1 {
		return 0
	}
	return 1 + int(math.Floor(bucketsPerDecade*math.Log10(us)))
}

// bucketTop is the upper bound of bucket k.
func bucketTop(k int) time.Duration {
	if k <= 0 {
		return time.Microsecond
	}
	return time.Duration(float64(time.Microsecond) * math.Pow(10, float64(k)/bucketsPerDecade))
}

func (h *thinkHist) add(d time.Duration) {
	if h.Buckets == nil {
		h.Buckets = map[int]int{}
	}
	h.Moves++
	h.TotalNS += int64(d)
	h.Buckets[bucketOf(d)]++
}

func (h *thinkHist) merge(o *thinkHist) {
	if o == nil {
		return
	}
	if h.Buckets == nil {
		h.Buckets = map[int]int{}
	}
	h.Moves += o.Moves
	h.TotalNS += o.TotalNS
	for k, n := range o.Buckets {
		h.Buckets[k] += n
	}
}

// quantile returns the upper bound of the bucket holding the q-quantile.
func (h *thinkHist) quantile(q float64) time.Duration {
	if h.Moves == 0 {
		return 0
	}
	keys := make([]int, 0, len(h.Buckets))
	for k := range h.Buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rank := int(math.Ceil(q * float64(h.Moves)))
	seen := 0
	for _, k := range keys {
		seen += h.Buckets[k]
		if seen >= rank {
			return bucketTop(k)
		}
	}
	return bucketTop(keys[len(keys)-1])
}

// perSec is the number of moves per second of thinking.
func (h *thinkHist) perSec() float64 {
	if h.TotalNS == 0 {
		return 0
	}
	return float64(h.Moves) / (float64(h.TotalNS) / 1e9)
}

// levelThink holds a level's CPU and wall-clock think times.
type levelThink struct {
	CPU  thinkHist `json:"cpu"`
	Wall thinkHist `json:"wall"`
}

// thinkStats collects the think times of every move per level. Safe for
// concurrent use.
type thinkStats struct {
	mu     sync.Mutex
	levels map[string]*levelThink
}

func newThinkStats() *thinkStats {
	return &thinkStats{levels: map[string]*levelThink{}}
}

func (t *thinkStats) level(l string) *levelThink {
	lt := t.levels[l]
	if lt == nil {
		lt = &levelThink{}
		t.levels[l] = lt
	}
	return lt
}

func (t *thinkStats) add(level string, wall, cpu time.Duration) {
	t.mu.Lock()
	lt := t.level(level)
	lt.CPU.add(cpu)
	lt.Wall.add(wall)
	t.mu.Unlock()
}

// mergeLevels adds the histograms of m (a results file's) to t.
func (t *thinkStats) mergeLevels(m map[string]*levelThink) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for l, o := range m {
		lt := t.level(l)
		lt.CPU.merge(&o.CPU)
		lt.Wall.merge(&o.Wall)
	}
}

func (t *thinkStats) merge(o *thinkStats) {
	o.mu.Lock()
	m := o.levels
	o.mu.Unlock()
	t.mergeLevels(m)
}

func (t *thinkStats) names() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ls []string
	for l := range t.levels {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// thinkSummary is what the tables print of a level's think times.
type thinkSummary struct {
	moves         int
	perSec        float64
	p50, p95, max time.Duration
}

// summary summarizes the wall-clock times of a level, or its CPU times.
func (t *thinkStats) summary(level string, cpu bool) thinkSummary {
	t.mu.Lock()
	defer t.mu.Unlock()
	lt := t.levels[level]
	if lt == nil {
		return thinkSummary{}
	}
	h := &lt.Wall
	if cpu {
		h = &lt.CPU
	}
	return thinkSummary{moves: h.Moves, perSec: h.perSec(), p50: h.quantile(0.5), p95: h.quantile(0.95), max: h.quantile(1)}
}
