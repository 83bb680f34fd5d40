// Package redisbroker is a sockjs.Broker over Redis pub/sub
// (github.com/redis/go-redis/v9), so that several server processes pointing
// at one Redis share channels: a publish on any process reaches every
// subscriber on every process.
//
// One Redis round trip per publish, whatever the number of subscribers: each
// process holds one subscription connection and fans out locally. The broker
// connects in the background: a Redis that is down at start, or that
// restarts, only makes the broker not ready for a while. When it comes back,
// the broker resubscribes every channel by itself and reports the gap (a
// sockjs.BrokerEvent, a log line and a metric), because payloads published
// while the subscription was down are lost: Redis pub/sub is at most once.
//
// The Broker is also a sockjs.HistoryBroker: for the channels a Hub keeps
// history of (sockjs.HubOptions.History), each publish appends to a Redis
// stream and publishes in one Lua script, still one round trip, so a
// subscriber that comes back can recover what it missed, on any process
// (see history.go for the keys). A Redis restart without persistence loses
// the history and changes the channels' epochs: recovery then reports that
// it cannot recover, never a silent gap.
package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/trelljaz/trelljaz/sockjs"
)

// readyPing is the payload of the PING that marks the end of a
// (re)subscription: Redis answers commands on one connection in order, so
// its PONG means every SUBSCRIBE before it is live.
const readyPing = "trelljaz-ready"

