package cluster

import (
	"context"
	"encoding/json"
	mrand "math/rand/v2"
	"net/netip"
	"sync"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/table"
)

// The node is where connections find tables (web.Tables): every table has
// one handle here, wherever it runs.

// Set sets a table on this process for p, connected from address from,
// and takes its lease. The error is a protocol.Error.
func (n *Node) Set(p protocol.Player, from netip.Addr) (table.Handle, error) {
	t, err := n.lobby.Set(p, from)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	f, ok, err := n.cfg.Store.AcquireLease(ctx, t.ID(), n.id, n.cfg.LeaseTTL)
	if err != nil || !ok {
		n.log.Error("cluster: a new table's lease", "table", t.ID(), "acquired", ok, "err", err)
		n.lobby.Disown(t.ID())
		n.lobby.PutRemote(protocol.Summary{ID: t.ID(), State: protocol.StateFree})
		n.publishOrdered(note{Kind: noteTable, Table: &protocol.Summary{ID: t.ID(), State: protocol.StateFree}})
		return nil, protocol.Error{Code: protocol.ErrInternal, Text: "the club's database is unreachable: the table was not set"}
	}
	n.hold(f)
	if from.IsValid() {
		// The table's first summary went out as the lobby set it; its
		// address follows (and goes with its later summaries and rosters).
		n.mu.Lock()
		n.addrs[t.ID()] = from
		n.mu.Unlock()
		n.publishOrdered(note{Kind: noteAddr, TableID: t.ID(), Addr: from.String()})
	}
	return n.handle(t.ID()), nil
}

