package sockjs_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// recorder collects what a broker handler receives.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) handle(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, string(p))
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// TestBrokerContract checks the Broker guarantees directly, on every
// backend: per-publisher order, one delivery per subscription, nothing after
// unsubscribe, nothing across channels, ErrBrokerClosed after Close.
func TestBrokerContract(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b1 := be.broker(t, redisbroker.Options{})
			b2 := be.broker(t, redisbroker.Options{})
			ctx := context.Background()
			var r1, r2, other recorder
			u1, err := b1.Subscribe(ctx, "c", r1.handle)
			if err != nil {
				t.Fatal(err)
			}
			u2, err := b2.Subscribe(ctx, "c", r2.handle)
			if err != nil {
				t.Fatal(err)
			}
			uo, err := b2.Subscribe(ctx, "d", other.handle)
			if err != nil {
				t.Fatal(err)
			}
			defer uo()
			var want []string
			for i := range 100 {
				p := fmt.Sprint(i)
				want = append(want, p)
				if err := b1.Publish(ctx, "c", []byte(p)); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "all delivered", func() bool { return len(r1.snapshot()) >= 100 && len(r2.snapshot()) >= 100 })
			for name, r := range map[string]*recorder{"same broker": &r1, "other broker": &r2} {
				if got := r.snapshot(); !slices.Equal(got, want) {
					t.Fatalf("%s got %d payloads out of order or duplicated: %v", name, len(got), got)
				}
			}
			if got := other.snapshot(); len(got) != 0 {
				t.Fatalf("subscriber of another channel got %v", got)
			}

			u1()
			u1() // idempotent
			if err := b2.Publish(ctx, "c", []byte("after")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "delivered after unsubscribe", func() bool { return len(r2.snapshot()) == 101 })
			time.Sleep(50 * time.Millisecond) // give a wrong delivery the time to land
			if got := r1.snapshot(); len(got) != 100 {
				t.Fatalf("unsubscribed handler got %d payloads, want 100", len(got))
			}
			u2()
		})
	}
}

// TestMemoryBrokerClosed checks that a closed MemoryBroker refuses work.
func TestMemoryBrokerClosed(t *testing.T) {
	b := sockjs.NewMemoryBroker()
	if !b.Ready() {
		t.Fatal("new MemoryBroker not ready")
	}
	b.Close()
	if b.Ready() {
		t.Fatal("closed MemoryBroker ready")
	}
	if err := b.Publish(context.Background(), "c", nil); !errors.Is(err, sockjs.ErrBrokerClosed) {
		t.Fatalf("Publish after Close = %v, want ErrBrokerClosed", err)
	}
	if _, err := b.Subscribe(context.Background(), "c", func([]byte) {}); !errors.Is(err, sockjs.ErrBrokerClosed) {
		t.Fatalf("Subscribe after Close = %v, want ErrBrokerClosed", err)
	}
}

// TestMemoryBrokerHandlerMaySubscribe checks that a handler may change
// subscriptions (and publish) without deadlocking the broker.
func TestMemoryBrokerHandlerMaySubscribe(t *testing.T) {
	b := sockjs.NewMemoryBroker()
	ctx := context.Background()
	var r recorder
	var unsub func()
	unsub, err := b.Subscribe(ctx, "c", func(p []byte) {
		r.handle(p)
		unsub()
		if err := b.Publish(ctx, "d", p); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var d recorder
	if _, err := b.Subscribe(ctx, "d", d.handle); err != nil {
		t.Fatal(err)
	}
	b.Publish(ctx, "c", []byte("1"))
	b.Publish(ctx, "c", []byte("2"))
	if got := r.snapshot(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("self-unsubscribing handler got %v, want [1]", got)
	}
	if got := d.snapshot(); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("re-published %v, want [1]", got)
	}
}

func ExampleValidateChannel() {
	fmt.Println(sockjs.ValidateChannel("room:42"))
	fmt.Println(sockjs.ValidateChannel("room 42"))
	// Output:
	// <nil>
	// sockjs: invalid channel name: "room 42": byte 4 (' ') is not a letter, digit or one of -_.:@/=
}

// BenchmarkBrokerPublishDeliver measures the broker path alone: publish ->
// handler on every broker (process), paced at rate publishes/s in total
// (0: as fast as possible), publishers alternating between the brokers. The
// Hub's local fan-out to sessions comes on top (BenchmarkHubPublishDeliver).
func BenchmarkBrokerPublishDeliver(b *testing.B) {
	for _, backend := range []string{"memory", "redis"} {
		for _, procs := range []int{1, 2} {
			for _, rate := range []int{0, 10000} {
				r := "max"
				if rate > 0 {
					r = fmt.Sprint(rate)
				}
				b.Run(fmt.Sprintf("%s/procs=%d/rate=%s", backend, procs, r), func(b *testing.B) {
					brokers := make([]sockjs.Broker, procs)
					var rs *redistest.Server
					if backend == "redis" {
						rs = redistest.Start(b) // per run: cleanups run after each b.N round
					}
					for i := range brokers {
						if rs == nil {
							brokers[i] = sockjs.NewMemoryBroker() // one process: both hubs share it
							if i > 0 {
								brokers[i] = brokers[0]
							}
							continue
						}
						rb, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quietLogger()})
						if err != nil {
							b.Fatal(err)
						}
						b.Cleanup(func() { rb.Close() })
						waitFor(b, "ready", rb.Ready)
						brokers[i] = rb
					}
					var lat latencies
					var got sync.WaitGroup
					got.Add(b.N * procs)
					for _, br := range brokers {
						u, err := br.Subscribe(context.Background(), "bench", func(p []byte) {
							lat.add(time.Since(sentAt(p)))
							got.Done()
						})
						if err != nil {
							b.Fatal(err)
						}
						defer u()
					}
					b.ReportAllocs()
					b.ResetTimer()
					start := time.Now()
					var pubs sync.WaitGroup
					for h := range procs {
						n := b.N / procs
						if h == 0 {
							n += b.N % procs
						}
						pubs.Go(func() {
							var interval time.Duration
							if rate > 0 {
								interval = time.Duration(procs) * time.Second / time.Duration(rate)
							}
							for i := range n {
								if interval > 0 {
									if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
										time.Sleep(d)
									}
								}
								p := []byte(fmt.Sprintf("%dx%032d", time.Now().UnixNano(), 0))
								if err := brokers[h].Publish(context.Background(), "bench", p); err != nil {
									b.Error(err)
									return
								}
							}
						})
					}
					pubs.Wait()
					got.Wait()
					elapsed := time.Since(start)
					b.StopTimer()
					b.ReportMetric(float64(b.N)/elapsed.Seconds(), "publishes/s")
					b.ReportMetric(float64(lat.quantile(0.50))/1e6, "p50-ms")
					b.ReportMetric(float64(lat.quantile(0.99))/1e6, "p99-ms")
				})
			}
		}
	}
}
