package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// slowRosters is a broker whose publish of a roster waits until a table's
// note was published (at most rosterWait): a roster put together before a
// table was set, and published after that table's note, is what a busy
// process could do.
type slowRosters struct {
	sockjs.Broker
	entered chan struct{} // a roster is being published
	once    sync.Once
	table   chan struct{} // closed when a table's note was published
}

// rosterWait bounds how long a roster waits for a table's note: one queued
// behind it never comes.
const rosterWait = time.Second

func (b *slowRosters) Publish(ctx context.Context, channel string, payload []byte) error {
	var nt note
	if channel == clubChannel && json.Unmarshal(payload, &nt) == nil {
		switch {
		case nt.Kind == noteRoster:
			select {
			case b.entered <- struct{}{}:
			default:
			}
			select {
			case <-b.table:
			case <-time.After(rosterWait):
			}
		case nt.Kind == noteTable && nt.Table != nil && nt.Table.State != protocol.StateFree:
			defer b.once.Do(func() { close(b.table) })
		}
	}
	return b.Broker.Publish(ctx, channel, payload)
}

// A roster answers a hello with what the process runs, and the others drop
// the listings of that process it lacks: so it must never go out after a
// note about a table set after it was put together. Here the roster's
// publish is slow, and a table is set meanwhile: what the others make of
// the notes in the order they hear them lists the table.
// It holds whether the notes go out one by one or in pipelines.
func TestARosterNeverUndoesANoteSentBeforeIt(t *testing.T) {
	for _, c := range []struct {
		name string
		wrap func(*slowRosters) sockjs.Broker
	}{
		{"note by note", func(b *slowRosters) sockjs.Broker { return b }},
		{"in pipelines", func(b *slowRosters) sockjs.Broker { return pipelined{b} }},
	} {
		t.Run(c.name, func(t *testing.T) { rosterNeverUndoes(t, c.wrap) })
	}
}

// pipelined is a batchPublisher over b that publishes a batch's payloads
// one by one, in order, as a pipeline does.
type pipelined struct{ sockjs.Broker }

func (b pipelined) PublishBatch(ctx context.Context, channel string, payloads [][]byte) (int, error) {
	for i, p := range payloads {
		if err := b.Publish(ctx, channel, p); err != nil {
			return i, err
		}
	}
	return len(payloads), nil
}

