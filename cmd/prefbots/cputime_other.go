//go:build !linux

package main

import "time"

// threadClock falls back to wall-clock time where per-thread CPU time is
// not available.
type threadClock struct{ start time.Time }

func newThreadClock() threadClock { return threadClock{start: time.Now()} }

func (c threadClock) now() time.Duration { return time.Since(c.start) }

func (threadClock) release() {}
