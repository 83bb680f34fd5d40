package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// A stamped connection's read says when its bytes came into the socket,
// not when they were read: bytes written, then read 20 ms later, carry the
// time of their write. A read into no room takes nothing, past a deadline
// a read fails as a plain connection's does, and a closed peer reads as
// io.EOF.
func TestAStampedReadSaysWhenItsBytesCame(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := dialStamped(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, ok := c.(*stampedConn)
	if !ok {
		t.Skipf("the kernel refused receive timestamps: %T", c)
	}
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	// The kernel stamps the bytes of every socket once one asks, but the
	// switch is deferred (and flips back a moment after the last such
	// socket closes): a read may have no time, and then says none. The
	// first read that has one is checked.
	buf := make([]byte, 16)
	for start := time.Now(); ; {
		if time.Since(start) > 10*time.Second {
			t.Skip("no read had a receive timestamp in 10 s: this kernel does not stamp TCP reads")
		}
		before := time.Now()
		if _, err := peer.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		written := time.Now()
		for time.Since(written) < 20*time.Millisecond { // the condition is the clock itself
			time.Sleep(time.Millisecond)
		}
		n, err := sc.Read(buf)
		read := time.Now()
		if err != nil || string(buf[:n]) != "hello" {
			t.Fatalf("read %q, %v", buf[:n], err)
		}
		if sc.last.IsZero() {
			continue
		}
		if sc.last.Before(before.Add(-time.Millisecond)) || sc.last.After(written) || read.Sub(sc.last) < 20*time.Millisecond {
			t.Errorf("stamped %v after the write began, %v before the read; want within the write (%v long) and 20 ms or more before the read",
				sc.last.Sub(before), read.Sub(sc.last), written.Sub(before))
		}
		break
	}

	// A read into no room takes nothing from the stream.
	if _, err := peer.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	if n, err := sc.Read(nil); n != 0 || err != nil {
		t.Fatalf("read into no room: %d, %v", n, err)
	}
	if n, err := io.ReadFull(sc, buf[:2]); err != nil || string(buf[:n]) != "ab" {
		t.Fatalf("read %q, %v after a read into no room, want \"ab\"", buf[:n], err)
	}

	if err := sc.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past its deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	_ = sc.SetReadDeadline(time.Time{})
	peer.Close()
	if _, err := sc.Read(buf); err != io.EOF {
		t.Errorf("read after the peer closed: %v, want io.EOF", err)
	}
}

// receivedAt finds the timestamp among a read's control messages, after
// another kind of message too, and reads no time from a cut or a lying
// header.
func TestReceivedAtReadsTheTimestampMessage(t *testing.T) {
	at := time.Date(2026, 12, 6, 13, 20, 0, 123456789, time.UTC)
	stamp := make([]byte, syscall.CmsgSpace(16))
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&stamp[0]))
	h.Level, h.Type = syscall.SOL_SOCKET, syscall.SCM_TIMESTAMPNS
	h.SetLen(syscall.CmsgLen(16))
	binary.NativeEndian.PutUint64(stamp[syscall.CmsgLen(0):], uint64(at.Unix()))
	binary.NativeEndian.PutUint64(stamp[syscall.CmsgLen(0)+8:], uint64(at.Nanosecond()))
	rights := syscall.UnixRights(0) // an SCM_RIGHTS message, as the kernel lays one out
	lying := append([]byte(nil), stamp...)
	(*syscall.Cmsghdr)(unsafe.Pointer(&lying[0])).SetLen(len(lying) + 8)
	tests := []struct {
		name string
		oob  []byte
		want time.Time
	}{
		{"none", nil, time.Time{}},
		{"the timestamp", stamp, at},
		{"after another message", append(append([]byte(nil), rights...), stamp...), at},
		{"another message only", rights, time.Time{}},
		{"cut short", stamp[:syscall.CmsgLen(8)], time.Time{}},
		{"a header longer than the buffer", lying, time.Time{}},
	}
	for _, tt := range tests {
		if got := receivedAt(tt.oob); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