// Options configure a Broker. The zero value of every field but URL means
// the documented default.
type Options struct {
	// URL of the Redis server, as redis.ParseURL takes it:
	// redis://[user:password@]host:port/db or rediss:// for TLS. Required.
	URL string

	// Prefix is prepended to every channel name in Redis, so that several
	// applications can share one Redis. Empty means none: channel "room:1"
	// is the Redis channel "room:1", which is what a website publishing with
	// redis-cli or any Redis client expects.
	Prefix string

	// HealthInterval is how long the subscription connection may be silent
	// before the broker sends a PING; no answer within another interval
	// means the connection is dead and the broker reconnects. Zero means 1
	// second.
	HealthInterval time.Duration

	// ReconnectMin and ReconnectMax bound the backoff between reconnection
	// attempts, which doubles from ReconnectMin up to ReconnectMax. Zero
	// means 100 ms and 5 s.
	ReconnectMin, ReconnectMax time.Duration

	// OnEvent, if set, is called with every change of the subscription
	// connection: sockjs.BrokerDown when it is lost, sockjs.BrokerResubscribed
	// (a gap: resync the listed channels) when it is back. It is called from
	// the broker's receive goroutine and must not block.
	OnEvent func(sockjs.BrokerEvent)

	// Registerer, if set, receives the broker's Prometheus metrics (see
	// Broker). Nil means no metrics. Nothing is registered globally.
	Registerer prometheus.Registerer

	// Logger receives the broker's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// Broker is a sockjs.Broker over Redis pub/sub. Make one with New; it is
// safe for concurrent use.
//
// Metrics, when Options.Registerer is set:
//
//	sockjs_broker_ready            1 while the subscription is live, else 0
//	sockjs_broker_gaps_total       times the subscription was lost and restored
//	sockjs_broker_published_total  payloads published
//	sockjs_broker_received_total   payloads received from Redis
type Broker struct {
	opts   Options
	log    *slog.Logger
	client *redis.Client
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// cmdMu orders the subscription commands written to Redis with the
	// changes to subs, so that an UNSUBSCRIBE and a following SUBSCRIBE of
	// one channel reach Redis in that order.
	cmdMu sync.Mutex

	mu      sync.RWMutex
	subs    map[string]*channelSubs // by Redis channel name
	ps      *redis.PubSub           // nil while disconnected
	down    chan struct{}           // closed when the current connection ends
	ready   bool
	closed  bool
	started bool // the first connection attempt has finished

	metrics metrics
}

// channelSubs are the local subscriptions of one channel.
type channelSubs struct {
	name      string // the sockjs channel name, without Prefix
	handlers  []*handler
	confirmed chan struct{} // closed when Redis confirmed the SUBSCRIBE
	isLive    bool
}

type handler struct{ fn func([]byte) }

type metrics struct {
	ready     prometheus.Gauge
	gaps      prometheus.Counter
	published prometheus.Counter
	received  prometheus.Counter
}

// New makes a Broker and starts connecting to Redis in the background. It
// fails only for a bad URL or a failed metrics registration: Redis being
// unreachable makes the broker start not ready, with a log line.
func New(opts Options) (*Broker, error) {
	if opts.URL == "" {
		return nil, errors.New("redisbroker: Options.URL is required")
	}
	ropts, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("redisbroker: parse URL: %w", err)
	}
	if opts.HealthInterval <= 0 {
		opts.HealthInterval = time.Second
	}
	if opts.ReconnectMin <= 0 {
		opts.ReconnectMin = 100 * time.Millisecond
	}
	if opts.ReconnectMax <= 0 {
		opts.ReconnectMax = 5 * time.Second
	}
	if opts.ReconnectMax < opts.ReconnectMin {
		opts.ReconnectMax = opts.ReconnectMin
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	m := metrics{
		ready:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "sockjs_broker_ready", Help: "1 while the Redis subscription is live, else 0."}),
		gaps:      prometheus.NewCounter(prometheus.CounterOpts{Name: "sockjs_broker_gaps_total", Help: "Times the Redis subscription was lost and restored; payloads may have been lost each time."}),
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "sockjs_broker_published_total", Help: "Payloads published to Redis."}),
		received:  prometheus.NewCounter(prometheus.CounterOpts{Name: "sockjs_broker_received_total", Help: "Payloads received from Redis."}),
	}
	if opts.Registerer != nil {
		for _, c := range []prometheus.Collector{m.ready, m.gaps, m.published, m.received} {
			if err := opts.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("redisbroker: register metrics: %w", err)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Broker{
		opts:    opts,
		log:     opts.Logger.With(slog.String("component", "redisbroker"), slog.String("redis", ropts.Addr)),
		client:  redis.NewClient(ropts),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		subs:    make(map[string]*channelSubs),
		metrics: m,
	}
	go b.run()
	return b, nil
}

// Client returns the broker's Redis client, for other Redis-backed parts of
// the application (such as Presence) to share its connection pool.
func (b *Broker) Client() *redis.Client { return b.client }

// Publish sends payload to channel with one PUBLISH: one round trip,
// however many processes and sessions subscribe.
func (b *Broker) Publish(ctx context.Context, channel string, payload []byte) error {
	b.mu.RLock()
	closed := b.closed
	b.mu.RUnlock()
	if closed {
		return sockjs.ErrBrokerClosed
	}
	if err := b.client.Publish(ctx, b.opts.Prefix+channel, payload).Err(); err != nil {
		return fmt.Errorf("redisbroker: publish to %q: %w", channel, err)
	}
	b.metrics.published.Inc()
	return nil
}

// PublishBatch sends payloads to channel, in their order, in one pipeline
// of PUBLISH commands: one round trip for the lot where Publish makes one
// each. It returns how many of them, from the first, Redis accepted; an
// error says why the rest were not (a connection lost mid-pipeline may
// still have delivered some of those). Delivery is at least once, as
// Publish's is: a pipeline whose answers are lost after Redis ran it
// (the connection cut) is sent again whole by the client's retries, so
// subscribers may hear its payloads twice, each time in order, and the
// count says all were sent.
func (b *Broker) PublishBatch(ctx context.Context, channel string, payloads [][]byte) (int, error) {
	b.mu.RLock()
	closed := b.closed
	b.mu.RUnlock()
	if closed {
		return 0, sockjs.ErrBrokerClosed
	}
	if len(payloads) == 0 {
		return 0, nil
	}
	name := b.opts.Prefix + channel
	cmds, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, payload := range payloads {
			p.Publish(ctx, name, payload)
		}
		return nil
	})
	sent := 0
	for _, c := range cmds {
		if c.Err() != nil {
			break
		}
		sent++
	}
	b.metrics.published.Add(float64(sent))
	if err != nil || sent < len(payloads) {
		return sent, fmt.Errorf("redisbroker: publish %d payloads to %q: %d sent: %w", len(payloads), channel, sent, err)
	}
	return sent, nil
}

