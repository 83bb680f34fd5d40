package redisbroker_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// redisURL is the throwaway redis-server the Examples talk to.
var redisURL string

// TestMain starts one redis-server for the Examples (the tests start their
// own). Without redis-server installed the Examples cannot run: they are
// left out, as the tests skip.
func TestMain(m *testing.M) {
	flag.Parse()
	rs, err := redistest.Launch()
	switch {
	case errors.Is(err, redistest.ErrNotInstalled):
		fmt.Fprintln(os.Stderr, "redisbroker: redis-server not installed; the Examples are not run")
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
			_ = flag.Set("test.run", "^(Test|Fuzz)")
		}
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	default:
		redisURL = rs.URL()
	}
	code := m.Run()
	if rs != nil {
		rs.Stop()
	}
	os.Exit(code)
}

// ExampleNew shares channels between processes through Redis, with
// presence and gap reporting.
func ExampleNew() {
	broker, err := redisbroker.New(redisbroker.Options{
		URL: redisURL, // like "redis://127.0.0.1:6379/0"
		OnEvent: func(ev sockjs.BrokerEvent) {
			if ev.Kind == sockjs.BrokerResubscribed {
				// A gap: payloads to ev.Channels may have been lost. Resync
				// what depends on them (here: just say so).
				slog.Warn("resync after a Redis gap", slog.Any("channels", ev.Channels))
			}
		},
		Registerer: prometheus.NewRegistry(),
	})
	if err != nil {
		panic(err) // only a bad URL or a metrics clash
	}
	defer broker.Close()
	presence := redisbroker.NewPresence(broker, &redisbroker.PresenceOptions{TTL: 30 * time.Second})
	defer presence.Close()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{
		Presence: presence,
		// Without an Identity, presence is off.
		Identity: func(s *sockjs.Session) string { return s.Request().Query().Get("user") },
	})
	defer hub.Close()

	// What one process publishes, every process's subscribers get.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan string, 1)
	unsubscribe, err := broker.Subscribe(ctx, "room", func(payload []byte) {
		select {
		case got <- string(payload):
		default:
		}
	})
	if err != nil {
		panic(err)
	}
	defer unsubscribe()
	for !broker.Ready() && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond) // connecting
	}
	if err := broker.Publish(ctx, "room", []byte("hello from another process")); err != nil {
		panic(err)
	}
	select {
	case msg := <-got:
		fmt.Println("room:", msg)
	case <-ctx.Done():
		fmt.Println("nothing received:", ctx.Err())
	}
	// Output:
	// room: hello from another process
}
