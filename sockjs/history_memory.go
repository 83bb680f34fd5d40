package sockjs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// sweepEvery is how often a MemoryBroker forgets the histories of channels
// idle for longer than their meta TTL (checked on publish, so an idle
// broker costs nothing).
const sweepEvery = time.Minute

// memoryHistories are the histories of a MemoryBroker's channels.
//
// Lock order: memoryHistories.mu, then memoryHistory.mu, then
// MemoryBroker.mu.
type memoryHistories struct {
	mu        sync.Mutex
	byChannel map[string]*memoryHistory
	lastSweep time.Time
}

// memoryHistory is one channel's history.
type memoryHistory struct {
	mu      sync.Mutex
	epoch   string
	offset  uint64        // of the latest publication
	entries []memoryEntry // oldest first
	last    time.Time     // of the latest publish, or of creation
	metaTTL time.Duration
	dead    bool // swept: look the channel up again
}

type memoryEntry struct {
	offset  uint64
	at      time.Time
	payload string
}

// newEpoch returns a random epoch: 16 hex digits.
func newEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// lock returns channel's history, created if missing, locked.
func (hs *memoryHistories) lock(channel string, limits HistoryLimits, now time.Time) *memoryHistory {
	for {
		hs.mu.Lock()
		if now.Sub(hs.lastSweep) >= sweepEvery {
			hs.sweepLocked(now)
		}
		h := hs.byChannel[channel]
		if h == nil {
			h = &memoryHistory{epoch: newEpoch(), last: now}
			hs.byChannel[channel] = h
		}
		hs.mu.Unlock()
		h.mu.Lock()
		if !h.dead {
			h.metaTTL = max(h.metaTTL, limits.MetaTTL())
			return h
		}
		h.mu.Unlock()
	}
}

// sweepLocked forgets the histories idle for longer than their meta TTL.
// hs.mu must be held.
func (hs *memoryHistories) sweepLocked(now time.Time) {
	hs.lastSweep = now
	for ch, h := range hs.byChannel {
		h.mu.Lock()
		if now.Sub(h.last) > h.metaTTL {
			h.dead = true
			delete(hs.byChannel, ch)
		}
		h.mu.Unlock()
	}
}

func (hs *memoryHistories) clear() {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	for ch, h := range hs.byChannel {
		h.mu.Lock()
		h.dead = true
		h.mu.Unlock()
		delete(hs.byChannel, ch)
	}
}

// trim drops the entries beyond limits. h.mu must be held.
func (h *memoryHistory) trim(limits HistoryLimits, now time.Time) {
	drop := max(0, len(h.entries)-limits.Size)
	for drop < len(h.entries) && now.Sub(h.entries[drop].at) > limits.TTL {
		drop++
	}
	if drop > 0 {
		clear(h.entries[:drop]) // let the payloads go
		h.entries = h.entries[drop:]
	}
}

// PublishHistory appends payload to channel's history and calls every
// handler subscribed to channel with it, framed with its position, in the
// caller's goroutine, before it returns. The channel's history stays locked
// while the handlers run, so that every subscription sees the channel's
// publications in offset order: a handler must not publish to the channel
// it is called for.
func (b *MemoryBroker) PublishHistory(ctx context.Context, channel string, payload []byte, limits HistoryLimits) (Position, error) {
	if err := ctx.Err(); err != nil {
		return Position{}, fmt.Errorf("publish to %q: %w", channel, err)
	}
	limits, err := limits.normalize()
	if err != nil {
		return Position{}, fmt.Errorf("publish to %q: %w", channel, err)
	}
	if !b.Ready() {
		return Position{}, ErrBrokerClosed
	}
	now := time.Now()
	h := b.histories.lock(channel, limits, now)
	defer h.mu.Unlock()
	h.offset++
	h.last = now
	pos := Position{Offset: h.offset, Epoch: h.epoch}
	h.entries = append(h.entries, memoryEntry{offset: h.offset, at: now, payload: string(payload)})
	h.trim(limits, now)

	b.mu.RLock()
	subs := b.subs[channel]
	b.mu.RUnlock()
	if len(subs) > 0 {
		frame := EncodePublicationFrame(pos, payload)
		for _, s := range subs {
			s.handler(frame)
		}
	}
	return pos, nil
}

// History returns the kept publications of channel after offset after, and
// its position.
func (b *MemoryBroker) History(ctx context.Context, channel string, after uint64, limits HistoryLimits) ([]Publication, Position, error) {
	if err := ctx.Err(); err != nil {
		return nil, Position{}, fmt.Errorf("history of %q: %w", channel, err)
	}
	limits, err := limits.normalize()
	if err != nil {
		return nil, Position{}, fmt.Errorf("history of %q: %w", channel, err)
	}
	if !b.Ready() {
		return nil, Position{}, ErrBrokerClosed
	}
	now := time.Now()
	h := b.histories.lock(channel, limits, now)
	defer h.mu.Unlock()
	h.trim(limits, now)
	pos := Position{Offset: h.offset, Epoch: h.epoch}
	var out []Publication
	for _, e := range h.entries {
		if e.offset <= after {
			continue
		}
		if len(out) == limits.Size {
			break
		}
		out = append(out, Publication{Channel: channel, Payload: e.payload, Position: Position{Offset: e.offset, Epoch: h.epoch}})
	}
	return out, pos, nil
}