// Subscribe calls fn with every payload published to channel. While the
// broker is connected it returns once Redis confirmed the subscription (or
// ctx is done, or the connection drops); while it is not, it returns at once
// and the channel is subscribed on reconnection. ctx bounds only that wait:
// the subscription is made even when ctx is done before Redis confirmed it.
func (b *Broker) Subscribe(ctx context.Context, channel string, fn func([]byte)) (func(), error) {
	name := b.opts.Prefix + channel
	h := &handler{fn: fn}

	b.cmdMu.Lock()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.cmdMu.Unlock()
		return nil, sockjs.ErrBrokerClosed
	}
	cs := b.subs[name]
	isNew := cs == nil
	if isNew {
		cs = &channelSubs{name: channel, confirmed: make(chan struct{})}
		b.subs[name] = cs
	}
	cs.handlers = append(slices.Clip(cs.handlers), h)
	ps, down, confirmed := b.ps, b.down, cs.confirmed
	b.mu.Unlock()
	if isNew && ps != nil {
		// The write uses the broker's context, not the caller's: go-redis
		// turns a context deadline into the connection's write deadline and
		// drops the connection when the write fails, and that connection is
		// every channel's. A failed write means the connection is going
		// down; the receive loop notices and resubscribes everything on
		// reconnection.
		wctx, cancel := context.WithTimeout(b.ctx, b.opts.HealthInterval)
		_ = ps.Subscribe(wctx, name)
		cancel()
	}
	b.cmdMu.Unlock()

	var once sync.Once
	unsubscribe := func() { once.Do(func() { b.unsubscribe(name, h) }) }
	if ps != nil {
		select {
		case <-confirmed:
		case <-down:
		case <-ctx.Done():
		}
	}
	return unsubscribe, nil
}

func (b *Broker) unsubscribe(name string, h *handler) {
	b.cmdMu.Lock()
	defer b.cmdMu.Unlock()
	b.mu.Lock()
	cs := b.subs[name]
	if cs == nil {
		b.mu.Unlock()
		return
	}
	i := slices.Index(cs.handlers, h)
	if i < 0 {
		b.mu.Unlock()
		return
	}
	// Copy on write: the receive loop ranges over the old slice unlocked.
	cs.handlers = slices.Delete(slices.Clone(cs.handlers), i, i+1)
	last := len(cs.handlers) == 0
	if last {
		delete(b.subs, name)
	}
	ps := b.ps
	b.mu.Unlock()
	if last && ps != nil {
		ctx, cancel := context.WithTimeout(b.ctx, b.opts.HealthInterval)
		_ = ps.Unsubscribe(ctx, name)
		cancel()
	}
}

// Ready reports whether the subscription connection is up and every
// channel subscribed when it (re)connected is live.
func (b *Broker) Ready() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.ready
}

// Close stops the receive loop, drops every subscription and closes the
// Redis client.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	<-b.done
	if err := b.client.Close(); err != nil {
		return fmt.Errorf("redisbroker: close: %w", err)
	}
	return nil
}

// run keeps a subscription connection up until Close.
func (b *Broker) run() {
	defer close(b.done)
	backoff := b.opts.ReconnectMin
	var downAt time.Time // when the last live connection was lost
	for b.ctx.Err() == nil {
		wasLive, err := b.connection(&downAt)
		if b.ctx.Err() != nil {
			return
		}
		b.mu.Lock()
		first := !b.started
		b.started = true
		b.mu.Unlock()
		switch {
		case wasLive:
			downAt = time.Now()
			backoff = b.opts.ReconnectMin
			channels := b.channels()
			b.log.Warn("redisbroker: subscription lost; not ready, payloads published until it is restored are lost",
				slog.Any("err", err), slog.Int("channels", len(channels)))
			b.emit(sockjs.BrokerEvent{Kind: sockjs.BrokerDown, Channels: channels, Err: err})
		case first:
			downAt = time.Now()
			b.log.Error("redisbroker: Redis unavailable at start; not ready, retrying in the background",
				slog.Any("err", err))
		default:
			b.log.Debug("redisbroker: reconnection failed", slog.Any("err", err), slog.Duration("retry_in", backoff))
		}
		t := time.NewTimer(backoff)
		select {
		case <-b.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, b.opts.ReconnectMax)
	}
}