// Table returns table id's handle, wherever it runs. A table set on
// another process a moment ago may not be listed here yet: its live lease
// in the store names its owner.
func (n *Node) Table(id string) (table.Handle, bool) {
	if _, ok := n.lobby.Table(id); ok || n.lobby.Remote(id) {
		return n.handle(id), true
	}
	if id == "" || len(id) > maxTableID {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	l, ok, err := n.cfg.Store.LiveLease(ctx, id)
	if err != nil || !ok || l.Owner == n.id {
		return nil, false
	}
	n.mu.Lock()
	if _, known := n.owners[id]; !known {
		n.owners[id] = l.Owner
	}
	n.mu.Unlock()
	return n.handle(id), true
}

// maxTableID bounds the ids looked up in the store.
const maxTableID = 64

// SeatedAt returns the tables where player id sits, wherever they run.
func (n *Node) SeatedAt(id string) []table.Handle {
	var out []table.Handle
	for _, tid := range n.lobby.SeatedAtIDs(id) {
		out = append(out, n.handle(tid))
	}
	return out
}

// handle returns table id's handle.
func (n *Node) handle(id string) *handle {
	n.mu.Lock()
	defer n.mu.Unlock()
	h := n.handles[id]
	if h == nil {
		h = &handle{n: n, id: id, done: make(chan struct{})}
		n.handles[id] = h
	}
	return h
}

// tableGone closes table id's handle: its connections forget it.
func (n *Node) tableGone(id string) {
	n.mu.Lock()
	h := n.handles[id]
	delete(n.handles, id)
	n.mu.Unlock()
	if h != nil {
		h.gone()
	}
	n.conns.forgetTable(id)
}

// handle is a table as connections of this process see it: each request
// goes to the table's goroutine when the table runs here, else to its
// owner's inbox, where a proxy of the connection asks the table, and the
// table's messages for the proxy come back to the connection.
type handle struct {
	n    *Node
	id   string
	once sync.Once
	done chan struct{}
}

var _ table.Handle = (*handle)(nil)

func (h *handle) ID() string            { return h.id }
func (h *handle) Done() <-chan struct{} { return h.done }
func (h *handle) gone()                 { h.once.Do(func() { close(h.done) }) }

// route runs local on the table when it runs here, else sends o to the
// table's owner.
func (h *handle) route(c table.Conn, o op, local func(t *table.Table)) {
	n := h.n
	owner := n.owner(h.id)
	if owner == "" || owner == n.id {
		if t, ok := n.lobby.Table(h.id); ok {
			local(t)
			return
		}
		// Between two owners (a takeover): the connection is watched
		// again when the new owner reports; this request is refused.
		c.Send(protocol.Encode(protocol.Error{Code: protocol.ErrNoTable, Table: h.id,
			Text: "the table is moving to another server: try again in a moment"}))
		return
	}
	o.Origin, o.Conn, o.Player, o.Table = n.id, n.conns.id(c), c.Player(), h.id
	if ob := n.outbox(owner); ob != nil {
		ob.request(o)
	}
}

func (h *handle) Watch(c table.Conn, v uint64) {
	h.n.conns.attach(h.id, c)
	h.route(c, op{Do: doWatch, V: v}, func(t *table.Table) { t.Watch(c, v) })
}

func (h *handle) Detach(c table.Conn) {
	h.route(c, op{Do: doDetach}, func(t *table.Table) { t.Detach(c) })
	h.n.conns.detach(h.id, c, true)
}

func (h *handle) Leave(c table.Conn) {
	h.n.conns.detach(h.id, c, false)
	h.route(c, op{Do: doLeave}, func(t *table.Table) { t.Leave(c) })
}

func (h *handle) SetConventions(c table.Conn, preset string, options map[string]json.RawMessage) {
	h.n.conns.attach(h.id, c)
	h.route(c, op{Do: doConventions, Preset: preset, Options: options}, func(t *table.Table) {
		t.SetConventions(c, preset, options)
	})
}

func (h *handle) Cancel(c table.Conn) {
	h.route(c, op{Do: doCancel}, func(t *table.Table) { t.Cancel(c) })
}

func (h *handle) Sit(c table.Conn, i int) {
	h.n.conns.attach(h.id, c)
	h.route(c, op{Do: doSit, Seat: i}, func(t *table.Table) { t.Sit(c, i) })
}

func (h *handle) Stand(c table.Conn) {
	h.route(c, op{Do: doStand}, func(t *table.Table) { t.Stand(c) })
}

func (h *handle) AddBot(c table.Conn, i int) {
	h.route(c, op{Do: doAddBot, Seat: i}, func(t *table.Table) { t.AddBot(c, i) })
}

func (h *handle) Move(c table.Conn, m rules.Move) {
	h.route(c, op{Do: doMove, Move: &m}, func(t *table.Table) { t.Move(c, m) })
}

func (h *handle) Chat(c table.Conn, text string) {
	h.route(c, op{Do: doChat, Text: text}, func(t *table.Table) { t.Chat(c, text) })
}

// rewatch watches table id again, from scratch, for every connection of
// this process attached to it: its owner changed (or the broker had a
// gap), and the new owner's versions are not the old one's.
func (n *Node) rewatch(id string) {
	h := n.handle(id)
	for _, c := range n.conns.attachedTo(id) {
		h.route(c, op{Do: doWatch}, func(t *table.Table) { t.Watch(c, 0) })
	}
}

// rewatchOwnedBy rewatches the tables peer runs. Peer said hello: it
// started, or its broker came back after a gap, and then letters to and
// from it may have been lost — among them this process's own rewatch after
// its gap, when that came before peer's subscription was back. Whichever
// process resubscribes last, its hello makes the others resync from it.
func (n *Node) rewatchOwnedBy(peer string) {
	for _, id := range n.conns.tables() {
		if n.owner(id) == peer {
			n.rewatch(id)
		}
	}
}

// rewatchAll rewatches every table a connection of this process is
// attached to.
func (n *Node) rewatchAll() {
	for _, id := range n.conns.tables() {
		n.rewatch(id)
	}
}

// connRegistry numbers the connections of this process that talk to
// tables (the owner's proxies name them by number) and knows which tables
// each is attached to.
type connRegistry struct {
	mu       sync.Mutex
	next     uint64
	ids      map[table.Conn]uint64
	conns    map[uint64]table.Conn
	attached map[string]map[table.Conn]bool // by table
	count    map[table.Conn]int             // tables attached, by connection
	used     map[table.Conn]bool            // numbered, or its number used, since the last sweep
}

// newConnRegistry returns a registry whose numbers begin at a random
// point of 2^40: a process killed and started again under the same name
// (-node) is heard from again before its peers count it gone, so their
// proxies of its old connections stay at their tables for a while; a
// number of the old process then names no connection of the new one (one
// chance in about 10^12 / connections), instead of the new process's
// first connections getting the old ones' events and cards.
func newConnRegistry() *connRegistry {
	return &connRegistry{next: mrand.Uint64() >> 24, ids: map[table.Conn]uint64{}, conns: map[uint64]table.Conn{},
		attached: map[string]map[table.Conn]bool{}, count: map[table.Conn]int{},
		used: map[table.Conn]bool{}}
}

// id returns c's number, numbering it on first use.
func (r *connRegistry) id(c table.Conn) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.idLocked(c)
}

