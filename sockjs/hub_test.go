package sockjs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// waitLimit bounds every wait in these tests.
const waitLimit = 10 * time.Second

// backend is one way for several hubs to share channels: one MemoryBroker
// (one process) or one redis-server (several processes).
type backend struct {
	name string
	// broker returns a new broker on the backend; for Redis, a new
	// connection to the same redis-server.
	broker func(t testing.TB, opts redisbroker.Options) sockjs.Broker
	// presence returns the Presence for a hub on that broker.
	presence func(t testing.TB, b sockjs.Broker) sockjs.Presence
}

// backends is the table every shared behaviour test runs against.
func backends() []backend {
	var (
		mu  sync.Mutex
		mem = map[testing.TB]*sockjs.MemoryBroker{}
		mp  = map[testing.TB]*sockjs.MemoryPresence{}
		rs  = map[testing.TB]*redistest.Server{}
	)
	return []backend{
		{
			name: "memory",
			broker: func(t testing.TB, _ redisbroker.Options) sockjs.Broker {
				mu.Lock()
				defer mu.Unlock()
				if mem[t] == nil {
					mem[t] = sockjs.NewMemoryBroker()
				}
				return mem[t]
			},
			presence: func(t testing.TB, _ sockjs.Broker) sockjs.Presence {
				mu.Lock()
				defer mu.Unlock()
				if mp[t] == nil {
					mp[t] = sockjs.NewMemoryPresence()
				}
				return mp[t]
			},
		},
		{
			name: "redis",
			broker: func(t testing.TB, opts redisbroker.Options) sockjs.Broker {
				mu.Lock()
				srv := rs[t]
				if srv == nil {
					srv = redistest.Start(t)
					rs[t] = srv
				}
				mu.Unlock()
				opts.URL = srv.URL()
				if opts.Logger == nil {
					opts.Logger = quietLogger()
				}
				b, err := redisbroker.New(opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				waitFor(t, "broker ready", b.Ready)
				return b
			},
			presence: func(t testing.TB, b sockjs.Broker) sockjs.Presence {
				p := redisbroker.NewPresence(b.(*redisbroker.Broker), &redisbroker.PresenceOptions{TTL: 600 * time.Millisecond})
				t.Cleanup(func() { p.Close() })
				return p
			},
		},
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitFor polls cond until it holds, failing the test after waitLimit.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// node is one server process: a Hub and a SockJS server whose sessions
// subscribe to the channels in their ?ch= query (comma separated), with the
// presence identity in ?user=.
type node struct {
	hub    *sockjs.Hub
	srv    *sockjs.Server
	http   *httptest.Server
	closed chan closeInfo
}

type closeInfo struct {
	code int
	user string
}

type nodeHandler struct {
	n *node
	s *sockjs.Session
}

func (h *nodeHandler) OnOpen(s *sockjs.Session) error {
	h.s = s
	for _, ch := range strings.Split(s.Request().Query().Get("ch"), ",") {
		if ch == "" {
			continue
		}
		if err := h.n.hub.Subscribe(s, ch); err != nil {
			return err
		}
	}
	return nil
}

func (h *nodeHandler) OnMessage(string) {}

func (h *nodeHandler) OnClose() {
	code, _ := h.s.CloseStatus()
	select {
	case h.n.closed <- closeInfo{code, h.s.Request().Query().Get("user")}:
	default:
	}
}

func newNode(t testing.TB, b sockjs.Broker, hopts *sockjs.HubOptions, sopts *sockjs.Options) *node {
	t.Helper()
	if hopts == nil {
		hopts = &sockjs.HubOptions{}
	}
	if hopts.Logger == nil {
		hopts.Logger = quietLogger()
	}
	if sopts == nil {
		sopts = &sockjs.Options{}
	}
	if sopts.Logger == nil {
		sopts.Logger = quietLogger()
	}
	n := &node{hub: sockjs.NewHub(b, hopts), closed: make(chan closeInfo, 1024)}
	n.srv = sockjs.NewServer("/hub", func() sockjs.Handler { return &nodeHandler{n: n} }, sopts)
	n.http = httptest.NewServer(n.srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		n.srv.Shutdown(ctx)
		n.http.Close()
		n.hub.Close()
	})
	return n
}

// client is a browser stand-in on the SockJS websocket transport.
type client struct {
	t       testing.TB
	ws      *websocket.Conn
	pending []string
}

var sessionSeq struct {
	sync.Mutex
	n int
}

// dial opens a SockJS websocket session on n with the given query and
// returns once the server sent "o" (OnOpen, and so every Subscribe, is done).
func dial(t testing.TB, n *node, query string) *client {
	t.Helper()
	sessionSeq.Lock()
	sessionSeq.n++
	id := fmt.Sprintf("s%d", sessionSeq.n)
	sessionSeq.Unlock()
	url := "ws" + strings.TrimPrefix(n.http.URL, "http") + "/hub/000/" + id + "/websocket?" + query
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &client{t: t, ws: ws}
	if f := c.frame(); f != "o" {
		t.Fatalf("first frame = %q, want o", f)
	}
	return c
}

func (c *client) frame() string {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(waitLimit))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read frame: %v", err)
	}
	return string(data)
}

