package auth

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultDevClaimRate is Config.DevClaimRate's default: dev sign-ins per
// minute per client address, with a burst of as many.
const DefaultDevClaimRate = 6

// claimLimiter bounds dev sign-ins per client address with one token
// bucket (golang.org/x/time/rate) per address; buckets that have refilled
// are swept as the map grows, so memory stays bounded by the addresses
// active within about a minute.
type claimLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[netip.Addr]*rate.Limiter
	sweep int
}

// newClaimLimiter allows perMinute claims a minute per address; nil (no
// limit) when perMinute < 0.
func newClaimLimiter(perMinute float64) *claimLimiter {
	if perMinute < 0 {
		return nil
	}
	if perMinute == 0 {
		perMinute = DefaultDevClaimRate
	}
	return &claimLimiter{
		r: rate.Limit(perMinute / 60), burst: max(1, int(perMinute)),
		m: map[netip.Addr]*rate.Limiter{}, sweep: 1024,
	}
}

// take takes a claim for ip at now; when there is none, it returns how
// long until there is one.
func (l *claimLimiter) take(ip netip.Addr, now time.Time) (ok bool, retry time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[ip]
	if b == nil {
		if len(l.m) >= l.sweep {
			for k, x := range l.m {
				if x.TokensAt(now) >= float64(l.burst) {
					delete(l.m, k)
				}
			}
			l.sweep = max(1024, 2*len(l.m))
		}
		b = rate.NewLimiter(l.r, l.burst)
		l.m[ip] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.TokensAt(now)
	return false, time.Duration(missing / float64(l.r) * float64(time.Second))
}

// peerAddr is the default Config.ClientIP: the address the request came
// from, with no forwarded header believed.
func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// allowDevClaim applies the dev sign-in limit to r; over it, it answers
// 429 with Retry-After (whole seconds, rounded up) and returns false.
// Loopback clients are not limited unless Config.DevClaimLoopback.
func (s *Service) allowDevClaim(w http.ResponseWriter, r *http.Request) bool {
	ip := s.clientIP(r)
	if ip.IsLoopback() && !s.limitLoopback {
		return true
	}
	ok, retry := s.claims.take(ip, s.now())
	if ok {
		return true
	}
	secs := max(1, int(math.Ceil(retry.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.log.Warn("dev sign-in limited", "ip", ip, "retry_after_s", secs)
	writeError(w, http.StatusTooManyRequests, "too many sign-ins from your address: try again in "+strconv.Itoa(secs)+" s")
	return false
}
