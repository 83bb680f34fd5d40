package redisbroker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/trelljaz/trelljaz/sockjs"
)

// PresenceOptions configure a Presence. The zero value of every field means
// the documented default.
type PresenceOptions struct {
	// TTL is how long a member stays present after its process last
	// refreshed it: how long the members of a crashed process linger. The
	// process refreshes its members every TTL/3. Zero means 30 seconds.
	TTL time.Duration

	// KeyPrefix is prepended to the Redis key of each channel's presence
	// (a sorted set). Empty means "sockjs:presence:".
	KeyPrefix string

	// Logger receives the logs. Nil means slog.Default().
	Logger *slog.Logger
}

// Presence is a sockjs.Presence shared by every process through Redis.
//
// Each channel is one sorted set whose members are the encoded
// sockjs.Members and whose scores are their expiry times (Unix
// milliseconds). Every process refreshes the scores of its own members every
// TTL/3; Members ignores expired entries, so the members of a process that
// crashed disappear after at most TTL by themselves, and Reap removes them
// (ZREM tells which process removed an entry first, so one leave event is
// sent for each). The key itself expires 2×TTL after the last refresh. A
// Redis restart loses the sets; the next refresh writes this process's
// members back.
//
// A refresh that finds one of this process's members missing (reaped by
// another process after this one missed refreshes for longer than TTL, lost
// by a Redis restart, or never written by a Join that failed) writes it back
// and publishes a join event for it through the broker, as a sockjs.Hub
// does for a Join, so that OnPresence listeners that were told it left learn
// that it is back. After a Redis restart that means a join event for every
// member of this process, which listeners already knew as present.
type Presence struct {
	broker *Broker
	client *redis.Client
	opts   PresenceOptions
	log    *slog.Logger

	// writing is held (a one-slot channel, so that waiting for it honours
	// a context) for each Redis write of Join, Leave, refresh and Close:
	// a refresh holds it from reading local until its ZADDs (and the join
	// events of the members it wrote back) are done, so a Leave, which
	// removes its member from local first and then waits for it, always
	// removes the entry after any refresh that still wrote it.
	writing chan struct{}

	mu    sync.Mutex
	local map[string]map[string]string // channel -> member ID -> encoded member

	stop chan struct{}
	done chan struct{}
}

// NewPresence returns a Presence using the broker's Redis connection and
// starts refreshing this process's members. Close it before the broker.
func NewPresence(b *Broker, opts *PresenceOptions) *Presence {
	var o PresenceOptions
	if opts != nil {
		o = *opts
	}
	if o.TTL <= 0 {
		o.TTL = 30 * time.Second
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = "sockjs:presence:"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &Presence{
		broker:  b,
		client:  b.Client(),
		opts:    o,
		log:     o.Logger.With(slog.String("component", "redisbroker.Presence")),
		local:   make(map[string]map[string]string),
		writing: make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go p.refreshLoop()
	return p
}

func (p *Presence) key(channel string) string { return p.opts.KeyPrefix + channel }

// lock takes p.writing, or fails when ctx is done first.
func (p *Presence) lock(ctx context.Context) error {
	select {
	case p.writing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Presence) unlock() { <-p.writing }

func encodeMember(m sockjs.Member) string {
	b, _ := json.Marshal(m) // strings only: cannot fail
	return string(b)
}

func (p *Presence) expiry() float64 {
	return float64(time.Now().Add(p.opts.TTL).UnixMilli())
}

// Join records m in channel, with one pipelined round trip. It first waits
// for a refresh, Join or Leave of this Presence that is writing to Redis;
// when ctx ends that wait, it records nothing.
func (p *Presence) Join(ctx context.Context, channel string, m sockjs.Member) error {
	enc := encodeMember(m)
	if err := p.lock(ctx); err != nil {
		return fmt.Errorf("redisbroker: presence join %q: %w", channel, err)
	}
	defer p.unlock()
	p.mu.Lock()
	ms := p.local[channel]
	if ms == nil {
		ms = make(map[string]string)
		p.local[channel] = ms
	}
	ms[m.ID] = enc
	p.mu.Unlock()
	key := p.key(channel)
	_, err := p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
		pl.ZAdd(ctx, key, redis.Z{Score: p.expiry(), Member: enc})
		pl.PExpire(ctx, key, 2*p.opts.TTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisbroker: presence join %q: %w", channel, err)
	}
	return nil
}

// Leave removes m from channel: no refresh starting after Leave was called
// writes m, and Leave waits for a refresh, Join or Leave of this Presence
// that is writing to Redis before it removes m's entry, so a Leave that
// returned nil is never undone. When ctx ends that wait or the removal
// fails, m stays listed until its entry expires (TTL) and a Reap removes it.
func (p *Presence) Leave(ctx context.Context, channel string, m sockjs.Member) error {
	p.mu.Lock()
	if ms := p.local[channel]; ms != nil {
		delete(ms, m.ID)
		if len(ms) == 0 {
			delete(p.local, channel)
		}
	}
	p.mu.Unlock()
	if err := p.lock(ctx); err != nil {
		return fmt.Errorf("redisbroker: presence leave %q: %w", channel, err)
	}
	defer p.unlock()
	if err := p.client.ZRem(ctx, p.key(channel), encodeMember(m)).Err(); err != nil {
		return fmt.Errorf("redisbroker: presence leave %q: %w", channel, err)
	}
	return nil
}

// Members returns the unexpired members of channel, sorted by ID.
func (p *Presence) Members(ctx context.Context, channel string) ([]sockjs.Member, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	encs, err := p.client.ZRangeArgs(ctx, redis.ZRangeArgs{Key: p.key(channel), Start: "(" + now, Stop: "+inf", ByScore: true}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisbroker: presence members %q: %w", channel, err)
	}
	return decodeMembers(encs), nil
}

// Reap removes the expired members of channel and returns those this call
// removed.
func (p *Presence) Reap(ctx context.Context, channel string) ([]sockjs.Member, error) {
	key := p.key(channel)
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	encs, err := p.client.ZRangeArgs(ctx, redis.ZRangeArgs{Key: key, Start: "-inf", Stop: now, ByScore: true}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisbroker: presence reap %q: %w", channel, err)
	}
	if len(encs) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.IntCmd, len(encs))
	if _, err := p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for i, e := range encs {
			cmds[i] = pl.ZRem(ctx, key, e)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("redisbroker: presence reap %q: %w", channel, err)
	}
	var mine []string
	for i, c := range cmds {
		if c.Val() == 1 {
			mine = append(mine, encs[i])
		}
	}
	return decodeMembers(mine), nil
}

func decodeMembers(encs []string) []sockjs.Member {
	out := make([]sockjs.Member, 0, len(encs))
	for _, e := range encs {
		var m sockjs.Member
		if json.Unmarshal([]byte(e), &m) == nil && m.ID != "" {
			out = append(out, m)
		}
	}
	sockjs.SortMembers(out)
	return out
}

// Close stops refreshing and removes this process's members from Redis (a
// graceful shutdown); they would otherwise expire after TTL.
func (p *Presence) Close() error {
	select {
	case <-p.stop:
		return nil
	default:
	}
	close(p.stop)
	<-p.done
	p.mu.Lock()
	local := p.local
	p.local = make(map[string]map[string]string)
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.lock(ctx); err != nil {
		return fmt.Errorf("redisbroker: presence close: %w", err)
	}
	defer p.unlock()
	_, err := p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for channel, ms := range local {
			for _, enc := range ms {
				pl.ZRem(ctx, p.key(channel), enc)
			}
		}
		return nil
	})
	if err != nil && len(local) > 0 {
		return fmt.Errorf("redisbroker: presence close: %w", err)
	}
	return nil
}