// next returns the next message the client received, skipping heartbeats.
func (c *client) next() string {
	c.t.Helper()
	m, err := c.tryNext()
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

// tryNext is next for goroutines other than the test's.
func (c *client) tryNext() (string, error) {
	for len(c.pending) == 0 {
		c.ws.SetReadDeadline(time.Now().Add(waitLimit))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return "", fmt.Errorf("read frame: %w", err)
		}
		f := string(data)
		switch {
		case f == "h":
		case strings.HasPrefix(f, "a"):
			var msgs []string
			if err := json.Unmarshal(data[1:], &msgs); err != nil {
				return "", fmt.Errorf("bad frame %q: %w", f, err)
			}
			c.pending = append(c.pending, msgs...)
		default:
			return "", fmt.Errorf("unexpected frame %.40q", f)
		}
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m, nil
}

// TestHubDeliversExactlyOnceInPublishOrder is behaviour 1: with two hubs
// sharing a backend, what a publisher on either publishes reaches every
// subscriber on both exactly once, in publish order per publisher.
func TestHubDeliversExactlyOnceInPublishOrder(t *testing.T) {
	const perPublisher = 300
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			a := newNode(t, be.broker(t, redisbroker.Options{}), nil, nil)
			b := newNode(t, be.broker(t, redisbroker.Options{}), nil, nil)
			clients := []*client{
				dial(t, a, "ch=room:1"), dial(t, a, "ch=room:1,room:2"),
				dial(t, b, "ch=room:1"), dial(t, b, "ch=room:2,room:1"),
			}
			other := dial(t, b, "ch=room:2") // must see nothing of room:1

			var wg sync.WaitGroup
			for _, p := range []struct {
				name string
				hub  *sockjs.Hub
			}{{"A", a.hub}, {"B", b.hub}} {
				wg.Go(func() {
					for i := range perPublisher {
						if err := p.hub.Publish(context.Background(), "room:1", fmt.Sprintf("%s-%d", p.name, i)); err != nil {
							t.Errorf("publish: %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			// Markers published after every stream message: nothing of the
			// streams (a late duplicate) may follow them.
			for _, ch := range []string{"room:1", "room:2"} {
				if err := a.hub.Publish(context.Background(), ch, "end of "+ch); err != nil {
					t.Fatal(err)
				}
			}
			for ci, c := range clients {
				next := map[string]int{"A": 0, "B": 0}
				for range 2 * perPublisher {
					m := c.next()
					pub, _, _ := strings.Cut(m, "-")
					if want := fmt.Sprintf("%s-%d", pub, next[pub]); m != want {
						t.Fatalf("client %d got %q, want %q (duplicate, loss or reorder)", ci, m, want)
					}
					next[pub]++
				}
				if m := c.next(); m != "end of room:1" {
					t.Fatalf("client %d got %q after the streams, want the room:1 marker", ci, m)
				}
				if ci == 1 || ci == 3 {
					if m := c.next(); m != "end of room:2" {
						t.Fatalf("client %d got %q, want the room:2 marker", ci, m)
					}
				}
			}
			if m := other.next(); m != "end of room:2" {
				t.Fatalf("room:2 subscriber got %q, want only the room:2 marker", m)
			}
		})
	}
}

// logBuffer is the package's concurrency-safe log sink (env_test.go).
type logBuffer = sockjs.SyncBuffer

func loggerTo(l *logBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// events records broker events.
type events struct {
	mu  sync.Mutex
	evs []sockjs.BrokerEvent
}

func (e *events) add(ev sockjs.BrokerEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, ev)
}

func (e *events) kinds() []sockjs.BrokerEventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ks []sockjs.BrokerEventKind
	for _, ev := range e.evs {
		ks = append(ks, ev.Kind)
	}
	return ks
}

func (e *events) last() sockjs.BrokerEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.evs[len(e.evs)-1]
}

// counterValue reads a counter or gauge from a registry.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			return c.GetValue()
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

// TestRedisRestartResubscribesAndReportsGap is behaviour 2: Redis killed
// and restarted mid-stream. The broker goes not ready at once, reconnects
// and resubscribes by itself, delivery resumes with no server restart, and
// the gap is reported by an event, a log line and a metric.
func TestRedisRestartResubscribesAndReportsGap(t *testing.T) {
	rs := redistest.Start(t)
	var logs logBuffer
	var evs events
	reg := prometheus.NewRegistry()
	mk := func(opts redisbroker.Options) *redisbroker.Broker {
		opts.URL = rs.URL()
		opts.ReconnectMin, opts.ReconnectMax = 20*time.Millisecond, 100*time.Millisecond
		opts.HealthInterval = 200 * time.Millisecond
		b, err := redisbroker.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		waitFor(t, "broker ready", b.Ready)
		return b
	}
	ba := mk(redisbroker.Options{Logger: quietLogger()})
	bb := mk(redisbroker.Options{Logger: loggerTo(&logs), OnEvent: evs.add, Registerer: reg})
	a := newNode(t, ba, nil, nil)
	b := newNode(t, bb, nil, nil)
	c := dial(t, b, "ch=room:1")

	publish := func(msg string) error { return a.hub.Publish(context.Background(), "room:1", msg) }
	if err := publish("before"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m != "before" {
		t.Fatalf("got %q, want before", m)
	}
	if got := counterValue(t, reg, "sockjs_broker_ready"); got != 1 {
		t.Fatalf("ready gauge = %v while connected, want 1", got)
	}

	rs.Stop()
	waitFor(t, "not ready after Redis stopped", func() bool { return !bb.Ready() && !b.hub.Ready() })
	if err := publish("while down"); err == nil {
		t.Fatal("publish succeeded with Redis down")
	}
	waitFor(t, "down event", func() bool { return slices.Contains(evs.kinds(), sockjs.BrokerDown) })
	if got := counterValue(t, reg, "sockjs_broker_ready"); got != 0 {
		t.Fatalf("ready gauge = %v while down, want 0", got)
	}

	rs.Start()
	waitFor(t, "ready after Redis restarted", bb.Ready)
	waitFor(t, "publisher ready", ba.Ready)
	waitFor(t, "resubscribed event", func() bool { return slices.Contains(evs.kinds(), sockjs.BrokerResubscribed) })
	ev := evs.last()
	if ev.Kind != sockjs.BrokerResubscribed || !slices.Contains(ev.Channels, "room:1") || ev.Down <= 0 {
		t.Fatalf("gap event = %+v, want resubscribed with room:1 and a duration", ev)
	}
	if got := counterValue(t, reg, "sockjs_broker_gaps_total"); got != 1 {
		t.Fatalf("gaps_total = %v, want 1", got)
	}
	if !strings.Contains(logs.String(), "resubscribed after a gap") {
		t.Fatalf("no gap log line in:\n%s", logs.String())
	}
	if err := publish("after"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m != "after" {
		t.Fatalf("got %q after the restart, want after", m)
	}
}

// TestRedisSubscriptionLossIsNotReady checks that health follows the
// subscription itself, not PING: when Redis drops only the pub/sub
// connection (CLIENT KILL TYPE pubsub) while commands still work, the broker
// is not ready until it has resubscribed, and reports the gap.
func TestRedisSubscriptionLossIsNotReady(t *testing.T) {
	rs := redistest.Start(t)
	var evs events
	var mu sync.Mutex
	var readyAtDown []bool
	var bb *redisbroker.Broker
	onEvent := func(ev sockjs.BrokerEvent) {
		if ev.Kind == sockjs.BrokerDown {
			mu.Lock()
			readyAtDown = append(readyAtDown, bb.Ready())
			mu.Unlock()
		}
		evs.add(ev)
	}
	var err error
	bb, err = redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quietLogger(), OnEvent: onEvent,
		ReconnectMin: 300 * time.Millisecond, ReconnectMax: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bb.Close() })
	waitFor(t, "ready", bb.Ready)
	n := newNode(t, bb, nil, nil)
	c := dial(t, n, "ch=room:1")

	// The publish connection still answers; only the subscription dies.
	if err := bb.Client().Do(context.Background(), "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "down event", func() bool { return slices.Contains(evs.kinds(), sockjs.BrokerDown) })
	if err := bb.Client().Ping(context.Background()).Err(); err != nil {
		t.Fatalf("PING failed, the test needs it to work: %v", err)
	}
	mu.Lock()
	if len(readyAtDown) == 0 || readyAtDown[0] {
		t.Fatalf("Ready() at the down event = %v, want false", readyAtDown)
	}
	mu.Unlock()
	waitFor(t, "resubscribed", func() bool { return slices.Contains(evs.kinds(), sockjs.BrokerResubscribed) })
	if !bb.Ready() {
		t.Fatal("not ready after resubscribing")
	}
	if err := n.hub.Publish(context.Background(), "room:1", "again"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m != "again" {
		t.Fatalf("got %q, want again", m)
	}
}

// TestRedisUnavailableAtStart is behaviour 3: the broker starts without
// Redis, says so in the log, is not ready, accepts subscriptions, and
// delivers once Redis appears.
func TestRedisUnavailableAtStart(t *testing.T) {
	rs := redistest.Start(t)
	rs.Stop()
	var logs logBuffer
	bb, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: loggerTo(&logs),
		ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("New with Redis down: %v", err)
	}
	t.Cleanup(func() { bb.Close() })
	waitFor(t, "start log line", func() bool { return strings.Contains(logs.String(), "Redis unavailable at start") })
	if bb.Ready() {
		t.Fatal("ready with Redis down")
	}
	n := newNode(t, bb, nil, nil)
	if n.hub.Ready() {
		t.Fatal("hub ready with Redis down")
	}
	c := dial(t, n, "ch=room:1") // Subscribe must not wait for Redis
	if err := n.hub.Publish(context.Background(), "room:1", "lost"); err == nil {
		t.Fatal("publish succeeded with Redis down")
	}

	rs.Start()
	waitFor(t, "ready once Redis is up", bb.Ready)
	if err := n.hub.Publish(context.Background(), "room:1", "hello"); err != nil {
		t.Fatal(err)
	}
	if m := c.next(); m != "hello" {
		t.Fatalf("got %q, want hello", m)
	}
}

// TestSlowSubscriberDoesNotBlockDelivery is behaviour 4: a subscriber that
// never reads is closed by its session's slow-consumer policy, and the
// others get every message without waiting for it. The publisher keeps at
// most one batch ahead of the reading client, so only the subscriber that
// does not read can go over its queue limit.
func TestSlowSubscriberDoesNotBlockDelivery(t *testing.T) {
	const (
		messages = 10000
		batch    = 50
	)
	payload := strings.Repeat("x", 2048)
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			n := newNode(t, be.broker(t, redisbroker.Options{}), nil, &sockjs.Options{SendQueueBytes: 256 << 10})
			fast := dial(t, n, "ch=room:1&user=fast")
			_ = dial(t, n, "ch=room:1&user=slow") // never reads

			progress := make(chan int, messages/batch+1)
			failed := make(chan error, 1)
			go func() {
				for i := range messages {
					m, err := fast.tryNext()
					if err != nil {
						failed <- fmt.Errorf("message %d: %w", i, err)
						return
					}
					if m != fmt.Sprintf("%d:%s", i, payload) {
						failed <- fmt.Errorf("message %d wrong: %.20q", i, m)
						return
					}
					if (i+1)%batch == 0 {
						progress <- i + 1
					}
				}
			}()
			for i := range messages {
				if i > 0 && i%batch == 0 {
					select {
					case <-progress:
					case err := <-failed:
						t.Fatal(err)
					case <-time.After(waitLimit):
						t.Fatalf("reading client stuck at %d", i)
					}
				}
				if err := n.hub.Publish(context.Background(), "room:1", fmt.Sprintf("%d:%s", i, payload)); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-progress:
			case err := <-failed:
				t.Fatal(err)
			case <-time.After(waitLimit):
				t.Fatal("reading client did not get the last batch")
			}
			select {
			case ci := <-n.closed:
				if ci.user != "slow" || ci.code != sockjs.CloseSlowConsumer {
					t.Fatalf("closed %+v, want the slow session with CloseSlowConsumer", ci)
				}
			case <-time.After(waitLimit):
				t.Fatal("slow subscriber was never closed")
			}
		})
	}
}

