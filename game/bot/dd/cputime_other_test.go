//go:build !linux

package dd

import "time"

var start = time.Now()

// threadCPU falls back to wall-clock time off Linux.
func threadCPU() time.Duration { return time.Since(start) }

func lockThread()   {}
func unlockThread() {}
