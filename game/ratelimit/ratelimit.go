// Package ratelimit is token buckets by key: one golang.org/x/time/rate
// bucket (the standard token bucket, not hand-written) per player, address
// or any comparable key, created on a key's first event.
//
// Memory is bounded by the keys active within one refill (burst ÷ rate):
// when the map reaches its sweep size, buckets that have refilled to their
// burst — keys idle long enough to be indistinguishable from new ones —
// are dropped before a new key is added, and the sweep size becomes twice
// the keys left (at least 1024).
//
// There is no clock inside: every call takes the caller's now, so a test
// drives the buckets with its own times.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// minSweep is the map size at which idle buckets are first swept.
const minSweep = 1024

// Buckets is one token bucket per key, every bucket with the same rate
// and burst. It is safe for concurrent use.
type Buckets[K comparable] struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[K]*rate.Limiter
	sweep int // the map size at which idle buckets are swept
}

// New returns buckets refilling at r tokens a second, each holding at
// most burst tokens (at least 1) and full when created.
func New[K comparable](r rate.Limit, burst int) *Buckets[K] {
	return &Buckets[K]{r: r, burst: max(burst, 1), m: map[K]*rate.Limiter{}, sweep: minSweep}
}

// Allow takes a token from key's bucket at now and reports whether there
// was one. A refused event takes nothing.
func (b *Buckets[K]) Allow(key K, now time.Time) bool {
	ok, _ := b.Take(key, now)
	return ok
}

// Take takes a token from key's bucket at now. When there is none it
// returns false and how long until there is one; a refused event takes
// nothing.
func (b *Buckets[K]) Take(key K, now time.Time) (ok bool, retry time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.bucket(key, now)
	if l.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - l.TokensAt(now)
	return false, time.Duration(missing / float64(b.r) * float64(time.Second))
}

// Len returns the number of buckets held.
func (b *Buckets[K]) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

// bucket returns key's bucket, creating it (and first sweeping idle ones
// when the map is at its sweep size). b.mu is held.
func (b *Buckets[K]) bucket(key K, now time.Time) *rate.Limiter {
	if l := b.m[key]; l != nil {
		return l
	}
	if len(b.m) >= b.sweep {
		for k, l := range b.m {
			if l.TokensAt(now) >= float64(b.burst) {
				delete(b.m, k)
			}
		}
		b.sweep = max(minSweep, 2*len(b.m))
	}
	l := rate.NewLimiter(b.r, b.burst)
	b.m[key] = l
	return l
}
