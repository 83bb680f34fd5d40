package main

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// clockThreadCPUTime is CLOCK_THREAD_CPUTIME_ID (Linux): the calling
// thread's CPU time in nanoseconds (getrusage counts in scheduler ticks,
// too coarse for one move).
const clockThreadCPUTime = 3

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
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

func (threadClock) release() { runtime.UnlockOSThread() }
