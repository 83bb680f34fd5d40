package sockjs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrHubClosed is returned by a Hub used after Close.
var ErrHubClosed = errors.New("sockjs: hub closed")

// presenceTimeout bounds one presence operation that has no caller context
// (a leave when a session closes, a reap).
const presenceTimeout = 5 * time.Second

// HubOptions configure a Hub. The zero value of every field means the
// documented default; a nil *HubOptions means all defaults.
type HubOptions struct {
	// MaxPayload bounds the payload of one Publish, in bytes. Zero means
	// DefaultMaxPayload (64 KiB). Keep it at or below the Options.MaxMessageSize
	// your clients may send, and well below Redis' limits.
	MaxPayload int

	// Identity returns the presence identity of a session (a user name or
	// id), or "" to keep the session out of presence. Nil means presence is
	// off: Members fails and no join or leave events are sent.
	Identity func(*Session) string

	// Presence stores who is in each channel. Nil means a MemoryPresence,
	// right for one process; with several processes use
	// redisbroker.NewPresence.
	Presence Presence

	// OnPresence, if set, is called with every join and leave in a channel
	// this hub has local subscribers in, on any process. It runs on the
	// broker's receive path and must not block.
	OnPresence func(PresenceEvent)

	// ReapInterval is how often the hub asks Presence for members whose
	// process stopped refreshing them, to send their leave events. Zero
	// means 5 seconds.
	ReapInterval time.Duration

	// History keeps the recent publications of the channels it names, so
	// that a subscriber that comes back (SubscribeSince) gets what it
	// missed. Keys are patterns: a channel name, or a prefix and a final
	// '*' matching every channel that starts with it ("room:*"); an exact
	// name wins over prefixes, a longer prefix over a shorter. Nil means no
	// history. The broker must be a HistoryBroker (MemoryBroker and
	// redisbroker.Broker are). NewHub panics on a malformed pattern, limits
	// out of bounds or a broker without history: a history silently off
	// would lose what it promises to keep. Give every process the same
	// History: a process without it publishes payloads that are not kept,
	// which the others deliver with the zero Position.
	//
	// Sessions subscribed to a channel with history receive each
	// publication as EncodePublication makes it, so that the client learns
	// each publication's Position and can ask to recover from it.
	History map[string]HistoryLimits

	// EncodePublication makes the message sessions receive for a
	// publication in a channel with history; it is called once per
	// publication per process (and once per publication a recovery sends).
	// Nil means EncodePublicationJSON. Publications of channels without
	// history are sent as published.
	EncodePublication func(Publication) string

	// Logger receives the hub's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// Hub maps channels to the local sessions subscribed to them and to a
// Broker, so that a publish on any process reaches every subscriber on every
// process. A payload is encoded once per process (NewMessage) and queued on
// each local subscriber with Session.SendMessage, which never blocks: a
// subscriber that cannot keep up is closed by its session's slow-consumer
// policy, and nobody else waits for it.
//
// A session's subscriptions end by themselves when it closes. All methods may
// be called concurrently.
//
// In a channel with history (HubOptions.History) each publication has a
// Position, and SubscribeSince recovers what a returning subscriber missed.
// Guarantees, per channel and session: publications arrive in offset order;
// those recovered from history arrive before any live one; none arrives
// twice, whether it was both in history and live or not.
type Hub struct {
	broker   Broker
	history  HistoryBroker // nil without HubOptions.History
	rules    *historyRules
	encode   func(Publication) string
	opts     HubOptions
	presence Presence
	id       string // random, tells this process's members from others'
	log      *slog.Logger

	mu       sync.Mutex
	channels map[string]*hubChannel
	sessions map[*Session]*sessionSubs
	closed   bool
	// presenceWork counts the joins and leaves under way (in Subscribe,
	// Unsubscribe and a closed session's unsubscribing), which Close waits
	// for. Every Add is made under mu by a call that found its session in
	// sessions, so before Close's own pass over sessions: none after Wait.
	presenceWork sync.WaitGroup

	stop chan struct{}
	done chan struct{}
}

// hubChannel is one channel with local subscribers.
type hubChannel struct {
	name string

	mu       sync.Mutex
	sessions map[*Session]struct{}
	// list is a snapshot of sessions, replaced (never modified) on every
	// change, so that delivery ranges over a slice without a lock.
	list atomic.Pointer[[]*Session]

	// ready is closed once the broker subscriptions are made (or failed,
	// with err set); unsub ends them.
	ready chan struct{}
	err   error
	unsub []func()

	// For a channel with history (else nil): its limits, the encoder of
	// its publications, and the sessions being recovered, which get live
	// publications only once their missed ones are sent (hc.mu guards it).
	history    *HistoryLimits
	encode     func(Publication) string
	recovering map[*Session]*recovery
}

// sessionSubs is what one session is subscribed to.
type sessionSubs struct {
	channels map[string]*hubChannel
	member   Member
	stop     func() bool // stops the context.AfterFunc that unsubscribes all
}

// NewHub returns a Hub publishing and subscribing through broker.
func NewHub(broker Broker, opts *HubOptions) *Hub {
	var o HubOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = DefaultMaxPayload
	}
	if o.ReapInterval <= 0 {
		o.ReapInterval = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Presence == nil {
		o.Presence = NewMemoryPresence()
	}
	if o.EncodePublication == nil {
		o.EncodePublication = EncodePublicationJSON
	}
	rules, err := newHistoryRules(o.History)
	if err != nil {
		panic("sockjs: NewHub: HubOptions.History: " + err.Error())
	}
	var hb HistoryBroker
	if rules != nil {
		var ok bool
		if hb, ok = broker.(HistoryBroker); !ok {
			panic(fmt.Sprintf("sockjs: NewHub: HubOptions.History is set but the broker (%T) keeps no history: %v", broker, ErrBrokerNoHistory))
		}
	}
	var id [6]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	h := &Hub{
		broker:   broker,
		history:  hb,
		rules:    rules,
		encode:   o.EncodePublication,
		opts:     o,
		presence: o.Presence,
		id:       hex.EncodeToString(id[:]),
		log:      o.Logger,
		channels: make(map[string]*hubChannel),
		sessions: make(map[*Session]*sessionSubs),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	if o.Identity != nil {
		go h.reapLoop()
	} else {
		close(h.done)
	}
	return h
}

// Ready reports whether the broker is ready (see Broker.Ready): serve it
// from a readiness endpoint.
func (h *Hub) Ready() bool { return h.broker.Ready() }

// subscribeWait bounds how long Subscribe waits for the broker to confirm a
// channel's subscription (for Redis, one round trip while connected).
const subscribeWait = 10 * time.Second

// Subscribe subscribes s to channel: every payload published to channel on
// any process is sent to s until Unsubscribe or until s closes. The first
// local subscriber of a channel subscribes the broker, which for Redis waits
// until Redis confirmed the subscription (at most subscribeWait, 10 s); the
// channel's other subscribers, and a repeated Subscribe, wait for the same
// confirmation and get the same error. When
// HubOptions.Identity gives s an identity (it is asked once per Subscribe
// call, and the first answer for a session is kept), s joins the channel's
// presence. Subscribing twice is a no-op.
//
// In a channel with history, s receives every publication from the moment
// the subscription is live, each with its Position; to get what s missed
// before, use SubscribeSince.
func (h *Hub) Subscribe(s *Session, channel string) error {
	_, err := h.subscribe(s, channel, false)
	return err
}

// subscribe subscribes s to channel, as recovering (its live publications
// held back until finishRecovery) when recovering is set. It returns the
// channel, or an error wrapping errAlreadySubscribed for a repeated
// recovering subscription.
func (h *Hub) subscribe(s *Session, channel string, recovering bool) (*hubChannel, error) {
	if err := ValidateChannel(channel); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	if _, ok := h.rules.match(channel); recovering && !ok {
		return nil, fmt.Errorf("subscribe %q since a position: %w", channel, ErrNoHistory)
	}
	var member Member
	if h.opts.Identity != nil {
		if ident := h.opts.Identity(s); ident != "" {
			member = Member{ID: h.id + "." + s.ID(), Identity: ident}
		}
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrHubClosed
	}
	if s.Context().Err() != nil {
		h.mu.Unlock()
		return nil, ErrSessionClosed
	}
	h.presenceWork.Add(1)
	defer h.presenceWork.Done()
	ss := h.sessions[s]
	if ss == nil {
		ss = &sessionSubs{channels: make(map[string]*hubChannel), member: member}
		h.sessions[s] = ss
		ss.stop = context.AfterFunc(s.Context(), func() { h.dropSession(s) })
	}
	if hc, ok := ss.channels[channel]; ok {
		// Subscribed already, or being subscribed by a concurrent call:
		// its outcome is this call's. A recovery cannot join it: the
		// session may have had live publications already.
		h.mu.Unlock()
		if recovering {
			return nil, fmt.Errorf("subscribe %q since a position: %w", channel, errAlreadySubscribed)
		}
		<-hc.ready
		if hc.err != nil {
			return nil, fmt.Errorf("subscribe %q: %w", channel, hc.err)
		}
		return hc, nil
	}
	hc := h.channels[channel]
	creator := hc == nil
	if creator {
		hc = &hubChannel{name: channel, sessions: make(map[*Session]struct{}), ready: make(chan struct{})}
		if limits, ok := h.rules.match(channel); ok {
			hc.history, hc.encode, hc.recovering = &limits, h.encode, make(map[*Session]*recovery)
		}
		h.channels[channel] = hc
	}
	hc.mu.Lock()
	if recovering {
		hc.recovering[s] = &recovery{}
	} else {
		hc.sessions[s] = struct{}{}
		hc.snapshotLocked()
	}
	hc.mu.Unlock()
	ss.channels[channel] = hc
	member = ss.member
	h.mu.Unlock()

	if creator {
		// The wait is for every session of the channel, not only this one:
		// it must not end because this session closes.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.Context()), subscribeWait)
		hc.err = h.subscribeBroker(ctx, hc)
		cancel()
		close(hc.ready)
	} else {
		<-hc.ready
	}
	if hc.err != nil {
		h.Unsubscribe(s, channel)
		return nil, fmt.Errorf("subscribe %q: %w", channel, hc.err)
	}
	if member.ID != "" {
		h.join(s.Context(), channel, member)
		// The session may have left (closed) while joining: its leave may
		// have run before the join, so leave again.
		h.mu.Lock()
		still := h.sessions[s] != nil && h.sessions[s].channels[channel] == hc
		h.mu.Unlock()
		if !still {
			h.leave(channel, member)
		}
	}
	return hc, nil
}

// subscribeBroker makes the broker subscriptions of a new local channel: its
// payloads and, when the application listens, its presence events.
func (h *Hub) subscribeBroker(ctx context.Context, hc *hubChannel) error {
	u, err := h.broker.Subscribe(ctx, hc.name, hc.deliver)
	if err != nil {
		return err
	}
	hc.unsub = append(hc.unsub, u)
	if on := h.opts.OnPresence; on != nil && h.opts.Identity != nil {
		u, err := h.broker.Subscribe(ctx, PresenceEventChannel(hc.name), func(p []byte) {
			ev, err := decodePresenceEvent(hc.name, p)
			if err != nil {
				h.log.Warn("sockjs: hub: dropping bad presence event", slog.Any("err", err))
				return
			}
			on(ev)
		})
		if err != nil {
			hc.unsub[0]()
			return err
		}
		hc.unsub = append(hc.unsub, u)
	}
	return nil
}

// deliver hands one payload to every local subscriber, encoded once.
func (hc *hubChannel) deliver(payload []byte) {
	if hc.history != nil {
		hc.deliverPublication(payload)
		return
	}
	list := hc.list.Load()
	if list == nil {
		return
	}
	m := NewMessage(string(payload))
	for _, s := range *list {
		// Never blocks; a full queue closes that session as a slow consumer.
		_ = s.send(m, false)
	}
}

// snapshotLocked publishes a new delivery list. hc.mu must be held.
func (hc *hubChannel) snapshotLocked() {
	list := make([]*Session, 0, len(hc.sessions))
	for s := range hc.sessions {
		list = append(list, s)
	}
	hc.list.Store(&list)
}

// subscribed waits until the broker subscriptions of hc are made and reports
// whether they succeeded.
func (hc *hubChannel) subscribed() bool {
	<-hc.ready
	return hc.err == nil
}

// Unsubscribe ends s's subscription to channel and its presence there.
// Unsubscribing a channel s is not subscribed to is a no-op.
func (h *Hub) Unsubscribe(s *Session, channel string) {
	h.mu.Lock()
	ss := h.sessions[s]
	if ss == nil {
		h.mu.Unlock()
		return
	}
	hc := ss.channels[channel]
	if hc == nil {
		h.mu.Unlock()
		return
	}
	h.presenceWork.Add(1)
	defer h.presenceWork.Done()
	delete(ss.channels, channel)
	if len(ss.channels) == 0 {
		ss.stop()
		delete(h.sessions, s)
	}
	release := h.removeLocked(hc, s)
	member := ss.member
	h.mu.Unlock()
	h.release(release)
	if member.ID != "" && hc.subscribed() {
		h.leave(channel, member)
	}
}

// removeLocked takes s out of hc and returns hc if it became empty (its
// broker subscriptions are then to be released). h.mu must be held.
func (h *Hub) removeLocked(hc *hubChannel, s *Session) *hubChannel {
	hc.mu.Lock()
	delete(hc.sessions, s)
	delete(hc.recovering, s)
	hc.snapshotLocked()
	empty := len(hc.sessions) == 0 && len(hc.recovering) == 0
	hc.mu.Unlock()
	if !empty {
		return nil
	}
	if h.channels[hc.name] == hc {
		delete(h.channels, hc.name)
	}
	return hc
}

// release ends the broker subscriptions of an emptied channel.
func (h *Hub) release(hc *hubChannel) {
	if hc == nil {
		return
	}
	<-hc.ready
	for _, u := range hc.unsub {
		u()
	}
}

// dropSession unsubscribes a closed session from everything.
func (h *Hub) dropSession(s *Session) {
	h.mu.Lock()
	ss := h.sessions[s]
	if ss == nil {
		h.mu.Unlock()
		return
	}
	h.presenceWork.Add(1)
	defer h.presenceWork.Done()
	delete(h.sessions, s)
	var released []*hubChannel
	var left []string
	for name, hc := range ss.channels {
		if hc := h.removeLocked(hc, s); hc != nil {
			released = append(released, hc)
		}
		left = append(left, name)
	}
	h.mu.Unlock()
	for _, hc := range released {
		h.release(hc)
	}
	if ss.member.ID != "" {
		for _, name := range left {
			h.leave(name, ss.member)
		}
	}
}

// Publish sends payload to every subscriber of channel on every process.
// The channel name and payload are validated first (ValidateChannel,
// HubOptions.MaxPayload, valid UTF-8), so nothing malformed reaches the
// broker. In a channel with history the payload is kept in the history
// too, in the same broker operation (for Redis, one round trip).
func (h *Hub) Publish(ctx context.Context, channel, payload string) error {
	if err := ValidateChannel(channel); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := validatePayload(payload, h.opts.MaxPayload); err != nil {
		return fmt.Errorf("publish to %q: %w", channel, err)
	}
	if limits, ok := h.rules.match(channel); ok {
		if _, err := h.history.PublishHistory(ctx, channel, []byte(payload), limits); err != nil {
			return fmt.Errorf("publish to %q: %w", channel, err)
		}
		return nil
	}
	if err := h.broker.Publish(ctx, channel, []byte(payload)); err != nil {
		return fmt.Errorf("publish to %q: %w", channel, err)
	}
	return nil
}

// Members returns who is present in channel across every process, sorted
// by Member.ID. It fails when presence is off (HubOptions.Identity is nil).
func (h *Hub) Members(ctx context.Context, channel string) ([]Member, error) {
	if h.opts.Identity == nil {
		return nil, errors.New("sockjs: hub: presence is off (HubOptions.Identity is nil)")
	}
	if err := ValidateChannel(channel); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	ms, err := h.presence.Members(ctx, channel)
	if err != nil {
		return nil, fmt.Errorf("members of %q: %w", channel, err)
	}
	return ms, nil
}

// Subscribers returns how many local sessions subscribe to channel.
func (h *Hub) Subscribers(channel string) int {
	h.mu.Lock()
	hc := h.channels[channel]
	h.mu.Unlock()
	if hc == nil {
		return 0
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	return len(hc.sessions) + len(hc.recovering)
}

func (h *Hub) join(ctx context.Context, channel string, m Member) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), presenceTimeout)
	defer cancel()
	if err := h.presence.Join(ctx, channel, m); err != nil {
		h.log.Warn("sockjs: hub: presence join failed", slog.String("channel", channel), slog.Any("err", err))
		return
	}
	h.announce(ctx, channel, true, m)
}

