package auth

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"

	"golang.org/x/time/rate"

	"github.com/trelljaz/trelljaz/game/ratelimit"
)

// DefaultDevClaimRate is Config.DevClaimRate's default: dev sign-ins per
// minute per client address, with a burst of as many.
const DefaultDevClaimRate = 6

// newClaimLimiter allows perMinute dev sign-ins a minute per client
// address, with a burst of as many, in one token bucket per address
// (game/ratelimit: idle ones are swept, so memory stays bounded by the
// addresses active within about a minute); nil (no limit) when
// perMinute < 0.
func newClaimLimiter(perMinute float64) *ratelimit.Buckets[netip.Addr] {
	if perMinute < 0 {
		return nil
	}
	if perMinute == 0 {
		perMinute = DefaultDevClaimRate
	}
	return ratelimit.New[netip.Addr](rate.Limit(perMinute/60), max(1, int(perMinute)))
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
	if s.claims == nil {
		return true
	}
	ok, retry := s.claims.Take(ip, s.now())
	if ok {
		return true
	}
	secs := max(1, int(math.Ceil(retry.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.log.Warn("dev sign-in limited", "ip", ip, "retry_after_s", secs)
	writeError(w, http.StatusTooManyRequests, "too many sign-ins from your address: try again in "+strconv.Itoa(secs)+" s")
	return false
}
