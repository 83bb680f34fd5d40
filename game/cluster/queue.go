package cluster

import (
	"github.com/trelljaz/trelljaz/game/protocol"
)

// Requests of other processes' connections do not run on the broker's
// receive goroutine: each table has its own bounded queue of them, drained
// by a goroutine of its own while it holds any. A table whose goroutine is
// stalled (its journal waits on the database) fills only its own queue;
// the requests for every other table, and the deliveries to this process's
// connections, go on. A request that finds its table's queue full is
// refused with protocol.ErrTableBusy (the table's own mailbox is full
// too): the client may try again, nothing was done.

// Bounds of a table's queue of remote requests.
const (
	// tableQueueLen bounds the requests waiting for one table.
	tableQueueLen = 256
	// tableQueueDetach is the bound for detaches and leaves, which are
	// never refused below it: a closed connection must leave the table.
	tableQueueDetach = 4 * tableQueueLen
)

// tableQueue is the remote requests waiting for one table, in order.
type tableQueue struct {
	ops []op
}

// enqueue queues o for its table's goroutine of requests, starting it
// when idle; a full queue refuses o. It never blocks.
func (n *Node) enqueue(o op) {
	limit := tableQueueLen
	if o.Do == doDetach || o.Do == doLeave {
		limit = tableQueueDetach
	}
	n.mu.Lock()
	q := n.queues[o.Table]
	if q != nil && len(q.ops) >= limit {
		n.mu.Unlock()
		n.refuseBusy(o)
		return
	}
	start := q == nil
	if start {
		q = &tableQueue{}
		n.queues[o.Table] = q
		n.workers.Add(1)
	}
	q.ops = append(q.ops, o)
	n.mu.Unlock()
	if start {
		go n.drain(o.Table, q)
	}
}

// drain runs table id's queued requests in order, and ends when none is
// left.
func (n *Node) drain(id string, q *tableQueue) {
	defer n.workers.Done()
	for {
		n.mu.Lock()
		if len(q.ops) == 0 {
			delete(n.queues, id)
			n.mu.Unlock()
			return
		}
		o := q.ops[0]
		q.ops[0] = op{}
		q.ops = q.ops[1:]
		n.mu.Unlock()
		n.execute(o)
	}
}

// refuseBusy answers o's connection that its table is busy.
func (n *Node) refuseBusy(o op) {
	n.metrics.busy.Inc()
	if o.Do == doDetach || o.Do == doLeave {
		n.log.Warn("cluster: a table's queue is full: a detach is lost", "table", o.Table, "from", o.Origin)
		return
	}
	n.answer(o, protocol.ErrTableBusy, "the table is busy (its server waits on the database): try again in a moment")
}
