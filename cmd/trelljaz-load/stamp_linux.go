package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// On Linux a TCP socket with SO_TIMESTAMPNS set gets, with every recvmsg,
// the time the last of the bytes it returns came into the socket; on
// loopback, when the club's write put them there (the stamp is taken as
// the bytes are queued for the receiver, net.core.netdev_tstamp_prequeue,
// on by default). Setting it on one socket turns the kernel's receive
// timestamps on for every socket of the host while it is open, the
// club's too: a clock read per packet received.

// stampedConn is a TCP connection whose reads note the kernel's receive
// timestamp of the bytes they return. One goroutine reads it (the
// player's reader), and reads last; net.Conn's other methods are the
// connection's own. It keeps the connection as a net.Conn, not a
// *net.TCPConn, so that io.Copy cannot read past Read (WriteTo).
type stampedConn struct {
	net.Conn
	rc syscall.RawConn
	// the state of one read, and the function handed to the runtime,
	// made once so that a read allocates nothing for it
	buf     []byte
	n, oobn int
	err     error
	recvmsg func(fd uintptr) bool
	oob     [64]byte  // one SCM_TIMESTAMPNS: syscall.CmsgSpace(16) = 32 bytes
	last    time.Time // when the bytes of the latest read came; zero when unknown
}

// dialStamped dials a TCP connection with receive timestamps on, for
// websocket.Dialer.NetDialContext. Where the kernel refuses them the
// connection is returned plain (its frames have no socket time).
func dialStamped(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c, nil
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return c, nil
	}
	sc := &stampedConn{Conn: tc, rc: rc}
	sc.recvmsg = sc.read
	return sc, nil
}

// read is one recvmsg into c.buf, run by the runtime when the socket may
// be readable: false (wait for it) when it is not.
func (c *stampedConn) read(fd uintptr) bool {
	for {
		c.n, c.oobn, _, _, c.err = syscall.Recvmsg(int(fd), c.buf, c.oob[:], 0)
		if !errors.Is(c.err, syscall.EINTR) {
			return !errors.Is(c.err, syscall.EAGAIN)
		}
	}
}

// Read reads as the connection would, with recvmsg, and notes the receive
// timestamp that comes with the bytes.
func (c *stampedConn) Read(b []byte) (int, error) {
	if len(b) == 0 {
		// recvmsg with no room for data but room for control messages
		// takes one byte of the stream into a dummy (syscall.Recvmsg).
		return 0, nil
	}
	c.buf = b
	err := c.rc.Read(c.recvmsg)
	c.buf = nil
	switch {
	case err != nil: // the deadline, or the connection closed
		return 0, err
	case c.err != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("recvmsg", c.err)}
	case c.n == 0:
		return 0, io.EOF
	}
	// Bytes without a time (the kernel turns stamping on for every socket
	// a moment after the first asks) leave last zero, not an older time.
	c.last = receivedAt(c.oob[:c.oobn])
	return c.n, nil
}

// receivedLast implements receiveStamper. A read that brought the end of
// one frame and the start of the next gives the first the later time.
func (c *stampedConn) receivedLast() time.Time { return c.last }

// receivedAt finds the SCM_TIMESTAMPNS message among a recvmsg's control
// messages: zero without one. It reads the headers where they lie, as
// syscall.ParseSocketControlMessage does, but without the slice that makes
// on every read of every player, and field by field, so oob need not be
// aligned.
func receivedAt(oob []byte) time.Time {
	var h syscall.Cmsghdr
	hdr := syscall.CmsgLen(0)
	level, typ := int(unsafe.Offsetof(h.Level)), int(unsafe.Offsetof(h.Type))
	for len(oob) >= hdr {
		n := int(binary.NativeEndian.Uint32(oob))
		if unsafe.Sizeof(h.Len) == 8 {
			n = int(binary.NativeEndian.Uint64(oob))
		}
		if n < hdr || n > len(oob) {
			return time.Time{}
		}
		if int32(binary.NativeEndian.Uint32(oob[level:])) == syscall.SOL_SOCKET &&
			int32(binary.NativeEndian.Uint32(oob[typ:])) == syscall.SCM_TIMESTAMPNS && n-hdr >= 16 {
			data := oob[hdr:n]
			sec := int64(binary.NativeEndian.Uint64(data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(data[8:16]))
			return time.Unix(sec, nsec)
		}
		next := syscall.CmsgSpace(n - hdr)
		if next > len(oob) {
			break
		}
		oob = oob[next:]
	}
	return time.Time{}
}
