package dd

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// threadCPU returns the calling thread's CPU time; benchmarks lock their
// goroutine to a thread so the figure is what one core spent, however
// busy the machine is.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	// clock_gettime(CLOCK_THREAD_CPUTIME_ID): nanoseconds, unlike
	// getrusage, which counts in scheduler ticks
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

func lockThread()   { runtime.LockOSThread() }
func unlockThread() { runtime.UnlockOSThread() }
