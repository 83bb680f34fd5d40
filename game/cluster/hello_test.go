package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/sockjs"
)

// lateBroker is a broker that reports itself ready from the readyAt-th
// call of Ready on (never when readyAt is 0): a Redis that comes after
// the process started, or never.
type lateBroker struct {
	sockjs.Broker
	readyAt int64
	calls   atomic.Int64
}

func (b *lateBroker) Ready() bool {
	return b.calls.Add(1) >= b.readyAt && b.readyAt > 0
}

// A process whose broker was not connected at Start says hello once it
// is (the peers' rosters answering an earlier hello would be lost), and
// the goroutine that waits for it ends with the process when the broker
// never comes.
func TestAProcessWhoseBrokerComesLateSaysHelloThenAndLeavesNoGoroutine(t *testing.T) {
	for _, tc := range []struct {
		name    string
		readyAt int64
	}{
		{"the broker connects after a few looks: one hello", 4},
		{"the broker never connects: no hello, and the wait ends at Stop", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mb := sockjs.NewMemoryBroker()
			defer mb.Close()
			b := &lateBroker{Broker: mb, readyAt: tc.readyAt}
			n := &Node{id: "a", cfg: Config{Broker: b}, log: slog.New(slog.DiscardHandler),
				metrics: metrics{dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"})}}
			hellos := make(chan string, 4)
			unsub, err := mb.Subscribe(context.Background(), clubChannel, func(p []byte) {
				var nt note
				if json.Unmarshal(p, &nt) == nil {
					hellos <- nt.Kind
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer unsub()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				n.helloWhenLive(ctx)
			}()
			if tc.readyAt > 0 {
				select {
				case k := <-hellos:
					if k != noteHello {
						t.Errorf("the process said %q, want hello", k)
					}
				case <-time.After(time.Minute):
					t.Fatal("no hello once the broker is ready")
				}
				if c := b.calls.Load(); c != tc.readyAt {
					t.Errorf("Ready asked %d times, want %d (the hello as soon as it is)", c, tc.readyAt)
				}
			} else {
				for b.calls.Load() < 3 { // waiting: it looked a few times
					time.Sleep(time.Millisecond)
				}
			}
			cancel() // Stop
			select {
			case <-done:
			case <-time.After(time.Minute):
				t.Fatal("the wait for the broker did not end with the process")
			}
			select {
			case k := <-hellos:
				if tc.readyAt == 0 {
					t.Errorf("the process said %q with a broker never ready", k)
				} else {
					t.Errorf("the process said %q again", k)
				}
			default:
			}
		})
	}
}