// spyBroker fails the test if anything reaches the real broker.
type spyBroker struct {
	sockjs.Broker
	t *testing.T
}

func (s spyBroker) Publish(ctx context.Context, ch string, p []byte) error {
	s.t.Errorf("invalid publish reached the broker: channel %q, %d bytes", ch, len(p))
	return s.Broker.Publish(ctx, ch, p)
}

// TestHubValidatesBeforeTheBroker is behaviour 5: channel names and
// payloads are checked before they reach the broker, with errors that say
// what is wrong.
func TestHubValidatesBeforeTheBroker(t *testing.T) {
	hub := sockjs.NewHub(spyBroker{sockjs.NewMemoryBroker(), t}, &sockjs.HubOptions{MaxPayload: 16})
	defer hub.Close()
	cases := []struct {
		rule, channel, payload string
		want                   error
	}{
		{"empty channel", "", "hi", sockjs.ErrInvalidChannel},
		{"channel over 128 bytes", strings.Repeat("a", 129), "hi", sockjs.ErrInvalidChannel},
		{"space in channel", "room 1", "hi", sockjs.ErrInvalidChannel},
		{"glob characters in channel", "room:*", "hi", sockjs.ErrInvalidChannel},
		{"hash reserved for the hub", "#presence:room", "hi", sockjs.ErrInvalidChannel},
		{"control character in channel", "room\n1", "hi", sockjs.ErrInvalidChannel},
		{"non-ASCII channel", "комната", "hi", sockjs.ErrInvalidChannel},
		{"payload over the limit", "room:1", strings.Repeat("x", 17), sockjs.ErrPayloadTooLarge},
		{"payload not UTF-8", "room:1", "\xff\xfe", sockjs.ErrInvalidPayload},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			err := hub.Publish(context.Background(), c.channel, c.payload)
			if !errors.Is(err, c.want) {
				t.Fatalf("Publish(%q) = %v, want %v", c.channel, err, c.want)
			}
		})
	}
	for _, ok := range []string{"room:1", "a", strings.Repeat("z", 128), "user@example.com/inbox", "A-Z_0.9=x"} {
		if err := sockjs.ValidateChannel(ok); err != nil {
			t.Errorf("ValidateChannel(%q) = %v, want nil", ok, err)
		}
	}
}

