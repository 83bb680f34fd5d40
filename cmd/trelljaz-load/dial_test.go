package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/sockjs"
)

// echo answers every message with the same text.
type echo struct{ s *sockjs.Session }

func (e *echo) OnOpen(s *sockjs.Session) error { e.s = s; return nil }
func (e *echo) OnMessage(msg string)           { _ = e.s.Send(msg) }
func (e *echo) OnClose()                       {}

// TestAFramesMessagesOutliveTheNextFrame: a websocket link reads every
// frame into one buffer, and the messages recv returns are strings of
// their own, unchanged by the frames read into it after; the buffer of a
// frame past maxKeptFrame is let go when the next frame is read.
func TestAFramesMessagesOutliveTheNextFrame(t *testing.T) {
	srv := sockjs.NewServer(sockjsPrefix, func() sockjs.Handler { return &echo{} }, nil)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		_ = srv.Shutdown(context.Background())
	})
	l, err := dialSockJS(t.Context(), ts.URL, "websocket")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// The third frame is past maxKeptFrame: read whole, and its buffer
	// not kept for the fourth.
	sent := []string{"the first message", "a second message!", strings.Repeat("a whole lobby ", 2*maxKeptFrame/14), "the last"}
	var got [][]string
	for _, m := range sent {
		if err := l.Send(m); err != nil {
			t.Fatal(err)
		}
		msgs, err := recv(l)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msgs)
		if c := l.(*wsLink).buf.Cap(); c > maxKeptFrame && len(m) < maxKeptFrame {
			t.Errorf("after a frame of %d bytes the link keeps a buffer of %d", len(m), c)
		}
	}
	for i, msgs := range got {
		if len(msgs) != 1 || msgs[0] != sent[i] {
			t.Errorf("frame %d: %.40q, want [%.40q]", i, msgs, sent[i])
		}
	}
}
