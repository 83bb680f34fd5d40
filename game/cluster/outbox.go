package cluster

import (
	"context"
	"encoding/json"
	"sync"
	"time"
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
type outbox struct {
	n       *Node
	to      string
	mu      sync.Mutex
	ops     []op
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

// request queues an op for the process.
func (o *outbox) request(x op) {
	size := x.size()
	if x.Move != nil {
		size += 64
	}
	o.mu.Lock()
	if o.bytes+size > maxQueued {
		o.mu.Unlock()
		o.n.metrics.dropped.Inc()
		return
	}
	o.ops = append(o.ops, x)
	o.bytes += size
	o.mu.Unlock()
	o.signal()
}

// deliver queues messages for connection conn of the process.
func (o *outbox) deliver(conn uint64, msgs []json.RawMessage) {
	size := 32
	for _, m := range msgs {
		size += len(m) + 1
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

// take returns the next letter, up to maxLetter bytes of what is queued.
func (o *outbox) take() (letter, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.ops) == 0 && len(o.out) == 0 {
		return letter{}, false
	}
	l := letter{From: o.n.id}
	size := 0
	for len(o.ops) > 0 && (size == 0 || size+o.ops[0].size() <= maxLetter) {
		size += o.ops[0].size()
		l.Ops = append(l.Ops, o.ops[0])
		o.ops = o.ops[1:]
	}
	for len(o.out) > 0 && size < maxLetter {
		d := o.out[0]
		for _, m := range d.Msgs {
			size += len(m) + 1
		}
		l.Out = append(l.Out, d)
		o.out = o.out[1:]
	}
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
	return l, true
}

func (o *outbox) send(l letter) {
	b, err := json.Marshal(l)
	if err != nil {
		o.n.log.Error("cluster: encode a letter", "to", o.to, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := o.n.cfg.Broker.Publish(ctx, inbox(o.to), b); err != nil {
		o.n.metrics.dropped.Inc()
		o.n.log.Warn("cluster: a letter was lost", "to", o.to, "ops", len(l.Ops), "deliveries", len(l.Out), "err", err)
	}
}
