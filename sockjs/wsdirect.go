package sockjs

import (
	"encoding/binary"
	"net"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// Direct writes (Options.DirectWrites).
//
// A websocket session's frames are written by its writer goroutine, woken
// for each send. With DirectWrites, Send writes the frame itself, on the
// caller's goroutine, when nothing else is being written to the connection:
// one non-blocking write, which the socket takes whole unless its buffer
// is full. What it does not take (the rest of a frame) is written by
// whoever holds the wire next, the writer goroutine or a control frame's
// writer, before anything else: frames never interleave.
//
// Session.wire is held by whoever writes to the connection: a direct
// write, the writer goroutine for each delivery, and the writers of
// control frames from other goroutines (a pong, a close). A sender takes
// it only with TryLock under s.mu and never waits for it; whoever releases
// it does so under s.mu and then looks at the queue (releaseWireLocked),
// so a message queued while the wire was taken is never left behind.
//
// Measured at 3,000 Trelljaz tables (9,000 websocket sessions, three
// seat events a move), the writer goroutines woken for each event were
// 37 % of all the server's waits for a thread.

// tryWireLocked takes the wire for a direct write, if the session may
// write directly and nobody holds it. s.mu must be held.
func (s *Session) tryWireLocked() bool {
	return s.direct != nil && s.rest == nil && s.wire.TryLock()
}

// releaseWireLocked gives the wire back and has the writer deliver what
// was queued or left meanwhile. s.mu must be held.
func (s *Session) releaseWireLocked() {
	s.wire.Unlock()
	if len(s.queue) > 0 || s.rest != nil {
		s.notifyLocked()
	}
}

// writeDirect writes o, taken from the queue while holding the wire, with
// one non-blocking write, and gives the wire back. What the socket did not
// take becomes s.rest, for the writer.
func (s *Session) writeDirect(ws *websocket.Conn, o outbox) {
	if s.metrics != nil {
		s.metrics.delivered(o.batch, o.queued)
	}
	buf := s.srv.getBuffer()
	buf.Grow(directFramesSize(o, s.raw))
	frames := appendDirectFrames(buf.AvailableBuffer(), o, s.raw)
	s.release(o.batch)
	n, err := s.direct.writeNow(frames)
	s.mu.Lock()
	if err == nil && n < len(frames) {
		s.rest = append([]byte(nil), frames[n:]...)
	}
	s.releaseWireLocked()
	s.mu.Unlock()
	s.srv.putBuffer(buf)
	if err != nil {
		code := writeFailureCode(err)
		s.closeWith(code, CloseReason(code), true)
		_ = ws.Close()
	}
}

// directFramesSize is what appendDirectFrames appends for o, short of
// rare escapes (Message.queueSize), and the room it reserves for a header.
func directFramesSize(o outbox, raw bool) int {
	n := maxFrameHeader + 2 + 2 // a[ ], the ping
	for _, m := range o.batch {
		n += m.queueSize()
		if raw {
			n += maxFrameHeader + len(m.raw)
		}
	}
	return n
}

// maxFrameHeader is the longest header of a server's websocket frame.
const maxFrameHeader = 10

// appendDirectFrames appends the websocket frames of a delivery taken by a
// send (its batch, and the ping of a heartbeat due): one SockJS array
// frame, or on the raw endpoint one text frame a message.
func appendDirectFrames(dst []byte, o outbox, raw bool) []byte {
	if raw {
		for _, m := range o.batch {
			dst = appendFrameHeader(dst, wsOpText, len(m.raw))
			dst = append(dst, m.raw...)
		}
	} else {
		dst = appendArrayFrame(dst, o.batch)
	}
	if o.ping {
		dst = appendFrameHeader(dst, wsOpPing, 0)
	}
	return dst
}

// appendArrayFrame appends one websocket text frame holding the SockJS
// array frame of batch. Its length is known only once its messages are
// quoted into it (Message.appendTo), so the longest header's room is kept
// before it and the frame moved down to the header it got.
func appendArrayFrame(dst []byte, batch []*Message) []byte {
	at := len(dst)
	dst = append(dst, make([]byte, maxFrameHeader)...)
	dst = appendBatchFrame(dst, batch)
	n := len(dst) - at - maxFrameHeader
	header := appendFrameHeader(dst[at:at], wsOpText, n)
	copy(dst[at+len(header):], dst[at+maxFrameHeader:])
	return dst[:at+len(header)+n]
}

// appendFrameHeader appends the header of an unmasked, final websocket
// frame (a server's) with opcode op and a payload of n bytes.
func appendFrameHeader(dst []byte, op byte, n int) []byte {
	dst = append(dst, 0x80|op)
	switch {
	case n < 126:
		return append(dst, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(dst, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 127), uint64(n))
	}
}

// flushRest writes what a direct write left, if anything. The wire must
// be held. The rest stays set while it is written: nobody tries a direct
// write meanwhile.
func (s *Session) flushRest(ws *websocket.Conn, deadline time.Time) error {
	s.mu.Lock()
	rest := s.rest
	s.mu.Unlock()
	if rest == nil {
		return nil
	}
	conn := ws.NetConn()
	n := 0
	err := conn.SetWriteDeadline(deadline)
	if err == nil {
		n, err = conn.Write(rest)
	}
	s.mu.Lock()
	// What a failed write did not take stays the rest: the frame's start
	// is on the wire, and whoever writes next (a pong's deadline is not
	// the session's WriteTimeout) must finish it, or nobody may write.
	s.rest = nil
	if err != nil && n < len(rest) {
		s.rest = rest[n:]
	}
	s.mu.Unlock()
	return err
}

// clearDeadline takes the write deadline a blocking write set off the
// connection of a session that writes directly: the runtime checks it
// before every write, a direct one too, which would fail once it passed.
// The wire must be held (or the session not yet open).
func (s *Session) clearDeadline(ws *websocket.Conn) {
	if s.direct != nil {
		_ = ws.NetConn().SetWriteDeadline(time.Time{})
	}
}

// writeControl writes a control frame (a pong, a close) from outside the
// writer goroutine: it waits for the wire, so it never lands inside a
// frame, and first finishes a frame a direct write left.
//
// After a close frame nothing may be written (RFC 6455 §5.5.1), and after
// a control frame whose write failed the wire may hold part of it: gorilla
// then refuses every later write of its own, and the session's direct
// writes end too (direct is set nil), so what is sent next goes through
// the writer goroutine and its gorilla writes.
func (s *Session) writeControl(ws *websocket.Conn, op int, payload []byte, deadline time.Time) error {
	s.wire.Lock()
	err := s.flushRest(ws, deadline)
	stopDirect := false
	if err == nil {
		err = ws.WriteControl(op, payload, deadline)
		stopDirect = op == websocket.CloseMessage || err != nil
	}
	s.clearDeadline(ws)
	s.mu.Lock()
	if stopDirect {
		s.direct = nil // read under s.mu or with the wire held: both are held
	}
	s.releaseWireLocked()
	s.mu.Unlock()
	return err
}

// directWriter makes a session's direct writes: non-blocking writes to
// its connection's descriptor. Its fields are the state of one write (the
// wire is held): the function handed to the runtime is made once, so a
// write allocates nothing.
type directWriter struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool // w.write
	b   []byte                // what is being written
	n   int                   // how much of b the socket took
	err error
}

// newDirectWriter returns the direct writer of c when writes to it may be
// made without waiting (a plain TCP or Unix connection on a Unix system),
// else nil.
func newDirectWriter(c net.Conn) *directWriter {
	sc, ok := c.(syscall.Conn)
	if !ok || !canWriteNow {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &directWriter{rc: rc}
	w.fn = w.write
	return w
}

// writeNow writes as much of b as the socket takes without waiting, and
// reports how much that was: less than len(b) only when the socket's
// buffer is full.
func (w *directWriter) writeNow(b []byte) (int, error) {
	w.b, w.n, w.err = b, 0, nil
	err := w.rc.Write(w.fn)
	n := w.n
	if w.err != nil {
		err = w.err
	}
	w.b, w.err = nil, nil
	return n, err
}