func (p *Presence) refreshLoop() {
	defer close(p.done)
	t := time.NewTicker(p.opts.TTL / 3)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		if err := p.refresh(); err != nil {
			p.log.Warn("redisbroker: presence refresh failed; members expire if this persists", slog.Any("err", err))
		}
	}
}

// refresh pushes the expiry of every local member forward, in one pipelined
// round trip, holding p.writing so that no Join or Leave interleaves. It
// announces the members it had to write back (see Presence) before it
// releases p.writing, so that a join event never follows the leave event of
// a Leave that came after the refresh.
func (p *Presence) refresh() error {
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.TTL/3)
	defer cancel()
	if err := p.lock(ctx); err != nil {
		return fmt.Errorf("wait for a join or leave: %w", err)
	}
	defer p.unlock()
	p.mu.Lock()
	type entry struct{ channel, enc string }
	var entries []entry
	keys := make([]string, 0, len(p.local))
	for channel, ms := range p.local {
		keys = append(keys, p.key(channel))
		for _, enc := range ms {
			entries = append(entries, entry{channel, enc})
		}
	}
	p.mu.Unlock()
	if len(entries) == 0 {
		return nil
	}
	score := p.expiry()
	added := make([]*redis.IntCmd, len(entries))
	_, err := p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for i, e := range entries {
			// Without CH, ZADD counts only the entries it created.
			added[i] = pl.ZAdd(ctx, p.key(e.channel), redis.Z{Score: score, Member: e.enc})
		}
		for _, k := range keys {
			pl.PExpire(ctx, k, 2*p.opts.TTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("refresh %d members: %w", len(entries), err)
	}
	var back []entry
	for i, c := range added {
		if c.Val() == 1 {
			back = append(back, entries[i])
		}
	}
	if len(back) == 0 {
		return nil
	}
	p.log.Info("redisbroker: presence refresh wrote back members that were missing; announcing them as joined",
		slog.Int("members", len(back)))
	_, err = p.client.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for _, e := range back {
			var m sockjs.Member
			if err := json.Unmarshal([]byte(e.enc), &m); err != nil {
				return fmt.Errorf("member %q of %q: %w", e.enc, e.channel, err)
			}
			ev := sockjs.PresenceEvent{Channel: e.channel, Member: m, Joined: true}
			pl.Publish(ctx, p.broker.opts.Prefix+sockjs.PresenceEventChannel(e.channel), sockjs.EncodePresenceEvent(ev))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("announce %d members written back: %w", len(back), err)
	}
	p.broker.metrics.published.Add(float64(len(back)))
	return nil
}
