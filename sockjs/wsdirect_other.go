//go:build !unix

package sockjs

// canWriteNow says that direct writes work on this system: not here, so
// sessions always write through their writer goroutine.
const canWriteNow = false

func (w *directWriter) write(uintptr) bool { return true }
