//go:build unix

package sockjs

import (
	"syscall"
	"time"
)

// benchProcessCPU is the CPU time (user and system) this process has used.
// The broadcast benchmarks divide it by what was delivered: on a shared
// machine that figure moves far less than wall-clock throughput.
func benchProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
