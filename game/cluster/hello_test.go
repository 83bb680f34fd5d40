package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

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
			n := bareNode("a", b)
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
				n.helloWhenLive(ctx, time.After)
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

// A process whose broker never comes looks whether it came with backoff:
// over a minute it asks Ready about once a second (after a few quicker
// first looks), not every 20 ms — and never waits longer than
// helloPollMax between two looks, so a broker that comes late is noticed
// within it. The minute is the test's own clock: each wait asked for
// passes at once.
func TestAProcessWhoseBrokerNeverComesLooksAboutOnceASecond(t *testing.T) {
	mb := sockjs.NewMemoryBroker()
	defer mb.Close()
	b := &lateBroker{Broker: mb} // never ready
	n := &Node{id: "a", cfg: Config{Broker: b}, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waited, longest time.Duration
	after := func(d time.Duration) <-chan time.Time {
		waited += d
		longest = max(longest, d)
		if waited >= time.Minute {
			cancel() // Stop, a minute after Start
			return nil
		}
		c := make(chan time.Time, 1)
		c <- time.Time{}
		return c
	}
	n.helloWhenLive(ctx, after)
	looks := b.calls.Load()
	// A look a second, and the doubling from 20 ms to a second: 7 more.
	// (The bound is the issue's, not helloPollMax's: a shorter maximum
	// must fail here.)
	if limit := int64(60 + 7); looks > limit {
		t.Errorf("Ready asked %d times in a minute of a broker that never comes, want at most %d", looks, limit)
	}
	if looks < 10 {
		t.Errorf("Ready asked %d times in a minute, want it looked at still (about once a second)", looks)
	}
	if longest > time.Second {
		t.Errorf("a wait of %v between two looks, want at most a second", longest)
	}
}
