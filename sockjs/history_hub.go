package sockjs

import (
	"context"
	"errors"
	"fmt"
)

// errAlreadySubscribed refuses SubscribeSince for a session subscribed to the
// channel already: it may have had live publications, which a recovery would
// send again.
var errAlreadySubscribed = errors.New("sockjs: already subscribed")

// maxPending bounds the live publications held back for one session while
// its recovery reads the history. Past it the recovery fails (the session
// is told by Recovery.Recovered and by the gap in offsets).
const maxPending = MaxHistorySize

// recovery is the state of one session being recovered; hc.mu guards it.
// First its live publications are held back while its missed ones are read
// from history (pending). Then, once those are sent (finished), live
// publications up to until are dropped: Redis may deliver a publication
// after a History read that returned it, because the read and the
// subscription are two connections. The first live publication after until
// makes the session an ordinary subscriber.
type recovery struct {
	pending  []pendingPublication
	overflow bool
	finished bool
	until    Position
}

type pendingPublication struct {
	pos Position
	msg *Message
}

// SubscribeSince subscribes s to channel, a channel with history
// (HubOptions.History), and first sends s the publications it missed: those
// after since. It is how a client that comes back (a new session, on any
// transport, on any process) continues where it was; the client learns the
// position of each publication it receives from HubOptions.EncodePublication.
//
// When the history still holds everything after since (same epoch, nothing
// trimmed by HistoryLimits), s gets those publications in order, then the
// live ones, none twice, and Recovery.Recovered is true. Otherwise
// (the epoch changed: the history was lost, for example in a Redis restart;
// or the missed publications are no longer kept) s gets no history, only
// live publications after Recovery.Position, and Recovered is false with a
// Reason: the application must resync s. The zero since means a client that
// never saw the channel: nothing to recover, Recovered is true.
//
// s is subscribed in both cases; an error means it is not: the channel has
// no history (ErrNoHistory), s is subscribed to it already, or the broker
// failed. Like Subscribe, it joins s to the channel's presence. The history
// read is bounded by 10 s. The missed publications are queued on s like any
// others: more than its send queue holds closes s as a slow consumer, so
// keep HistoryLimits.Size within what one session may be sent at once.
//
// Recovery covers what the history holds, not a gap of the broker: a
// publication the broker lost while its subscription was down (a
// BrokerResubscribed event) shows to clients as a jump in offsets; the
// application then calls Unsubscribe and SubscribeSince from the client's
// last position to fill it (examples/chat does).
func (h *Hub) SubscribeSince(s *Session, channel string, since Position) (Recovery, error) {
	hc, err := h.subscribe(s, channel, true)
	if err != nil {
		return Recovery{}, err
	}
	ctx, cancel := context.WithTimeout(s.Context(), subscribeWait)
	pubs, top, err := h.history.History(ctx, channel, since.Offset, *hc.history)
	cancel()
	if err != nil {
		h.Unsubscribe(s, channel)
		return Recovery{}, fmt.Errorf("subscribe %q since %s: read history: %w", channel, since, err)
	}
	rec, ok := hc.finishRecovery(s, since, pubs, top)
	if !ok {
		return Recovery{}, fmt.Errorf("subscribe %q since %s: %w", channel, since, ErrSessionClosed)
	}
	return rec, nil
}

// deliverPublication hands one publication of a channel with history to the
// local subscribers: sent at once to the live ones, held back for those
// being recovered.
func (hc *hubChannel) deliverPublication(frame []byte) {
	pos, payload, ok := decodePublicationFrame(frame)
	if !ok {
		// Published outside history (say by redis-cli): no position.
		payload = frame
	}
	m := NewMessage(hc.encode(Publication{Channel: hc.name, Payload: string(payload), Position: pos}))
	// Under hc.mu, so that a session moving from recovering to live gets
	// each publication exactly once, in order. Sending never blocks.
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if list := hc.list.Load(); list != nil {
		for _, s := range *list {
			_ = s.send(m, false)
		}
	}
	joined := false
	for s, r := range hc.recovering {
		switch {
		case !r.finished && len(r.pending) >= maxPending:
			r.overflow = true
		case !r.finished:
			r.pending = append(r.pending, pendingPublication{pos, m})
		case r.until.covers(pos):
			// Sent from history already.
		default:
			_ = s.send(m, false)
			delete(hc.recovering, s)
			hc.sessions[s] = struct{}{}
			joined = true
		}
	}
	if joined {
		hc.snapshotLocked()
	}
}

// covers reports whether a live publication at p is one a recovery up to
// until has sent: an earlier offset of the same epoch.
func (until Position) covers(p Position) bool {
	return !p.IsZero() && p.Epoch == until.Epoch && p.Offset <= until.Offset
}

// finishRecovery sends s what it missed after since, given the history read
// after its subscription was live, then the publications held back
// meanwhile that the history did not hold. ok is false when s left the
// channel meanwhile.
func (hc *hubChannel) finishRecovery(s *Session, since Position, pubs []Publication, top Position) (rec Recovery, ok bool) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	r := hc.recovering[s]
	if r == nil {
		return Recovery{}, false
	}
	missed, reason := recoverable(since, pubs, top)
	rec = Recovery{Recovered: reason == "", Reason: reason, Missed: len(missed), Position: top}
	for _, p := range missed {
		_ = s.send(NewMessage(hc.encode(p)), false)
	}
	r.until = top
	for _, p := range r.pending {
		if r.until.covers(p.pos) {
			continue // in the history read: sent above, or older than since
		}
		_ = s.send(p.msg, false)
		if p.pos.Epoch == r.until.Epoch || r.until.IsZero() {
			r.until = p.pos
		}
	}
	r.pending, r.finished = nil, true
	if r.overflow && rec.Recovered {
		rec.Recovered = false
		rec.Reason = fmt.Sprintf("more than %d publications arrived while the history was read", maxPending)
	}
	return rec, true
}

// recoverable returns the publications a subscriber at since missed, given
// the history after since.Offset and the channel's position top, or why
// they cannot be recovered.
func recoverable(since Position, pubs []Publication, top Position) (missed []Publication, reason string) {
	switch {
	case since.IsZero():
		return nil, ""
	case since.Epoch != top.Epoch:
		return nil, fmt.Sprintf("the channel's history was lost (epoch %q is now %q)", since.Epoch, top.Epoch)
	case since.Offset > top.Offset:
		return nil, fmt.Sprintf("offset %d is ahead of the channel's %d", since.Offset, top.Offset)
	}
	need := int(top.Offset - since.Offset)
	if need == 0 {
		return nil, ""
	}
	if len(pubs) < need {
		return nil, fmt.Sprintf("%d publications were missed and %d are still kept", need, len(pubs))
	}
	for i, p := range pubs[:need] {
		if p.Position.Offset != since.Offset+1+uint64(i) || p.Position.Epoch != top.Epoch {
			return nil, fmt.Sprintf("publications after offset %d are no longer kept", since.Offset)
		}
	}
	return pubs[:need], ""
}
