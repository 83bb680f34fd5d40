package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limits are the token buckets of the club, shared by every connection:
// messages per player, chat lines per player and per IP address. They use
// golang.org/x/time/rate, the standard token bucket.
type limits struct {
	msgs, chat, chatIP *buckets
}

func newLimits(cfg Config) *limits {
	return &limits{
		msgs:   newBuckets(rate.Limit(cfg.MessageRate), int(2*cfg.MessageRate)),
		chat:   newBuckets(rate.Limit(cfg.ChatRate), 5),
		chatIP: newBuckets(rate.Limit(cfg.ChatRatePerIP), 10),
	}
}

// buckets is a map of token buckets by key, swept of full (idle) buckets
// as it grows, so memory stays bounded by the active keys.
type buckets struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[string]*rate.Limiter
	sweep int
}

func newBuckets(r rate.Limit, burst int) *buckets {
	return &buckets{r: r, burst: max(burst, 1), m: map[string]*rate.Limiter{}, sweep: 1024}
}

// allow takes a token from key's bucket.
func (b *buckets) allow(key string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.m[key]
	if l == nil {
		if len(b.m) >= b.sweep {
			for k, x := range b.m {
				if x.TokensAt(now) >= float64(b.burst) {
					delete(b.m, k)
				}
			}
			b.sweep = max(1024, 2*len(b.m))
		}
		l = rate.NewLimiter(b.r, b.burst)
		b.m[key] = l
	}
	return l.AllowN(now, 1)
}
