package sockjs

import (
	"context"
	"fmt"
	"sync"
)

// MemoryBroker is the Broker for a single process: Publish calls the
// handlers of the channel's subscriptions directly, in the publisher's
// goroutine. It is always ready and never has a gap. The zero value is not
// usable; make one with NewMemoryBroker.
//
// MemoryBroker is a HistoryBroker: the history of a channel lives in this
// process and is lost with it (its epoch changes on restart).
type MemoryBroker struct {
	mu     sync.RWMutex
	subs   map[string][]*memorySub
	closed bool

	histories memoryHistories
}

type memorySub struct{ handler func([]byte) }

// NewMemoryBroker returns an empty MemoryBroker.
func NewMemoryBroker() *MemoryBroker {
	return &MemoryBroker{subs: make(map[string][]*memorySub), histories: memoryHistories{byChannel: make(map[string]*memoryHistory)}}
}

// Publish calls every handler subscribed to channel with payload, in the
// caller's goroutine, before it returns.
func (b *MemoryBroker) Publish(ctx context.Context, channel string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to %q: %w", channel, err)
	}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrBrokerClosed
	}
	subs := b.subs[channel]
	b.mu.RUnlock()
	// subs is never modified in place (Subscribe and unsubscribe copy), so
	// it is safe to range over without the lock, and a handler may
	// subscribe or unsubscribe.
	for _, s := range subs {
		s.handler(payload)
	}
	return nil
}

// Subscribe adds handler to channel; the subscription is live on return.
func (b *MemoryBroker) Subscribe(_ context.Context, channel string, handler func([]byte)) (func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrBrokerClosed
	}
	sub := &memorySub{handler: handler}
	old := b.subs[channel]
	subs := make([]*memorySub, len(old), len(old)+1)
	copy(subs, old)
	b.subs[channel] = append(subs, sub)
	var once sync.Once
	return func() { once.Do(func() { b.remove(channel, sub) }) }, nil
}

func (b *MemoryBroker) remove(channel string, sub *memorySub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.subs[channel]
	subs := make([]*memorySub, 0, len(old))
	for _, s := range old {
		if s != sub {
			subs = append(subs, s)
		}
	}
	if len(subs) == 0 {
		delete(b.subs, channel)
		return
	}
	b.subs[channel] = subs
}

// Ready reports true until Close.
func (b *MemoryBroker) Ready() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return !b.closed
}

// Close drops every subscription.
func (b *MemoryBroker) Close() error {
	b.mu.Lock()
	b.closed = true
	clear(b.subs)
	b.mu.Unlock()
	b.histories.clear()
	return nil
}
