package redisbroker_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
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

// TestCallerContextDoesNotDropTheSharedSubscription checks that a caller
// whose context is done before Subscribe writes SUBSCRIBE does not tear down
// the subscription connection every channel of the process shares (no
// BrokerDown, no gap), and that its channel is still subscribed.
func TestCallerContextDoesNotDropTheSharedSubscription(t *testing.T) {
	cases := []struct {
		rule string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"an expired deadline", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}},
		{"a canceled context", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			rs := redistest.Start(t)
			var mu sync.Mutex
			var kinds []sockjs.BrokerEventKind
			b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quiet(), OnEvent: func(ev sockjs.BrokerEvent) {
				mu.Lock()
				kinds = append(kinds, ev.Kind)
				mu.Unlock()
			}})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			waitReady(t, b)
			if _, err := b.Subscribe(context.Background(), "others", func([]byte) {}); err != nil {
				t.Fatal(err)
			}
			got := make(chan []byte, 16)
			ctx, cancel := c.ctx()
			defer cancel()
			if _, err := b.Subscribe(ctx, "late", func(p []byte) { got <- p }); err != nil {
				t.Fatal(err)
			}
			// Publish until the late subscription delivers (it is confirmed
			// asynchronously), bounded in time.
			deadline := time.Now().Add(5 * time.Second)
		wait:
			for {
				if err := b.Publish(context.Background(), "late", []byte("x")); err != nil {
					t.Fatal(err)
				}
				select {
				case <-got:
					break wait
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatal("the channel subscribed with a done context never received a payload")
				}
			}
			time.Sleep(300 * time.Millisecond) // a dropped connection is reported within this
			mu.Lock()
			defer mu.Unlock()
			if len(kinds) > 0 {
				t.Fatalf("broker events %v: the subscription connection was dropped (a gap for every channel)", kinds)
			}
		})
	}
}

// waitReady waits, bounded, until b's subscription connection is live.
func waitReady(t *testing.T, b *redisbroker.Broker) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !b.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("broker never ready")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// A batch publish reaches a subscriber whole and in order (one pipeline),
// and a closed broker refuses it.
func TestPublishBatchDeliversInOrder(t *testing.T) {
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Prefix: "p:", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	waitReady(t, b)
	got := make(chan string, 3000)
	if _, err := b.Subscribe(context.Background(), "notes", func(p []byte) { got <- string(p) }); err != nil {
		t.Fatal(err)
	}
	var want [][]byte
	for i := range 2500 {
		want = append(want, []byte(strconv.Itoa(i)))
	}
	if n, err := b.PublishBatch(context.Background(), "notes", want); n != len(want) || err != nil {
		t.Fatalf("PublishBatch = %d, %v; want %d, nil", n, err, len(want))
	}
	for i, w := range want {
		select {
		case p := <-got:
			if p != string(w) {
				t.Fatalf("payload %d is %q, want %q", i, p, w)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%d of %d payloads heard after a minute", i, len(want))
		}
	}
	b.Close()
	if n, err := b.PublishBatch(context.Background(), "notes", want); n != 0 || !errors.Is(err, sockjs.ErrBrokerClosed) {
		t.Fatalf("PublishBatch on a closed broker = %d, %v; want 0, ErrBrokerClosed", n, err)
	}
}
