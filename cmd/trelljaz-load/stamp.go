package main

import "time"

// A player's reader stamps each frame once it has read it, as a browser's
// onmessage would; but before it runs, its goroutine waits for a thread in
// the generator's own run queue, which the generator's 9,000 players share
// with the club on two cores (a p99 of 34–50 ms at 3,000 tables, session
// 13). That wait is the generator's, not the club's. So over websocket the
// generator also asks the kernel when a frame's bytes came into the
// player's socket, where the kernel says (Linux: stamp_linux.go), and
// reports the latencies to the sockets beside those to the players.

// receiveStamper is a connection that knows when the bytes of its latest
// read came into its socket.
type receiveStamper interface {
	// receivedLast returns that time, zero when unknown.
	receivedLast() time.Time
}

// socketTime returns when the bytes of the frame l's RecvFrame returned
// last came into its socket: zero but over websocket on a stamped
// connection. It is called by l's reader, after its RecvFrame.
func socketTime(l link) time.Time {
	if ws, ok := l.(*wsLink); ok {
		if c, ok := ws.c.NetConn().(receiveStamper); ok {
			return c.receivedLast()
		}
	}
	return time.Time{}
}