func (h *Hub) leave(channel string, m Member) {
	ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
	defer cancel()
	if err := h.presence.Leave(ctx, channel, m); err != nil {
		h.log.Warn("sockjs: hub: presence leave failed", slog.String("channel", channel), slog.Any("err", err))
		return
	}
	h.announce(ctx, channel, false, m)
}

// announce publishes a join or leave event to every process.
func (h *Hub) announce(ctx context.Context, channel string, joined bool, m Member) {
	if err := h.broker.Publish(ctx, PresenceEventChannel(channel), EncodePresenceEvent(PresenceEvent{Channel: channel, Member: m, Joined: joined})); err != nil &&
		!errors.Is(err, ErrBrokerClosed) {
		h.log.Warn("sockjs: hub: presence event not sent", slog.String("channel", channel), slog.Any("err", err))
	}
}

// reapLoop sends leave events for members whose process died, in the
// channels this hub has subscribers in.
func (h *Hub) reapLoop() {
	defer close(h.done)
	t := time.NewTicker(h.opts.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		h.mu.Lock()
		names := make([]string, 0, len(h.channels))
		for name := range h.channels {
			names = append(names, name)
		}
		h.mu.Unlock()
		for _, name := range names {
			ctx, cancel := context.WithTimeout(context.Background(), presenceTimeout)
			gone, err := h.presence.Reap(ctx, name)
			if err != nil {
				h.log.Debug("sockjs: hub: presence reap failed", slog.String("channel", name), slog.Any("err", err))
			}
			for _, m := range gone {
				h.announce(ctx, name, false, m)
			}
			cancel()
		}
	}
}

// Close unsubscribes every session from every channel (leaving presence)
// and stops the hub. It returns once every join and leave under way is done,
// those of sessions that closed just before included, so the presence and
// the broker may be closed next. It does not close the sessions or the
// broker.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	sessions := make([]*Session, 0, len(h.sessions))
	for s, ss := range h.sessions {
		ss.stop()
		sessions = append(sessions, s)
	}
	h.mu.Unlock()
	for _, s := range sessions {
		h.dropSession(s)
	}
	// Leaves that began before: sessions that closed, or unsubscribed,
	// while Close was being called.
	h.presenceWork.Wait()
	close(h.stop)
	<-h.done
	return nil
}
