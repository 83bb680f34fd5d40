package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// peerFromHeader makes the request come from the address in X-Test-Peer,
// as if it had connected from there.
func peerFromHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.Header.Get("X-Test-Peer"); p != "" {
			r.RemoteAddr = p
		}
		next.ServeHTTP(w, r)
	})
}

func (b *browser) devSignInFrom(peer, name string) *http.Response {
	return b.do(http.MethodPost, "/auth/dev", url.Values{"name": {name}}, map[string]string{"X-Test-Peer": peer})
}

// TestDevClaimsAreLimitedPerAddress: with 3 claims a minute, an address
// gets 3 sign-ins at once, then 429 with a Retry-After that is the wait for
// the next token (20 s); after it one more passes. Another address, and
// loopback by default, are not held back.
func TestDevClaimsAreLimitedPerAddress(t *testing.T) {
	club := newWrappedTestClub(t, false, Config{DevSignIn: DevOn, DevClaimRate: 3}, peerFromHeader)
	b := club.newBrowser(t)
	const peer, other = "203.0.113.7:4000", "[2001:db8::9]:4000"
	for i := range 3 {
		if resp := b.devSignInFrom(peer, fmt.Sprint("Anna", i)); resp.StatusCode != http.StatusOK {
			t.Fatalf("claim %d within the burst = %d, want 200", i, resp.StatusCode)
		}
	}
	for _, name := range []string{"Boris", "bad name!"} { // refused names count too
		resp := b.devSignInFrom(peer, name)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("claim over the burst (%q) = %d, want 429", name, resp.StatusCode)
		}
		if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra != 20 {
			t.Fatalf("Retry-After %q, want 20 (one claim every 20 s)", resp.Header.Get("Retry-After"))
		}
	}
	if resp := b.devSignInFrom(other, "Vera"); resp.StatusCode != http.StatusOK {
		t.Fatalf("another address = %d, want 200", resp.StatusCode)
	}
	for i := range 5 {
		if resp := b.devSignInFrom("127.0.0.1:5000", fmt.Sprint("Local", i)); resp.StatusCode != http.StatusOK {
			t.Fatalf("loopback claim %d = %d, want 200 (loopback is not limited by default)", i, resp.StatusCode)
		}
	}
	club.clock.Advance(19 * time.Second)
	if resp := b.devSignInFrom(peer, "Boris"); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("after 19 s = %d Retry-After %q, want 429 and 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	club.clock.Advance(time.Second)
	if resp := b.devSignInFrom(peer, "Boris"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 20 s = %d, want 200", resp.StatusCode)
	}
}

func TestDevClaimLimitOptions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    Config
		peer   string
		passes int // of 8 claims at once
	}{
		{"default rate: 6 at once", Config{}, "198.51.100.1:1", DefaultDevClaimRate},
		{"loopback limited when asked", Config{DevClaimRate: 2, DevClaimLoopback: true}, "127.0.0.1:1", 2},
		{"off when negative", Config{DevClaimRate: -1}, "198.51.100.1:1", 8},
		{"IPv4-mapped IPv6 is the IPv4 address", Config{DevClaimRate: 2}, "[::ffff:198.51.100.1]:1", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.DevSignIn = DevOn
			club := newWrappedTestClub(t, false, tc.cfg, peerFromHeader)
			b := club.newBrowser(t)
			passed := 0
			for i := range 8 {
				if b.devSignInFrom(tc.peer, fmt.Sprint("Name", i)).StatusCode == http.StatusOK {
					passed++
				}
			}
			if passed != tc.passes {
				t.Fatalf("%d of 8 claims passed, want %d", passed, tc.passes)
			}
		})
	}
}
