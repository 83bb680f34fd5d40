package cluster

import (
	"context"
	"encoding/json"
	"slices"
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
// Each request is encoded as it is queued, and a letter is put together
// from those bytes: a request that cannot be encoded is refused alone (it
// is answered bad_request), and never spoils the letter the others travel
// in. Messages for connections are protocol.Encoded, JSON by construction.
//
// A table encodes an event once per audience and sends that one
// *protocol.Encoded to each of the audience's connections in turn; the
// outbox queues it once per receiving process: the connection joins the
// item already queued with the same messages, when nothing of that
// connection is queued after it (see deliver). 500 spectators of a table
// on one process cost one copy of each event in the letter, and one decode
// there, not 500.
type outbox struct {
	n     *Node
	to    string
	mu    sync.Mutex
	ops   []json.RawMessage // encoded ops
	out   []item            // out[i] is item number first+i
	first uint64
	// byMsg is the number of the last queued item that begins with a
	// message, lastOf the number of the last queued item of a connection:
	// what deliver needs to join an item. Entries of items sent are
	// deleted with them.
	byMsg   map[*protocol.Encoded]uint64
	lastOf  map[uint64]uint64
	bytes   int
	wake    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

// item is messages queued for one or more connections of the receiving
// process: each of them gets all of msgs, in order.
type item struct {
	conns []uint64
	msgs  []*protocol.Encoded
	size  int // the bytes it counts for in outbox.bytes
}

// Bytes an item counts for: its frame, each message and each connection
// number (at most 20 digits and a comma).
const (
	itemBytes = 32
	connBytes = 21
)

func newOutbox(n *Node, to string) *outbox {
	o := &outbox{n: n, to: to, byMsg: map[*protocol.Encoded]uint64{}, lastOf: map[uint64]uint64{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
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

// deliver queues msgs for connection conn of the process, after every
// message queued for conn before. Queued once per process and audience:
// conn joins the last queued item made of the very same messages (the
// same pointers: a table's event for an audience) when no item of conn is
// queued after that one, which keeps its order; else msgs are a new item.
// (Adding msgs to the end of conn's own last item would save a few bytes,
// but the connections after it could not join that item.)
//
// deliver keeps neither msgs (the slice) nor lets anyone change the
// messages, which the caller must not modify either (protocol.Encoded).
func (o *outbox) deliver(conn uint64, msgs []*protocol.Encoded) {
	if len(msgs) == 0 {
		return
	}
	o.mu.Lock()
	defer o.signal()
	defer o.mu.Unlock()
	last, queued := o.lastOf[conn]
	// The item of msgs, if one is queued and conn may join it.
	if k, ok := o.byMsg[msgs[0]]; ok && k >= o.first && (!queued || last < k) {
		if it := &o.out[k-o.first]; slices.Equal(it.msgs, msgs) {
			if o.bytes+connBytes > maxQueued {
				o.n.metrics.dropped.Inc()
				return
			}
			it.conns = append(it.conns, conn)
			it.size += connBytes
			o.bytes += connBytes
			o.lastOf[conn] = k
			return
		}
	}
	size := itemBytes + connBytes
	for _, m := range msgs {
		size += m.Len() + 1
	}
	if o.bytes+size > maxQueued {
		o.n.metrics.dropped.Inc()
		return
	}
	k := o.first + uint64(len(o.out))
	o.out = append(o.out, item{conns: []uint64{conn}, msgs: slices.Clone(msgs), size: size})
	o.byMsg[msgs[0]] = k
	o.lastOf[conn] = k
	o.bytes += size
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
// queued (or one larger item). Its requests were encoded as they were
// queued and its messages are protocol.Encoded, so putting it together
// cannot fail.
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
			o.bytes -= len(o.ops[0])
			o.ops = o.ops[1:]
		}
		b = append(b, ']')
	}
	if len(o.out) > 0 && size < maxLetter {
		b = append(b, `,"out":[`...)
		for k := 0; len(o.out) > 0 && size < maxLetter; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			n := len(b)
			b = o.out[0].appendTo(b)
			size += len(b) - n
			o.sent()
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
	if len(o.ops) == 0 && len(o.out) == 0 {
		o.bytes = 0
	}
	return b, true
}

// sent drops the first queued item, put in a letter: what deliver knew
// of it goes with it.
func (o *outbox) sent() {
	it := o.out[0]
	if o.byMsg[it.msgs[0]] == o.first {
		delete(o.byMsg, it.msgs[0])
	}
	for _, c := range it.conns {
		if o.lastOf[c] == o.first {
			delete(o.lastOf, c)
		}
	}
	o.bytes -= it.size
	o.out[0] = item{}
	o.out = o.out[1:]
	o.first++
}

// appendTo appends the item as a letter carries it (a delivery):
// {"conns":[...],"msgs":[...]}.
func (it item) appendTo(b []byte) []byte {
	b = append(b, `{"conns":[`...)
	for i, c := range it.conns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, c, 10)
	}
	b = append(b, `],"msgs":[`...)
	for i, m := range it.msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, m.JSON()...)
	}
	return append(b, "]}"...)
}

func (o *outbox) send(l []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := o.n.cfg.Broker.Publish(ctx, inbox(o.to), l); err != nil {
		o.n.metrics.dropped.Inc()
		o.n.log.Warn("cluster: a letter was lost", "to", o.to, "bytes", len(l), "err", err)
	}
}
