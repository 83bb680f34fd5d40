//go:build unix

package sockjs

import (
	"errors"
	"syscall"
)

// canWriteNow says that direct writes work on this system.
const canWriteNow = true

// write writes w.b to fd until the socket takes no more, counting in w.n;
// it never asks the runtime to wait for the socket (it returns true).
func (w *directWriter) write(fd uintptr) bool {
	for w.n < len(w.b) {
		k, err := syscall.Write(int(fd), w.b[w.n:])
		if k > 0 {
			w.n += k
		}
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EAGAIN):
			return true // full: the rest is the writer's
		case err != nil:
			w.err = err
			return true
		case k <= 0:
			return true
		}
	}
	return true
}
