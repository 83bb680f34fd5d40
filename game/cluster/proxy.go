package cluster

import (
	"encoding/json"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// maxHops bounds how often a request is passed on to the process that
// runs its table now (its sender knew an older owner).
const maxHops = 2

// proxyKey names a connection of another process.
type proxyKey struct {
	origin string
	conn   uint64
}

// proxy is a connection of another process as the tables of this one see
// it: its player, and a Send that queues the messages for its process.
type proxy struct {
	n   *Node
	key proxyKey
	p   protocol.Player

	tables map[string]bool // attached to; guarded by n.mu
}

var _ table.Conn = (*proxy)(nil)

func (p *proxy) Player() protocol.Player { return p.p }

// Send queues msgs for the connection's process; it never blocks.
func (p *proxy) Send(msgs ...*protocol.Encoded) {
	if o := p.n.outbox(p.key.origin); o != nil {
		o.deliver(p.key.conn, msgs)
	}
}

// onLetter handles a letter from another process (on the broker's
// goroutine): its requests go to the tables, its deliveries to the
// connections.
func (n *Node) onLetter(payload []byte) {
	var l letter
	if err := json.Unmarshal(payload, &l); err != nil || l.From == "" {
		n.log.Warn("cluster: a bad letter", "err", err)
		return
	}
	n.heard(l.From)
	for _, o := range l.Ops {
		if o.Origin == "" || o.Table == "" {
			continue
		}
		n.enqueue(o)
	}
	for _, d := range l.Out {
		// Decoded once for all its connections: each gets the same
		// *protocol.Encoded, and its SockJS frame is built once.
		msgs := make([]*protocol.Encoded, 0, len(d.Msgs))
		for _, m := range d.Msgs {
			e, err := protocol.Raw(m)
			if err != nil {
				n.log.Warn("cluster: a bad delivery", "from", l.From, "err", err)
				continue
			}
			msgs = append(msgs, e)
		}
		if len(d.Conns) == 0 && d.Conn != 0 {
			d.Conns = []uint64{d.Conn} // from a process of the previous version
		}
		for _, id := range d.Conns {
			if c, ok := n.conns.conn(id); ok { // else closed meanwhile
				c.Send(msgs...)
			}
		}
	}
}

// answer tells o's connection, on this process or on its own, that o was
// refused with code.
func (n *Node) answer(o op, code protocol.Code, text string) {
	msg := protocol.Encode(protocol.Error{Code: code, Table: o.Table, Text: text})
	if o.Origin == n.id {
		if c, ok := n.conns.conn(o.Conn); ok {
			c.Send(msg)
		}
		return
	}
	if ob := n.outbox(o.Origin); ob != nil {
		ob.deliver(o.Conn, []*protocol.Encoded{msg})
	}
}

// execute runs a request of another process's connection on a table of
// this one (on the table's queue goroutine: queue.go); a table that moved
// on gets the request passed on.
func (n *Node) execute(o op) {
	if o.Origin == "" || o.Table == "" {
		return
	}
	t, ok := n.lobby.Table(o.Table)
	if !ok {
		if owner := n.owner(o.Table); owner != "" && owner != n.id && owner != o.Origin && o.Hops < maxHops {
			o.Hops++
			if ob := n.outbox(owner); ob != nil {
				ob.request(o)
			}
			return
		}
		if o.Do == doDetach {
			return
		}
		n.answer(o, protocol.ErrNoTable, "the table is moving to another server: try again in a moment")
		return
	}
	attach := o.Do == doWatch || o.Do == doConventions || o.Do == doSit
	px := n.proxy(o, attach)
	// A proxy attached to no table is forgotten once its request is
	// posted: the table answers it, and does not keep it.
	defer n.detachProxy(px, o.Table, o.Do == doDetach || o.Do == doLeave)
	switch o.Do {
	case doWatch:
		t.Watch(px, o.V)
	case doDetach:
		t.Detach(px)
	case doLeave:
		t.Leave(px)
	case doConventions:
		t.SetConventions(px, o.Preset, o.Options)
	case doCancel:
		t.Cancel(px)
	case doSit:
		t.Sit(px, o.Seat)
	case doStand:
		t.Stand(px)
	case doAddBot:
		t.AddBot(px, o.Seat)
	case doMove:
		if o.Move != nil {
			t.Move(px, *o.Move)
		}
	case doChat:
		t.Chat(px, o.Text)
	default:
		n.log.Warn("cluster: an unknown request", "do", o.Do, "from", o.Origin)
	}
}

// proxy returns the proxy of o's connection, made on first use; attach
// notes that it is attached to o's table.
func (n *Node) proxy(o op, attach bool) *proxy {
	k := proxyKey{o.Origin, o.Conn}
	n.mu.Lock()
	defer n.mu.Unlock()
	px := n.proxies[k]
	if px == nil {
		px = &proxy{n: n, key: k, p: o.Player, tables: map[string]bool{}}
		n.proxies[k] = px
	}
	if attach {
		px.tables[o.Table] = true
	}
	return px
}

// detachProxy notes, when detach, that px left tbl; a proxy attached to
// nothing is forgotten.
func (n *Node) detachProxy(px *proxy, tbl string, detach bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if detach {
		delete(px.tables, tbl)
	}
	if len(px.tables) == 0 && n.proxies[px.key] == px {
		delete(n.proxies, px.key)
	}
}

// proxyCount returns how many proxies this process keeps.
func (n *Node) proxyCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.proxies)
}

// dropProxies detaches every connection of process peer (gone) from the
// tables of this one: its seated players count as away.
func (n *Node) dropProxies(peer string) {
	n.mu.Lock()
	gone := map[*proxy][]string{}
	for k, px := range n.proxies {
		if k.origin == peer {
			for id := range px.tables {
				gone[px] = append(gone[px], id)
			}
			delete(n.proxies, k)
		}
	}
	n.mu.Unlock()
	for px, ids := range gone {
		for _, id := range ids {
			if t, ok := n.lobby.Table(id); ok {
				t.Detach(px)
			}
		}
	}
}
