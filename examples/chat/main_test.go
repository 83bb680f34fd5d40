package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// run serves until its context is done, then closes every session with
// "going away" and returns nil: with one process's in-memory broker and
// with Redis.
func TestRunServesUntilCancelledThenSaysGoingAway(t *testing.T) {
	for _, tc := range []struct {
		name  string
		redis bool
	}{{"in-memory", false}, {"redis", true}} {
		t.Run(tc.name, func(t *testing.T) {
			redisURL := ""
			if tc.redis {
				redisURL = redistest.Start(t).URL()
			}
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- run(ctx, addr, redisURL, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
			waitReady(t, "http://"+addr+"/readyz")

			c := sockjstest.Dial(t, "http://"+addr+"/chat", nil)
			cancel()
			if ce := c.WaitClosed(); ce.Code != sockjs.CloseGoingAway {
				t.Errorf("close frame after shutdown = %v, want %d", ce, sockjs.CloseGoingAway)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("run: %v", err)
				}
			case <-time.After(2 * shutdownGrace):
				t.Fatal("run did not return after its context was done")
			}
		})
	}
}

// waitReady polls url until it answers 200 (the broker is ready).
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never ready: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