// TestSubscribeRejectsInvalidChannel checks a client-chosen name is refused
// at Subscribe too, closing nothing but the request.
func TestSubscribeRejectsInvalidChannel(t *testing.T) {
	n := newNode(t, sockjs.NewMemoryBroker(), nil, nil)
	url := "ws" + strings.TrimPrefix(n.http.URL, "http") + "/hub/000/bad/websocket?ch=room*"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(waitLimit))
	_, f, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(f), "c[4000,") || !strings.Contains(string(f), "invalid channel") {
		t.Fatalf("frame %q, want a rejection naming the invalid channel", f)
	}
}

// TestSubscriptionsEndWhenSessionCloses checks that a closed session leaves
// its channels (and the broker subscription goes with the last one).
func TestSubscriptionsEndWhenSessionCloses(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			n := newNode(t, be.broker(t, redisbroker.Options{}), nil, nil)
			c := dial(t, n, "ch=room:1,room:2")
			if got := n.hub.Subscribers("room:1"); got != 1 {
				t.Fatalf("subscribers = %d, want 1", got)
			}
			c.ws.Close()
			waitFor(t, "subscriptions gone", func() bool {
				return n.hub.Subscribers("room:1") == 0 && n.hub.Subscribers("room:2") == 0
			})
		})
	}
}

