package main

import (
	"runtime"
	"syscall"
	"time"
)

// rusageThread is RUSAGE_THREAD: the calling thread's usage (Linux).
const rusageThread = 1

// threadClock measures the CPU time of the calling goroutine, locked to
// its thread, so think times do not count other processes' time on a
// shared machine.
type threadClock struct{}

func newThreadClock() threadClock {
	runtime.LockOSThread()
	return threadClock{}
}

// now returns the thread's CPU time (user + system) so far.
func (threadClock) now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (threadClock) release() { runtime.UnlockOSThread() }
