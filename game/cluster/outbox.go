package cluster

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
)

// Bounds of an outbox.
const (
	// maxQueued bounds the bytes waiting for one process (Redis slow or
	// down): past it new items are dropped and counted; the receiver's
	// clients resync when the broker reports the gap.
	maxQueued = 8 << 20
	// maxLetter bounds one letter's bytes (several letters go out when
	// more is queued).
	maxLetter = 256 << 10
	// publishTimeout bounds one publish.
	publishTimeout = 5 * time.Second
)

// outbox sends letters to one process, in the order items were queued, from
// its own goroutine: a table's goroutine queues and never waits on Redis.
//
// Each item is encoded, or checked, as it is queued, and a letter is put
// together from those bytes: an item that cannot be encoded is refused
// alone (the request is answered bad_request, the message dropped and
// counted), and never spoils the letter the others travel in.
type outbox struct {
	n       *Node
	to      string
	mu      sync.Mutex
	ops     []json.RawMessage // encoded ops
	out     []delivery
	bytes   int
	wake    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

func newOutbox(n *Node, to string) *outbox {
	o := &outbox{n: n, to: to, wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go o.run()
	return o
}

// request queues an op for the process; one that cannot be encoded is
// answered with bad_request instead.
func (o *outbox) request(x op) {
	b, err := json.Marshal(x)
	if err != nil {
		o.n.log.Warn("cluster: a request that cannot be encoded", "do", x.Do, "table", x.Table, "err", err)
		o.n.answer(x, protocol.ErrBadRequest, "the request cannot be passed to the table's server: "+err.Error())
		return
	}
	o.mu.Lock()
	if o.bytes+len(b) > maxQueued {
		o.mu.Unlock()
		o.n.metrics.dropped.Inc()
		return
	}
	o.ops = append(o.ops, b)
	o.bytes += len(b)
	o.mu.Unlock()
	o.signal()
}

// deliver queues messages for connection conn of the process; a message
// that is not JSON is dropped (counted) instead.
func (o *outbox) deliver(conn uint64, msgs []json.RawMessage) {
	size := 32
	for i := 0; i < len(msgs); {
		if !json.Valid(msgs[i]) {
			o.n.metrics.dropped.Inc()
			o.n.log.Error("cluster: a message that is not JSON is dropped", "to", o.to, "conn", conn, "bytes", len(msgs[i]))
			msgs = append(msgs[:i:i], msgs[i+1:]...)
			continue
		}
		size += len(msgs[i]) + 1
		i++
	}
	if len(msgs) == 0 {
		return
	}
	o.mu.Lock()
	if o.bytes+size > maxQueued {
		o.mu.Unlock()
		o.n.metrics.dropped.Inc()
		return
	}
	if k := len(o.out) - 1; k >= 0 && o.out[k].Conn == conn {
		o.out[k].Msgs = append(o.out[k].Msgs, msgs...)
	} else {
		o.out = append(o.out, delivery{Conn: conn, Msgs: msgs})
	}
	o.bytes += size
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// close stops the outbox after what it is sending; what is queued is
// dropped.
func (o *outbox) close() {
	select {
	case <-o.stop:
	default:
		close(o.stop)
	}
	<-o.stopped
}

func (o *outbox) run() {
	defer close(o.stopped)
	for {
		select {
		case <-o.stop:
			return
		case <-o.wake:
		}
		for {
			l, ok := o.take()
			if !ok {
				break
			}
			o.send(l)
		}
	}
}

// take returns the next letter, encoded: up to maxLetter bytes of what is
// queued (or one larger item). Its items were encoded or checked as they
// were queued, so putting it together cannot fail.
func (o *outbox) take() ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.ops) == 0 && len(o.out) == 0 {
		return nil, false
	}
	b := make([]byte, 0, min(o.bytes+64, maxLetter+1024))
	b = append(b, `{"from":`...)
	b = strconv.AppendQuote(b, o.n.id)
	size := 0
	if len(o.ops) > 0 {
		b = append(b, `,"ops":[`...)
		for k := 0; len(o.ops) > 0 && (k == 0 || size+len(o.ops[0]) <= maxLetter); k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, o.ops[0]...)
			size += len(o.ops[0])
			o.ops = o.ops[1:]
		}
		b = append(b, ']')
	}
	if len(o.out) > 0 && size < maxLetter {
		b = append(b, `,"out":[`...)
		for k := 0; len(o.out) > 0 && size < maxLetter; k++ {
			d := o.out[0]
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"conn":`...)
			b = strconv.AppendUint(b, d.Conn, 10)
			b = append(b, `,"msgs":[`...)
			for i, m := range d.Msgs {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, m...)
				size += len(m) + 1
			}
			b = append(b, "]}"...)
			o.out = o.out[1:]
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if len(o.ops) == 0 {
		o.ops = nil
	}
	if len(o.out) == 0 {
		o.out = nil
	}
	o.bytes = max(0, o.bytes-size)
	if len(o.ops) == 0 && len(o.out) == 0 {
		o.bytes = 0
	}
	return b, true
}

func (o *outbox) send(l []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := o.n.cfg.Broker.Publish(ctx, inbox(o.to), l); err != nil {
		o.n.metrics.dropped.Inc()
		o.n.log.Warn("cluster: a letter was lost", "to", o.to, "bytes", len(l), "err", err)
	}
}
