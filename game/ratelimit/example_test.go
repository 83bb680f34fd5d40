package ratelimit_test

import (
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/ratelimit"
)

// Three sign-ins a minute per address: the fourth at once waits 20 s.
func ExampleBuckets_Take() {
	perAddress := ratelimit.New[string](3.0/60, 3)
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for range 4 {
		ok, retry := perAddress.Take("203.0.113.7", now)
		fmt.Println(ok, retry)
	}
	fmt.Println(perAddress.Allow("198.51.100.1", now))
	// Output:
	// true 0s
	// true 0s
	// true 0s
	// false 20s
	// true
}
