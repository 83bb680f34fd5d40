package cluster_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// stallConn blocks the table that sends it anything until release closes:
// a table whose goroutine waits (as on a stalled database).
type stallConn struct {
	p       protocol.Player
	entered chan struct{}
	once    sync.Once
	release chan struct{}
}

func (c *stallConn) Player() protocol.Player { return c.p }
func (c *stallConn) Send(...*protocol.Encoded) {
	c.once.Do(func() { close(c.entered) })
	<-c.release
}

// recordConn records, by table, the types of message and the error codes
// it gets.
type recordConn struct {
	p      protocol.Player
	mu     sync.Mutex
	got    map[string][]string // table → "type" or "error:code"
	errors map[string]int      // "table code" → count
}

func (c *recordConn) Player() protocol.Player { return c.p }
func (c *recordConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		var x struct {
			Type  string `json:"type"`
			Code  string `json:"code"`
			Table string `json:"table"`
			ID    string `json:"id"`
		}
		if err := json.Unmarshal(m.Bytes(), &x); err != nil {
			panic(err)
		}
		id := x.Table
		if id == "" {
			id = x.ID
		}
		if x.Type == "error" {
			c.errors[id+" "+x.Code]++
			continue
		}
		c.got[id] = append(c.got[id], x.Type)
	}
}

func (c *recordConn) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errors[key]
}

func (c *recordConn) gotAny(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got[id]) > 0
}

// A table on one process whose goroutine is stalled gets a flood of
// requests from another process: its queue fills and the excess is
// refused with table_busy, while a request for another table of the same
// process is served meanwhile; once the table goes on, every request of
// the flood has had exactly one answer.
func TestAStalledTableNeverStallsTheOthers(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	a, b := startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db)
	ps := signIn(t, []*process{a, a, b}, "Anna", "Boris", "Vera")

	stall := &stallConn{p: protocol.Player{ID: "watcher", Name: "watcher"}, entered: make(chan struct{}), release: make(chan struct{})}
	released := false
	release := func() {
		if !released {
			released = true
			close(stall.release)
		}
	}
	defer release()
	h1, err := a.node.Set(ps[0].p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	h2, err := a.node.Set(ps[1].p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	vera := &recordConn{p: ps[2].p, got: map[string][]string{}, errors: map[string]int{}}
	for _, id := range []string{h1.ID(), h2.ID()} {
		waitFor(t, 20*time.Second, "b lists "+id, func() bool {
			_, ok := b.node.Table(id)
			return ok
		})
	}
	r1, _ := b.node.Table(h1.ID())
	r2, _ := b.node.Table(h2.ID())

	h1.Watch(stall, 0)
	<-stall.entered // the table's goroutine now waits

	const flood = 1200 // more than the table's mailbox and queue together
	for range flood {
		r1.Stand(vera)
	}
	busy := h1.ID() + " " + string(protocol.ErrTableBusy)
	defer func() { t.Logf("errors %v got %v", vera.errors, vera.got) }()
	waitFor(t, 30*time.Second, "a request refused as table_busy", func() bool { return vera.count(busy) > 0 })
	r2.Watch(vera, 0)
	waitFor(t, 30*time.Second, "the other table's view while the first is stalled", func() bool { return vera.gotAny(h2.ID()) })
	if vera.gotAny(h1.ID()) {
		t.Fatal("the stalled table answered")
	}

	release()
	notSeated := h1.ID() + " " + string(protocol.ErrNotSeated)
	waitFor(t, 30*time.Second, "an answer to every request of the flood", func() bool {
		return vera.count(busy)+vera.count(notSeated) >= flood
	})
	if got := vera.count(busy) + vera.count(notSeated); got != flood {
		t.Errorf("%d answers to %d requests", got, flood)
	}
	if d := b.dropped(t) + a.dropped(t); d != 0 {
		t.Errorf("%v letters dropped", d)
	}
}

// After a bounded loop of connections of one process that watch a table of
// another, ask it things, leave it, and of others that ask it things
// without watching it, neither process keeps anything of them: no proxy on
// the owner, no connection number on theirs (the connections stay open).
func TestLeavesAndUnwatchedRequestsLeaveNothingBehind(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	a, b := startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db)
	ps := signIn(t, []*process{a, b}, "Anna", "Boris")
	h, err := a.node.Set(ps[0].p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "b lists the table", func() bool {
		_, ok := b.node.Table(h.ID())
		return ok
	})
	r, _ := b.node.Table(h.ID())

	const rounds = 20
	var conns []*recordConn
	for i := range rounds {
		p := protocol.Player{ID: "v" + strconv.Itoa(i), Name: "v" + strconv.Itoa(i)}
		watcher := &recordConn{p: p, got: map[string][]string{}, errors: map[string]int{}}
		asker := &recordConn{p: p, got: map[string][]string{}, errors: map[string]int{}}
		conns = append(conns, watcher, asker)
		r.Watch(watcher, 0)
		r.Stand(watcher)
		r.Leave(watcher)
		r.Stand(asker)
		r.Cancel(asker)
	}
	notSeated := h.ID() + " " + string(protocol.ErrNotSeated)
	waitFor(t, 30*time.Second, "every connection's answers", func() bool {
		for i := 0; i < len(conns); i += 2 {
			w, q := conns[i], conns[i+1]
			w.mu.Lock()
			left := slices.Contains(w.got[h.ID()], "left")
			w.mu.Unlock()
			if !left || w.count(notSeated) != 1 || q.count(notSeated) != 1 {
				return false
			}
		}
		return true
	})
	waitFor(t, 30*time.Second, "nothing kept of the connections", func() bool {
		ac, ap := a.node.Kept()
		bc, bp := b.node.Kept()
		return ac+ap+bc+bp == 0
	})
}