func (r *connRegistry) idLocked(c table.Conn) uint64 {
	r.used[c] = true
	id, ok := r.ids[c]
	if !ok {
		r.next++
		id = r.next
		r.ids[c], r.conns[id] = id, c
	}
	return id
}

// conn returns the connection numbered id.
func (r *connRegistry) conn(id uint64) (table.Conn, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.conns[id]
	if ok {
		r.used[c] = true
	}
	return c, ok
}

func (r *connRegistry) attach(tbl string, c table.Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.idLocked(c)
	m := r.attached[tbl]
	if m == nil {
		m = map[table.Conn]bool{}
		r.attached[tbl] = m
	}
	if !m[c] {
		m[c] = true
		r.count[c]++
	}
}

// detach notes that c no longer watches tbl; closing (a closed
// connection's Detach) drops its number once it watches nothing.
func (r *connRegistry) detach(tbl string, c table.Conn, closing bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.detachLocked(tbl, c)
	if _, watching := r.count[c]; closing && !watching {
		r.forgetLocked(c)
	}
}

func (r *connRegistry) forgetLocked(c table.Conn) {
	if id, ok := r.ids[c]; ok {
		delete(r.ids, c)
		delete(r.conns, id)
	}
	delete(r.used, c)
}

// sweep forgets the numbers of connections attached to no table and
// neither numbered nor used since the last sweep (every Config.Renew): a
// connection that left its tables, or asked a table it does not watch,
// without closing. A reply still on its way after that is dropped.
func (r *connRegistry) sweep() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.ids {
		switch {
		case r.count[c] > 0:
			delete(r.used, c)
		case r.used[c]:
			delete(r.used, c)
		default:
			r.forgetLocked(c)
		}
	}
}

// size returns how many connections have a number.
func (r *connRegistry) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ids)
}

func (r *connRegistry) detachLocked(tbl string, c table.Conn) {
	m := r.attached[tbl]
	if !m[c] {
		return
	}
	delete(m, c)
	if len(m) == 0 {
		delete(r.attached, tbl)
	}
	if r.count[c]--; r.count[c] <= 0 {
		// The number stays until the connection closes, or a sweep
		// finds it unused: the owner may still send the reply to a
		// Leave (a "left").
		delete(r.count, c)
	}
}

// forgetTable detaches every connection from a table that is gone.
func (r *connRegistry) forgetTable(tbl string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.attached[tbl] {
		r.detachLocked(tbl, c)
	}
}

func (r *connRegistry) attachedTo(tbl string) []table.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []table.Conn
	for c := range r.attached[tbl] {
		out = append(out, c)
	}
	return out
}

func (r *connRegistry) tables() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for id := range r.attached {
		out = append(out, id)
	}
	return out
}
