package serve

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

type nopHandler struct{}

func (nopHandler) OnOpen(*sockjs.Session) error { return nil }
func (nopHandler) OnMessage(string)             {}
func (nopHandler) OnClose()                     {}

func TestBrokerWithoutRedisIsInMemory(t *testing.T) {
	b, rb, err := Broker("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || rb != nil {
		t.Fatalf("Broker(\"\") = %v, %v", rb, err)
	}
	defer b.Close()
	if _, ok := b.(*sockjs.MemoryBroker); !ok {
		t.Errorf("Broker(\"\") is %T, want *sockjs.MemoryBroker", b)
	}
	if _, _, err := Broker("not a url", nil); err == nil {
		t.Error("a bad Redis URL gave no error")
	}
}

// Run serves until its context is done, then shuts the SockJS server down
// (later requests get 503 from it) and returns nil.
func TestRunServesUntilCancelled(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := sockjs.NewServer("/s", func() sockjs.Handler { return nopHandler{} }, &sockjs.Options{Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, addr, srv, srv) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/s/info")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/s/info: %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never served: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after its context was done")
	}
	if err := srv.Shutdown(context.Background()); err != sockjs.ErrServerClosed {
		t.Errorf("the SockJS server was not shut down by Run: Shutdown again = %v", err)
	}
}