// presenceLog records presence events.
type presenceLog struct {
	mu  sync.Mutex
	evs []string
}

func (p *presenceLog) add(ev sockjs.PresenceEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	verb := "left"
	if ev.Joined {
		verb = "joined"
	}
	p.evs = append(p.evs, ev.Member.Identity+" "+verb+" "+ev.Channel)
}

func (p *presenceLog) has(s string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Contains(p.evs, s)
}

func identities(ms []sockjs.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Identity)
	}
	slices.Sort(out)
	return out
}

// TestPresenceAcrossHubs checks that presence is shared by hubs on one
// backend: who is in, and join and leave events on both.
func TestPresenceAcrossHubs(t *testing.T) {
	identity := func(s *sockjs.Session) string { return s.Request().Query().Get("user") }
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			var evA presenceLog
			brA := be.broker(t, redisbroker.Options{})
			brB := be.broker(t, redisbroker.Options{})
			a := newNode(t, brA, &sockjs.HubOptions{Identity: identity, Presence: be.presence(t, brA), OnPresence: evA.add}, nil)
			b := newNode(t, brB, &sockjs.HubOptions{Identity: identity, Presence: be.presence(t, brB)}, nil)
			_ = dial(t, a, "ch=room:1&user=ann")
			bob := dial(t, b, "ch=room:1&user=bob")
			_ = dial(t, b, "ch=room:2&user=cid")

			waitFor(t, "bob's join event on A", func() bool { return evA.has("bob joined room:1") })
			for _, h := range []*sockjs.Hub{a.hub, b.hub} {
				ms, err := h.Members(context.Background(), "room:1")
				if err != nil {
					t.Fatal(err)
				}
				if got := identities(ms); !slices.Equal(got, []string{"ann", "bob"}) {
					t.Fatalf("members = %v, want [ann bob]", got)
				}
			}
			bob.ws.Close()
			waitFor(t, "bob's leave event on A", func() bool { return evA.has("bob left room:1") })
			ms, err := a.hub.Members(context.Background(), "room:1")
			if err != nil {
				t.Fatal(err)
			}
			if got := identities(ms); !slices.Equal(got, []string{"ann"}) {
				t.Fatalf("members after bob left = %v, want [ann]", got)
			}
			if evA.has("cid joined room:2") {
				t.Fatal("A got an event of a channel it has no subscriber in")
			}
		})
	}
}

// TestPresenceForgetsCrashedProcess checks that the members of a process
// that stops refreshing them disappear by themselves, with one leave event.
func TestPresenceForgetsCrashedProcess(t *testing.T) {
	rs := redistest.Start(t)
	mk := func() *redisbroker.Broker {
		b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		waitFor(t, "ready", b.Ready)
		return b
	}
	const ttl = 300 * time.Millisecond
	brA, brCrash := mk(), mk()
	var evA presenceLog
	pA := redisbroker.NewPresence(brA, &redisbroker.PresenceOptions{TTL: ttl, Logger: quietLogger()})
	t.Cleanup(func() { pA.Close() })
	a := newNode(t, brA, &sockjs.HubOptions{
		Identity:     func(s *sockjs.Session) string { return s.Request().Query().Get("user") },
		Presence:     pA,
		OnPresence:   evA.add,
		ReapInterval: 50 * time.Millisecond,
	}, nil)
	_ = dial(t, a, "ch=room:1&user=ann")

	crashed := redisbroker.NewPresence(brCrash, &redisbroker.PresenceOptions{TTL: ttl, Logger: quietLogger()})
	if err := crashed.Join(context.Background(), "room:1", sockjs.Member{ID: "dead.1", Identity: "zed"}); err != nil {
		t.Fatal(err)
	}
	ms, err := a.hub.Members(context.Background(), "room:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := identities(ms); !slices.Equal(got, []string{"ann", "zed"}) {
		t.Fatalf("members = %v, want [ann zed]", got)
	}
	brCrash.Close() // the process dies: its refreshes fail from now on
	waitFor(t, "zed's leave event", func() bool { return evA.has("zed left room:1") })
	// A refresh the crashed process had under way when it died may land
	// after the reap and bring zed back until the next one: wait on the
	// state, bounded, rather than read it once.
	waitFor(t, "members after the crash = [ann]", func() bool {
		ms, err := a.hub.Members(context.Background(), "room:1")
		return err == nil && slices.Equal(identities(ms), []string{"ann"})
	})
	crashed.Close() // stops its goroutine; its Redis client is gone
}

