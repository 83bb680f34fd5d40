//go:build !linux

package main

import (
	"context"
	"net"
)

// dialStamped dials a plain TCP connection: receive timestamps are read
// on Linux only, so elsewhere frames have no socket time.
func dialStamped(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}
