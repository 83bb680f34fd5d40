//go:build !unix

package sockjs

import "time"

// benchProcessCPU is not measured on this system: the benchmarks report 0.
func benchProcessCPU() time.Duration { return 0 }