// BenchmarkHubPublishDeliver measures publish -> deliver through a Hub with
// 1000 subscribers spread over 1 or 2 hubs (processes), through
// MemoryBroker and through Redis on loopback. rate=max publishes as fast as
// the publishers can (four per hub, in parallel); rate=N paces them to N
// publishes/s in total.
//
// clients=websocket: every subscriber is a websocket client in this process
// reading its frames, so the clients' CPU is part of the cost (2 cores run
// everything). clients=queued: every subscriber is an xhr-polling session
// nobody polls, so the numbers are the library's part alone: broker, encode
// once, queue on each session. Those queues are never drained, so the heap
// grows by a pointer per session per publish and the garbage collector's
// scanning of it dominates the p99 (compare with GOGC=off); a served
// session's queue is drained by its writer. clients=drained: the same
// sessions with their queues emptied every millisecond, as writers would,
// which is the library's part under a realistic heap.
//
// Reported: publishes/s, deliveries/s (messages read by the clients),
// p50/p99-ms: publish -> queued on every local session of a hub,
// e2e-p99-ms: publish -> read by a websocket client, and for Redis
// redis-cmds/publish, PUBLISH commands Redis executed per publish.
func BenchmarkHubPublishDeliver(b *testing.B) {
	for _, clients := range []string{"queued", "drained", "websocket"} {
		for _, backend := range []string{"memory", "redis"} {
			for _, hubs := range []int{1, 2} {
				rates := []int{0, 10000}
				if clients == "websocket" {
					rates = []int{0, 1000}
				}
				for _, rate := range rates {
					r := "max"
					if rate > 0 {
						r = strconv.Itoa(rate)
					}
					b.Run(fmt.Sprintf("clients=%s/%s/hubs=%d/subs=1000/rate=%s", clients, backend, hubs, r), func(b *testing.B) {
						benchPublishDeliver(b, backend, hubs, 1000, rate, clients)
					})
				}
			}
		}
	}
}

// latencies collects durations from several goroutines.
type latencies struct {
	mu sync.Mutex
	ds []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ds = append(l.ds, d)
	l.mu.Unlock()
}

func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ds) == 0 {
		return 0
	}
	slices.Sort(l.ds)
	return l.ds[min(len(l.ds)-1, int(q*float64(len(l.ds))))]
}

// sentAt reads the publish time at the head of a benchmark payload.
func sentAt(p []byte) time.Time {
	digits, _, _ := bytes.Cut(p, []byte("x"))
	n, _ := strconv.ParseInt(string(digits), 10, 64)
	return time.Unix(0, n)
}

