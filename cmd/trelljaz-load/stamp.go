package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"syscall"
	"time"
)

// A player's reader stamps each frame once it has read it, as a browser's
// onmessage would; but before it runs, its goroutine waits for a thread in
// the generator's own run queue, which the generator's 9,000 players share
// with the club on two cores (a p99 of 45 ms at 3,000 tables, session 13).
// That wait is the generator's, not the club's. So over websocket the
// generator also asks the kernel when a frame's bytes came into the
// player's socket (SO_TIMESTAMPNS on the TCP connection: every recvmsg
// then says when the last of the bytes it returned arrived; on loopback,
// when the club's write put them there), and reports the latencies at the
// sockets beside those at the players.

// stampedConn is a TCP connection whose reads note the kernel's receive
// timestamp of the bytes they return. Its reader alone reads last.
type stampedConn struct {
	*net.TCPConn
	rc   syscall.RawConn
	oob  [64]byte
	last time.Time // when the bytes of the latest read came; zero when unknown
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
	return &stampedConn{TCPConn: tc, rc: rc}, nil
}

// Read reads as the connection would, with recvmsg, and notes the receive
// timestamp that comes with the bytes.
func (c *stampedConn) Read(b []byte) (int, error) {
	var n, oobn int
	var rerr error
	err := c.rc.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = syscall.Recvmsg(int(fd), b, c.oob[:], 0)
		return !errors.Is(rerr, syscall.EAGAIN) && !errors.Is(rerr, syscall.EINTR)
	})
	switch {
	case err != nil: // the deadline, or the connection closed
		return 0, err
	case rerr != nil:
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: rerr}
	case n == 0 && len(b) > 0:
		return 0, io.EOF
	}
	// Bytes without a time (the kernel turns stamping on for every socket
	// a moment after the first asks) leave last zero, not an older time.
	c.last, _ = receivedAt(c.oob[:oobn])
	return n, nil
}

// receivedAt finds the SCM_TIMESTAMPNS message among a recvmsg's control
// messages.
func receivedAt(oob []byte) (time.Time, bool) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return time.Unix(sec, nsec), true
		}
	}
	return time.Time{}, false
}
