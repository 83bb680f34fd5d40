package redisbroker_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// TestNewRefusesBadConfiguration checks the only ways New fails.
func TestNewRefusesBadConfiguration(t *testing.T) {
	cases := []struct {
		rule string
		opts redisbroker.Options
		want string
	}{
		{"URL is required", redisbroker.Options{}, "URL is required"},
		{"URL must parse", redisbroker.Options{URL: "http://nope"}, "parse URL"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			b, err := redisbroker.New(c.opts)
			if err == nil {
				b.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to mention %q", err, c.want)
			}
		})
	}
	reg := prometheus.NewRegistry()
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Registerer: reg}); err == nil {
		t.Fatal("second broker registered the same metrics in one registry")
	}
}

// TestClosedBrokerRefusesWork checks ErrBrokerClosed after Close.
func TestClosedBrokerRefusesWork(t *testing.T) {
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL()})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := b.Publish(context.Background(), "c", []byte("x")); err != sockjs.ErrBrokerClosed {
		t.Fatalf("Publish after Close = %v", err)
	}
	if _, err := b.Subscribe(context.Background(), "c", func([]byte) {}); err != sockjs.ErrBrokerClosed {
		t.Fatalf("Subscribe after Close = %v", err)
	}
	if b.Ready() {
		t.Fatal("ready after Close")
	}
}

// ExampleNew shares channels between processes through Redis, with
// presence and gap reporting.
func ExampleNew() {
	broker, err := redisbroker.New(redisbroker.Options{
		URL: "redis://127.0.0.1:6379/0",
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
		Identity: func(s *sockjs.Session) string { return s.Request().Query().Get("user") },
	})
	defer hub.Close()
}
