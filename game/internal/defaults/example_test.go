package defaults_test

import (
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/internal/defaults"
)

func Example() {
	type Config struct {
		MaxTables int           // 0 means 64
		Flush     time.Duration // 0 means 100 ms
	}
	cfg := Config{MaxTables: 8}
	defaults.Positive(&cfg.MaxTables, 64)
	defaults.Positive(&cfg.Flush, 100*time.Millisecond)
	fmt.Println(cfg.MaxTables, cfg.Flush)
	// Output: 8 100ms
}