// connection runs one subscription connection: subscribe every channel,
// mark ready, dispatch until the connection fails. It reports whether the
// connection became live.
func (b *Broker) connection(downAt *time.Time) (live bool, err error) {
	ctx := b.ctx
	ps := b.client.Subscribe(ctx) // no channels yet: no I/O
	down := make(chan struct{})
	defer func() {
		b.mu.Lock()
		b.ps, b.down, b.ready = nil, nil, false
		for _, cs := range b.subs {
			if cs.isLive {
				cs.confirmed, cs.isLive = make(chan struct{}), false
			}
		}
		b.mu.Unlock()
		close(down)
		b.metrics.ready.Set(0)
		_ = ps.Close()
	}()

	b.cmdMu.Lock()
	b.mu.Lock()
	b.ps, b.down = ps, down
	names := make([]string, 0, len(b.subs))
	for name := range b.subs {
		names = append(names, name)
	}
	b.mu.Unlock()
	if len(names) > 0 {
		err = ps.Subscribe(ctx, names...)
	}
	if err == nil {
		err = ps.Ping(ctx, readyPing)
	}
	b.cmdMu.Unlock()
	if err != nil {
		return false, fmt.Errorf("subscribe: %w", err)
	}

	pinged := false // a health PING is outstanding
	for {
		msg, err := ps.ReceiveTimeout(ctx, b.opts.HealthInterval)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
				if pinged {
					return live, fmt.Errorf("no answer to PING within %s", b.opts.HealthInterval)
				}
				if err := ps.Ping(ctx); err != nil {
					return live, fmt.Errorf("ping: %w", err)
				}
				pinged = true
				continue
			}
			return live, fmt.Errorf("receive: %w", err)
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Message:
			b.metrics.received.Inc()
			b.dispatch(m)
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.confirm(m.Channel)
			}
		case *redis.Pong:
			if m.Payload == readyPing && !live {
				live = true
				b.becameReady(downAt)
			}
		}
	}
}

// becameReady marks the broker ready and reports the end of a gap.
func (b *Broker) becameReady(downAt *time.Time) {
	b.mu.Lock()
	b.ready = true
	b.mu.Unlock()
	b.metrics.ready.Set(1)
	if downAt.IsZero() {
		b.log.Info("redisbroker: connected; ready")
		return
	}
	gap := time.Since(*downAt)
	*downAt = time.Time{}
	channels := b.channels()
	b.metrics.gaps.Inc()
	b.log.Warn("redisbroker: resubscribed after a gap; ready, payloads published during the gap were lost",
		slog.Duration("gap", gap), slog.Int("channels", len(channels)))
	b.emit(sockjs.BrokerEvent{Kind: sockjs.BrokerResubscribed, Channels: channels, Down: gap})
}

func (b *Broker) confirm(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cs := b.subs[name]; cs != nil && !cs.isLive {
		cs.isLive = true
		close(cs.confirmed)
	}
}

func (b *Broker) dispatch(m *redis.Message) {
	b.mu.RLock()
	cs := b.subs[m.Channel]
	var hs []*handler
	if cs != nil {
		hs = cs.handlers
	}
	b.mu.RUnlock()
	if len(hs) == 0 {
		return
	}
	payload := []byte(m.Payload)
	for _, h := range hs {
		h.fn(payload)
	}
}

// channels lists the subscribed channels (sockjs names, sorted).
func (b *Broker) channels() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]string, 0, len(b.subs))
	for _, cs := range b.subs {
		out = append(out, cs.name)
	}
	slices.Sort(out)
	return out
}

func (b *Broker) emit(ev sockjs.BrokerEvent) {
	if b.opts.OnEvent != nil {
		b.opts.OnEvent(ev)
	}
}
