package redisbroker_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

func newTestBroker(t *testing.T, rs *redistest.Server, prefix string) *redisbroker.Broker {
	t.Helper()
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Prefix: prefix, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for !b.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("broker not ready after 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return b
}

// roundTrips counts the commands a go-redis client sends.
type roundTrips struct{ n atomic.Int64 }

func (*roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

// TestPublishWithHistoryIsOneRoundTrip: appending to the history and
// publishing is one command (a script), once Redis has the script.
func TestPublishWithHistoryIsOneRoundTrip(t *testing.T) {
	rs := redistest.Start(t)
	b := newTestBroker(t, rs, "")
	ctx := context.Background()
	if _, err := b.PublishHistory(ctx, "room:1", []byte("warm up"), sockjs.HistoryLimits{}); err != nil {
		t.Fatal(err)
	}
	var rt roundTrips
	b.Client().AddHook(&rt)
	const n = 20
	for i := range n {
		if _, err := b.PublishHistory(ctx, "room:1", fmt.Appendf(nil, "m%d", i), sockjs.HistoryLimits{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := rt.n.Load(); got != n {
		t.Fatalf("%d publishes with history took %d round trips, want %d", n, got, n)
	}
}

// TestHistoryInRedis: the rules of the history the broker keeps.
func TestHistoryInRedis(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	publish := func(t *testing.T, b *redisbroker.Broker, ch string, n int, l sockjs.HistoryLimits) sockjs.Position {
		t.Helper()
		var pos sockjs.Position
		for i := range n {
			var err error
			if pos, err = b.PublishHistory(ctx, ch, fmt.Appendf(nil, "m%d", i), l); err != nil {
				t.Fatal(err)
			}
		}
		return pos
	}

	t.Run("offsets are consecutive in one epoch and the latest Size are kept", func(t *testing.T) {
		b := newTestBroker(t, rs, "")
		l := sockjs.HistoryLimits{Size: 3}
		last := publish(t, b, "size", 5, l)
		pubs, top, err := b.History(ctx, "size", 0, l)
		if err != nil || top != last || top.Offset != 5 || len(pubs) != 3 {
			t.Fatalf("History = %+v, %v, %v; want offsets 3..5 at %v", pubs, top, err, last)
		}
		for i, p := range pubs {
			if p.Position.Offset != uint64(3+i) || p.Payload != fmt.Sprintf("m%d", 2+i) || p.Position.Epoch != last.Epoch || p.Channel != "size" {
				t.Fatalf("publication %d = %+v", i, p)
			}
		}
		if pubs, _, _ := b.History(ctx, "size", 4, l); len(pubs) != 1 || pubs[0].Position.Offset != 5 {
			t.Fatalf("History after 4 = %+v, want offset 5 only", pubs)
		}
	})
	t.Run("publications older than TTL are not returned", func(t *testing.T) {
		b := newTestBroker(t, rs, "")
		l := sockjs.HistoryLimits{TTL: 50 * time.Millisecond}
		publish(t, b, "ttl", 2, l)
		deadline := time.Now().Add(5 * time.Second)
		for {
			pubs, top, err := b.History(ctx, "ttl", 0, l)
			if err != nil {
				t.Fatal(err)
			}
			if len(pubs) == 0 {
				if top.Offset != 2 {
					t.Fatalf("position after expiry = %v, want offset 2 kept", top)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still kept after its TTL: %+v", pubs)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("a lost epoch starts a new one at offset 1 with an empty history", func(t *testing.T) {
		b := newTestBroker(t, rs, "app1:")
		old := publish(t, b, "lost", 3, sockjs.HistoryLimits{})
		if err := b.Client().Del(ctx, "app1:#history:{lost}:meta").Err(); err != nil {
			t.Fatal(err)
		}
		pubs, top, err := b.History(ctx, "lost", 0, sockjs.HistoryLimits{})
		if err != nil || len(pubs) != 0 || top.Offset != 0 || top.Epoch == old.Epoch || top.Epoch == "" {
			t.Fatalf("after the meta key was lost: %+v, %v, %v; want an empty history in a new epoch", pubs, top, err)
		}
		if pos := publish(t, b, "lost", 1, sockjs.HistoryLimits{}); pos.Offset != 1 || pos.Epoch != top.Epoch {
			t.Fatalf("first publication of the new epoch at %v", pos)
		}
	})
	t.Run("subscribers get each publication framed with its position", func(t *testing.T) {
		b := newTestBroker(t, rs, "")
		got := make(chan []byte, 1)
		unsub, err := b.Subscribe(ctx, "framed", func(p []byte) { got <- append([]byte(nil), p...) })
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
		pos := publish(t, b, "framed", 1, sockjs.HistoryLimits{})
		select {
		case f := <-got:
			if want := sockjs.EncodePublicationFrame(pos, []byte("m0")); string(f) != string(want) {
				t.Fatalf("frame %q, want %q", f, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no publication")
		}
	})
	t.Run("a closed broker refuses", func(t *testing.T) {
		b := newTestBroker(t, rs, "")
		b.Close()
		if _, err := b.PublishHistory(ctx, "c", []byte("x"), sockjs.HistoryLimits{}); err != sockjs.ErrBrokerClosed {
			t.Fatalf("PublishHistory after Close = %v", err)
		}
		if _, _, err := b.History(ctx, "c", 0, sockjs.HistoryLimits{}); err != sockjs.ErrBrokerClosed {
			t.Fatalf("History after Close = %v", err)
		}
	})
}