func rosterNeverUndoes(t *testing.T, wrap func(*slowRosters) sockjs.Broker) {
	mb := sockjs.NewMemoryBroker()
	defer mb.Close()
	b := &slowRosters{Broker: mb, entered: make(chan struct{}, 1), table: make(chan struct{})}
	log := slog.New(slog.DiscardHandler)
	n := &Node{id: "a", cfg: Config{Broker: wrap(b)}, log: log, conns: newConnRegistry(),
		fences: map[string]fence{}, owners: map[string]string{}, handles: map[string]*handle{},
		peers: map[string]time.Time{}, outboxes: map[string]*outbox{}, online: map[string]protocol.Player{},
		addrs: map[string]netip.Addr{}, proxies: map[proxyKey]*proxy{}, queues: map[string]*tableQueue{},
		metrics: metrics{dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"}),
			moves: prometheus.NewCounter(prometheus.CounterOpts{Name: "moves"}),
			peers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "peers"})}}
	n.notes.wake = make(chan struct{}, 1)
	n.lobby = lobby.New(lobby.Config{Logger: log, Share: sharer{n}, Table: table.Config{Logger: log}})
	defer n.lobby.Stop()

	var mu sync.Mutex
	var heard []note
	unsub, err := mb.Subscribe(context.Background(), clubChannel, func(p []byte) {
		var nt note
		if err := json.Unmarshal(p, &nt); err != nil {
			panic(err)
		}
		mu.Lock()
		heard = append(heard, nt)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	defer runNotes(n)()

	n.onNote([]byte(`{"from":"b","kind":"hello"}`))
	select {
	case <-b.entered: // the roster was put together: no table yet
	case <-time.After(time.Minute):
		t.Fatal("no roster answers the hello")
	}
	tb, err := n.lobby.Set(protocol.Player{ID: "1", Name: "Anna"}, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	heardBoth := func() bool {
		mu.Lock()
		defer mu.Unlock()
		var roster, tableNote bool
		for _, nt := range heard {
			roster = roster || nt.Kind == noteRoster
			tableNote = tableNote || nt.Kind == noteTable
		}
		return roster && tableNote
	}
	for deadline := time.Now().Add(time.Minute); !heardBoth(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the roster and the table's note were not both heard")
		}
	}
	// What a peer lists of process a, note by note (Node.roster drops
	// what a roster lacks).
	listed := map[string]bool{}
	mu.Lock()
	defer mu.Unlock()
	for _, nt := range heard {
		switch nt.Kind {
		case noteTable:
			listed[nt.Table.ID] = nt.Table.State != protocol.StateFree
		case noteRoster:
			listed = map[string]bool{}
			for _, s := range nt.Tables {
				listed[s.ID] = true
			}
		}
	}
	if !listed[tb.ID()] {
		kinds := []string{}
		for _, nt := range heard {
			kinds = append(kinds, nt.Kind)
		}
		t.Errorf("a peer hearing %v does not list table %s", kinds, tb.ID())
	}
}

// recordingBroker records the notes published on the club channel, in
// order, and how: Publish one by one or PublishBatch.
type recordingBroker struct {
	sockjs.Broker
	mu                   sync.Mutex
	publishes, pipelines int
	players              []string // the player of each note, in order
	payloads             [][]byte // every note published, in order
}

func (b *recordingBroker) record(p []byte) error {
	b.payloads = append(b.payloads, p)
	var nt note
	if err := json.Unmarshal(p, &nt); err != nil {
		return err
	}
	if nt.Player != nil {
		b.players = append(b.players, nt.Player.ID)
	}
	return nil
}

func (b *recordingBroker) Publish(_ context.Context, _ string, p []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.publishes++
	return b.record(p)
}

func (b *recordingBroker) PublishBatch(_ context.Context, _ string, payloads [][]byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pipelines++
	for i, p := range payloads {
		if err := b.record(p); err != nil {
			return i, err
		}
	}
	return len(payloads), nil
}

// What is queued goes out in one round trip, maxPipeline notes at most,
// in the order it was queued: 1,200 notes are three pipelines, not 1,200
// publishes.
func TestQueuedNotesGoOutInPipelinesInOrder(t *testing.T) {
	b := &recordingBroker{}
	n := bareNode("a", b)
	var want []string
	for i := range 1200 {
		p := protocol.Player{ID: fmt.Sprintf("dev:p%d", i), Name: fmt.Sprintf("P%d", i)}
		want = append(want, p.ID)
		n.publishOrdered(note{Kind: noteOnline, Player: &p})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n.noteLoop(ctx) // sends what is queued, then returns
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.publishes != 0 || b.pipelines != 3 {
		t.Errorf("%d publishes and %d pipelines for 1,200 notes, want 0 and 3", b.publishes, b.pipelines)
	}
	if !slices.Equal(b.players, want) {
		t.Errorf("the notes went out in another order (or some were lost): %d of %d", len(b.players), len(want))
	}
}

// A pipeline whose answer was lost is sent again whole by the Redis client
// (at least once: measured with a proxy that cut the connection after Redis
// ran it). Every note of the ordered queue is numbered, so a receiver takes
// each once however often it is heard; a process restarted under the same
// name is heard anew.
func TestANoteHeardTwiceIsTakenOnce(t *testing.T) {
	sent := &recordingBroker{}
	// send queues count chat notes on a and returns what a published.
	send := func(a *Node, count int) [][]byte {
		sent.payloads = nil
		for i := range count {
			a.publishOrdered(note{Kind: noteChat, Chat: &protocol.ChatLine{Text: fmt.Sprint("line ", i)}})
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		a.noteLoop(ctx)
		return slices.Clone(sent.payloads)
	}
	b := bareNode("b", nil)
	taken := func(payloads [][]byte) (n int) {
		for _, p := range payloads {
			var nt note
			if err := json.Unmarshal(p, &nt); err != nil {
				t.Fatal(err)
			}
			if !b.repeat(nt) {
				n++
			}
		}
		return n
	}
	a := bareNode("a", sent)
	first := send(a, 700) // two pipelines
	if got := taken(append(slices.Clone(first), first...)); got != 700 {
		t.Errorf("700 notes heard twice: %d taken, want 700", got)
	}
	// Heard once more after later notes: still repeats.
	later := send(a, 3)
	if got := taken(append(later, first[:10]...)); got != 3 {
		t.Errorf("3 new notes and 10 old ones: %d taken, want 3", got)
	}
	// The same name started again numbers from 1 under another boot.
	restarted := bareNode("a", sent)
	restarted.notes.boot = a.notes.boot + 2
	if got := taken(send(restarted, 5)); got != 5 {
		t.Errorf("a restarted process's 5 notes: %d taken, want 5", got)
	}
	// Notes said outside the queue carry no number and are never dropped.
	plain, _ := json.Marshal(note{From: "a", Kind: noteBeat})
	if got := taken([][]byte{plain, plain}); got != 2 {
		t.Errorf("an unnumbered note heard twice: %d taken, want 2", got)
	}
}

// bareNode is a Node of id on broker b that was never started: what the
// tests of its parts (notes, hello, outboxes) drive by hand.
func bareNode(id string, b sockjs.Broker) *Node {
	n := &Node{id: id, cfg: Config{Broker: b}, log: slog.New(slog.DiscardHandler), conns: newConnRegistry(),
		metrics: metrics{dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped"})}}
	n.notes.wake = make(chan struct{}, 1)
	n.notes.boot, n.notes.heard = mrand.Uint64()|1, map[string]noteMark{}
	return n
}

// runNotes runs n's notes goroutine until the returned stop is called
// (which waits for what is queued to go out).
func runNotes(n *Node) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	loop := make(chan struct{})
	go func() {
		defer close(loop)
		n.noteLoop(ctx)
	}()
	return func() { cancel(); <-loop }
}