func benchPublishDeliver(b *testing.B, backend string, hubs, subs, rate int, clients string) {
	reading := clients == "websocket"
	ctx := context.Background()
	brokers := make([]sockjs.Broker, hubs)
	var rs *redistest.Server
	var gaps atomic.Int64
	onEvent := func(ev sockjs.BrokerEvent) {
		if ev.Kind == sockjs.BrokerDown {
			gaps.Add(1)
			b.Logf("broker down during the benchmark: %v", ev.Err)
		}
	}
	switch backend {
	case "memory":
		mb := sockjs.NewMemoryBroker()
		for i := range brokers {
			brokers[i] = mb
		}
	case "redis":
		rs = redistest.Start(b)
		for i := range brokers {
			rb, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quietLogger(), OnEvent: onEvent})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rb.Close() })
			waitFor(b, "ready", rb.Ready)
			brokers[i] = rb
		}
	}
	nodes := make([]*node, hubs)
	for i := range nodes {
		nodes[i] = newNode(b, brokers[i], nil, &sockjs.Options{SendQueueBytes: 1 << 30, DisconnectDelay: 10 * time.Minute})
	}

	var received atomic.Int64
	var e2e latencies
	var drains sync.WaitGroup
	for i := range subs {
		if !reading {
			openQueued(b, nodes[i%hubs], "ch=bench")
			continue
		}
		c := dial(b, nodes[i%hubs], "ch=bench")
		probe := i < hubs // one end-to-end probe client per hub
		drains.Go(func() {
			for {
				_, data, err := c.ws.ReadMessage()
				if err != nil {
					return
				}
				if len(data) == 0 || data[0] != 'a' {
					continue
				}
				received.Add(int64(bytes.Count(data, []byte(`","`)) + 1))
				if probe {
					for _, m := range bytes.Split(data[3:], []byte(`","`)) {
						e2e.add(time.Since(sentAt(m)))
					}
				}
			}
		})
	}
	b.Cleanup(drains.Wait) // the clients close first (cleanups run last first)
	if clients == "drained" {
		// Stand-ins for the writers: every millisecond each hub's sessions
		// have their queues emptied, as served sessions would.
		stop := make(chan struct{})
		for _, n := range nodes {
			sessions := n.srv.Sessions()
			drains.Go(func() {
				t := time.NewTicker(time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						for _, s := range sessions {
							sockjs.DrainQueue(s)
						}
					}
				}
			})
		}
		b.Cleanup(func() { close(stop) })
	}

	// A probe subscribed after the hub runs after the hub handed the payload
	// to every local session.
	var fanout latencies
	var fanned atomic.Int64
	for _, br := range brokers[:hubs] {
		u, err := br.Subscribe(ctx, "bench", func(p []byte) {
			fanout.add(time.Since(sentAt(p)))
			fanned.Add(1)
		})
		if err != nil {
			b.Fatal(err)
		}
		defer u()
	}
	var redisPublishesBefore int64
	if rs != nil {
		redisPublishesBefore = publishCalls(b, brokers[0].(*redisbroker.Broker))
	}
	pad := strings.Repeat("x", 32)

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	// publishersPerHub publishers per hub, so that the rate is not bound by
	// one publisher's Redis round trip; order holds per publisher.
	const publishersPerHub = 4
	publishers := hubs * publishersPerHub
	var pubs sync.WaitGroup
	for g := range publishers {
		n := b.N / publishers
		if g == 0 {
			n += b.N % publishers
		}
		hub := nodes[g%hubs].hub
		pubs.Go(func() {
			var interval time.Duration
			if rate > 0 {
				interval = time.Duration(publishers) * time.Second / time.Duration(rate)
			}
			offset := time.Duration(g) * interval / time.Duration(publishers)
			for i := range n {
				if interval > 0 {
					if d := time.Until(start.Add(offset + time.Duration(i)*interval)); d > 0 {
						time.Sleep(d)
					}
				}
				payload := strconv.FormatInt(time.Now().UnixNano(), 10) + pad
				if err := hub.Publish(ctx, "bench", payload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	pubs.Wait()
	want := int64(b.N) * int64(subs)
	deadline := time.Now().Add(2 * time.Minute)
	if !reading {
		// Every hub handed every payload to its sessions.
		for fanned.Load() < int64(b.N)*int64(hubs) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
		received.Store(fanned.Load() / int64(hubs) * int64(subs))
	}
	for received.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if got := received.Load(); got != want {
		closes := map[int]int{}
		for _, n := range nodes {
			for len(n.closed) > 0 {
				closes[(<-n.closed).code]++
			}
		}
		b.Fatalf("clients read %d messages, want %d (after %s; %d broker gaps; sessions closed early by code: %v)",
			got, want, elapsed, gaps.Load(), closes)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "publishes/s")
	b.ReportMetric(float64(want)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(fanout.quantile(0.50))/1e6, "p50-ms")
	b.ReportMetric(float64(fanout.quantile(0.99))/1e6, "p99-ms")
	if reading {
		b.ReportMetric(float64(e2e.quantile(0.99))/1e6, "e2e-p99-ms")
	}
	if rs != nil {
		calls := publishCalls(b, brokers[0].(*redisbroker.Broker)) - redisPublishesBefore
		b.ReportMetric(float64(calls)/float64(b.N), "redis-cmds/publish")
	}
}

// openQueued opens an xhr-polling session on n that nobody polls: what is
// published to it stays queued (bounded by Options.SendQueueBytes).
func openQueued(tb testing.TB, n *node, query string) {
	tb.Helper()
	sessionSeq.Lock()
	sessionSeq.n++
	id := fmt.Sprintf("q%d", sessionSeq.n)
	sessionSeq.Unlock()
	resp, err := http.Post(n.http.URL+"/hub/000/"+id+"/xhr?"+query, "text/plain", nil)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "o\n" {
		tb.Fatalf("xhr open: %q", body)
	}
}

// publishCalls returns how many PUBLISH commands Redis has executed.
func publishCalls(tb testing.TB, rb *redisbroker.Broker) int64 {
	info, err := rb.Client().Info(context.Background(), "commandstats").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for line := range strings.Lines(info) {
		if rest, ok := strings.CutPrefix(line, "cmdstat_publish:calls="); ok {
			n, _ := strconv.ParseInt(rest[:strings.IndexByte(rest, ',')], 10, 64)
			return n
		}
	}
	return 0
}

// gatedBroker is a MemoryBroker whose Subscribe to "room" blocks until
// released and then fails, like a broker that cannot confirm a subscription.
type gatedBroker struct {
	*sockjs.MemoryBroker
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (g *gatedBroker) Subscribe(ctx context.Context, ch string, fn func([]byte)) (func(), error) {
	if ch == "room" {
		g.once.Do(func() { close(g.entered) })
		<-g.release
		return nil, errors.New("broker: subscription refused")
	}
	return g.MemoryBroker.Subscribe(ctx, ch, fn)
}

type sessionGrabber struct{ got chan *sockjs.Session }

func (h *sessionGrabber) OnOpen(s *sockjs.Session) error { h.got <- s; return nil }
func (h *sessionGrabber) OnMessage(string)               {}
func (h *sessionGrabber) OnClose()                       {}

// openSessions serves a SockJS endpoint and opens n websocket sessions on
// it, returning the server's side of each; all are closed when t ends.
func openSessions(t *testing.T, n int) []*sockjs.Session {
	t.Helper()
	got := make(chan *sockjs.Session, n)
	srv := sockjs.NewServer("/r", func() sockjs.Handler { return &sessionGrabber{got: got} }, &sockjs.Options{Logger: quietLogger()})
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		_ = srv.Shutdown(ctx)
		ts.Close()
	})
	var ss []*sockjs.Session
	for i := range n {
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/r/000/"+strconv.Itoa(i)+"/websocket", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		ss = append(ss, <-got)
	}
	return ss
}

// Two concurrent Subscribe calls of one session to one channel whose broker
// subscription fails: the second must not report success for a
// subscription that never became live.
func TestRepeatedSubscribeSharesTheOutcome(t *testing.T) {
	s := openSessions(t, 1)[0]

	gb := &gatedBroker{MemoryBroker: sockjs.NewMemoryBroker(), entered: make(chan struct{}), release: make(chan struct{})}
	hub := sockjs.NewHub(gb, &sockjs.HubOptions{Logger: quietLogger()})
	defer hub.Close()

	first := make(chan error, 1)
	go func() { first <- hub.Subscribe(s, "room") }()
	select {
	case <-gb.entered:
	case <-time.After(waitLimit):
		t.Fatal("broker Subscribe never called")
	}
	second := make(chan error, 1)
	go func() { second <- hub.Subscribe(s, "room") }()
	time.Sleep(50 * time.Millisecond) // let the second call find the channel pending
	close(gb.release)
	err1 := <-first
	var err2 error
	select {
	case err2 = <-second:
	case <-time.After(waitLimit):
		t.Fatal("the second Subscribe never returned")
	}
	if err2 == nil && err1 != nil {
		// Wait until the failed subscription is cleaned up.
		waitFor(t, "cleanup", func() bool { return hub.Subscribers("room") == 0 })
		t.Fatalf("first Subscribe failed (%v) but the concurrent second returned nil; subscribers now %d",
			err1, hub.Subscribers("room"))
	}
}

// confirmingBroker is a MemoryBroker whose Subscribe waits, as redisbroker's
// does, for a confirmation (here: confirm being closed) or the caller's
// context, and then returns the subscription with no error.
type confirmingBroker struct {
	*sockjs.MemoryBroker
	entered chan struct{}
	confirm chan struct{}
	once    sync.Once
}

func (c *confirmingBroker) Subscribe(ctx context.Context, ch string, fn func([]byte)) (func(), error) {
	c.once.Do(func() { close(c.entered) })
	select {
	case <-c.confirm:
	case <-ctx.Done():
	}
	return c.MemoryBroker.Subscribe(ctx, ch, fn)
}

// Subscribe returns once the broker confirmed the subscription, also for a
// session that joins a channel whose first subscriber closes while that
// confirmation is pending: the wait is the channel's, not the first
// subscriber's.
func TestSubscribeWaitsForTheBrokerWhenTheFirstSubscriberLeaves(t *testing.T) {
	ss := openSessions(t, 2)
	cb := &confirmingBroker{MemoryBroker: sockjs.NewMemoryBroker(), entered: make(chan struct{}), confirm: make(chan struct{})}
	hub := sockjs.NewHub(cb, &sockjs.HubOptions{Logger: quietLogger()})
	defer hub.Close()

	go func() { _ = hub.Subscribe(ss[0], "room") }() // the first: its broker subscription waits
	<-cb.entered
	second := make(chan error, 1)
	go func() { second <- hub.Subscribe(ss[1], "room") }()
	_ = ss[0].Close(0, "") // the first subscriber leaves
	select {
	case err := <-second:
		t.Fatalf("second session's Subscribe returned %v before the broker confirmed", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(cb.confirm)
	select {
	case err := <-second:
		if err != nil {
			t.Fatalf("second session's Subscribe: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("second session's Subscribe never returned")
	}
}
