package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/cluster"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/store/pgtest"
	"github.com/trelljaz/trelljaz/game/store/storetest"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// pg is the PostgreSQL server the tests share.
var pg = &pgtest.Shared{Prefix: "c"}

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// database returns the URL of a new empty PostgreSQL database, or skips.
func database(t *testing.T) string { return pg.NewDB(t) }

// ownDatabase starts a PostgreSQL server for this test alone (one it may
// pause or reconfigure), stopped after the processes the test starts
// next, and returns it with the URL of a new database on it. It skips when
// PostgreSQL is not installed.
func ownDatabase(t *testing.T, name string) (*pgtest.Server, string) {
	t.Helper()
	own, err := pgtest.Start()
	switch {
	case errors.Is(err, pgtest.ErrNotInstalled):
		t.Skipf("needs PostgreSQL: %v", err)
	case err != nil:
		t.Fatal(err)
	}
	t.Cleanup(own.Stop)
	db, err := own.CreateDB(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return own, db
}

// process is one club process of the test, in this test process: its
// store, journal, broker, node and lobby.
type process struct {
	name   string
	j      *heldJournal
	st     *store.Store
	broker *redisbroker.Broker
	node   *cluster.Node
	lobby  *lobby.Lobby
	once   sync.Once
	reg    *prometheus.Registry
}

// dropped is the process's count of letters and notes lost.
func (p *process) dropped(t *testing.T) float64 {
	t.Helper()
	mfs, err := p.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "trelljaz_cluster_dropped_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no trelljaz_cluster_dropped_total")
	return 0
}

// heldJournal is the process's journal, noting the moves whose write it
// could not confirm (the table holds them: table.ErrUnsettled).
type heldJournal struct {
	*journal.Journal
	mu   sync.Mutex
	held []table.MoveEntry
}

func (j *heldJournal) Move(e table.MoveEntry) error {
	err := j.Journal.Move(e)
	if errors.Is(err, table.ErrUnsettled) {
		j.mu.Lock()
		j.held = append(j.held, e)
		j.mu.Unlock()
	}
	return err
}

func (j *heldJournal) moves() []table.MoveEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]table.MoveEntry(nil), j.held...)
}

func startProcess(t *testing.T, name, redisURL, dbURL string) *process {
	t.Helper()
	return startProcessWith(t, name, redisURL, dbURL, 2*time.Second)
}

// startProcessWith starts a process whose leases last leaseTTL.
func startProcessWith(t *testing.T, name, redisURL, dbURL string, leaseTTL time.Duration) *process {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("process", name)
	}
	st, err := store.Open(ctx, store.Config{URL: dbURL, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	j := journal.New(st, log, nil)
	var node atomic.Pointer[cluster.Node]
	b, err := redisbroker.New(redisbroker.Options{URL: redisURL, Logger: log, OnEvent: func(ev sockjs.BrokerEvent) {
		if n := node.Load(); n != nil {
			n.BrokerEvent(ev)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	n, err := cluster.New(cluster.Config{ID: name, Broker: b, Store: st, Journal: j, Logger: log, Registerer: reg,
		LeaseTTL: leaseTTL, Renew: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	node.Store(n)
	hj := &heldJournal{Journal: j}
	lcfg := lobby.Config{Logger: log, Flush: 5 * time.Millisecond, Table: table.Config{
		Journal: hj, DealPause: 5 * time.Millisecond, BotDelay: time.Millisecond, Logger: log,
	}}
	if err := n.LobbyConfig(ctx, &lcfg); err != nil {
		t.Fatal(err)
	}
	lb := lobby.New(lcfg)
	if err := n.Start(ctx, lb); err != nil {
		t.Fatal(err)
	}
	p := &process{name: name, j: hj, st: st, broker: b, node: n, lobby: lb, reg: reg}
	t.Cleanup(p.stop)
	return p
}

// stop hands the process's tables over (SIGTERM).
func (p *process) stop() {
	p.once.Do(func() {
		p.node.Stop()
		p.broker.Close()
		p.st.Close()
	})
}

// player is a connection of a signed-in player to one process: it plays
// the first legal move it is offered, from its own goroutine.
type player struct {
	p    protocol.Player
	proc *process
	in   chan []byte

	mu      sync.Mutex
	table   string
	result  *protocol.Settlement
	refused []string
	legal   []rules.Move // the last moves offered
}

func (c *player) Player() protocol.Player { return c.p }

func (c *player) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		select {
		case c.in <- m.Bytes():
		default:
			panic("the test player's queue is full")
		}
	}
}

func (c *player) handle(t *testing.T) table.Handle {
	c.mu.Lock()
	id, proc := c.table, c.proc
	c.mu.Unlock()
	h, ok := proc.node.Table(id)
	if !ok {
		return nil
	}
	return h
}

// play answers the table's events until ctx ends.
func (c *player) play(ctx context.Context, t *testing.T) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.in:
			var m struct {
				Type   string               `json:"type"`
				Code   string               `json:"code"`
				Text   string               `json:"text"`
				Legal  *[]rules.Move        `json:"legal"`
				Result *protocol.Settlement `json:"result"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				panic(err)
			}
			c.mu.Lock()
			if m.Result != nil {
				c.result = m.Result
			}
			if m.Type == "error" {
				c.refused = append(c.refused, m.Code+": "+m.Text)
			}
			if m.Legal != nil {
				c.legal = *m.Legal
			}
			c.mu.Unlock()
			switch {
			case m.Legal != nil && len(*m.Legal) > 0:
				c.move(t)
			case m.Type == "error" && m.Code == string(protocol.ErrJournal):
				// Refused, not made: try again a little later, as a player
				// would (not at once: while a move is held the table refuses
				// every other move at once).
				time.AfterFunc(50*time.Millisecond, func() {
					if ctx.Err() == nil {
						c.move(t)
					}
				})
			}
		}
	}
}

// move makes the first of the moves last offered, if any.
func (c *player) move(t *testing.T) {
	c.mu.Lock()
	legal := c.legal
	c.mu.Unlock()
	if len(legal) == 0 {
		return
	}
	if h := c.handle(t); h != nil {
		h.Move(c, legal[0])
	}
}

// refusals returns what the player was told was refused.
func (c *player) refusals() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.refused...)
}

func (c *player) settled() *protocol.Settlement {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.result
}

// signIn makes accounts for the players, one per process in turn.
func signIn(t *testing.T, procs []*process, names ...string) []*player {
	t.Helper()
	var out []*player
	for i, name := range names {
		a, err := procs[0].st.SignIn(context.Background(), account.Identity{Provider: "github", ProviderUserID: name, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &player{p: protocol.Player{ID: strconv.FormatInt(int64(a.ID), 10), Name: name},
			proc: procs[i%len(procs)], in: make(chan []byte, 1<<16)})
	}
	return out
}

// waitFor waits until cond holds (state, polled), failing after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond) // polling state, nothing timed
	}
}

// seatAll sets a table on the first player's process and seats every
// player from their own process; it returns the table's id.
func seatAll(t *testing.T, ps []*player, options map[string]json.RawMessage) string {
	t.Helper()
	creator := ps[0]
	h, err := creator.proc.node.Set(creator.p, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ps {
		c.table = h.ID()
	}
	h.Watch(creator, 0)
	h.SetConventions(creator, "sochi", options)
	for i, c := range ps[1:] {
		waitFor(t, 20*time.Second, c.p.Name+"'s process lists the table", func() bool {
			_, ok := c.proc.node.Table(h.ID())
			return ok
		})
		ch, _ := c.proc.node.Table(h.ID())
		ch.Watch(c, 0)
		ch.Sit(c, i+1)
	}
	return h.ID()
}

// Three processes, one player on each: every lobby shows the three
// players and a lobby chat line said on one; a whole pulka is played at a
// table one process runs, the others' players sitting and moving through
// their own process; every lobby lists the table.
func TestAPulkaAcrossThreeProcesses(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	procs := []*process{startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db), startProcess(t, "c", rd.URL(), db)}
	ps := signIn(t, procs, "Anna", "Boris", "Vera")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range ps {
		c.proc.lobby.Join(c, 0)
		go c.play(ctx, t)
	}
	for _, pr := range procs {
		waitFor(t, 20*time.Second, pr.name+" lists the three players", func() bool {
			return onlineCount(pr.lobby) == 3
		})
	}
	ps[0].proc.lobby.Chat(ps[0], "hello from a")
	for _, pr := range procs {
		waitFor(t, 20*time.Second, pr.name+" shows Anna's lobby chat line", func() bool {
			chat := snapshot(pr.lobby).Chat
			return len(chat) == 1 && chat[0].Text == "hello from a" && chat[0].From == ps[0].p
		})
	}
	id := seatAll(t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
	waitSettled(t, ps)
	for _, c := range ps[1:] {
		if fmt.Sprint(c.settled()) != fmt.Sprint(ps[0].settled()) {
			t.Errorf("%s sees %v, %s %v", c.p.Name, c.settled(), ps[0].p.Name, ps[0].settled())
		}
	}
	for _, pr := range procs {
		var found bool
		for _, s := range pr.lobby.Tables() {
			found = found || s.ID == id
		}
		if !found {
			t.Errorf("%s does not list %s", pr.name, id)
		}
	}
}

// snapshot is the whole lobby as a new connection gets it.
func snapshot(l *lobby.Lobby) protocol.Lobby {
	c := &lobbyConn{p: protocol.Player{ID: "probe", Name: "probe"}, got: make(chan []byte, 16)}
	l.Join(c, 0)
	defer l.Leave(c)
	var m protocol.Lobby
	select {
	case b := <-c.got:
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
	case <-time.After(10 * time.Second):
	}
	return m
}

// onlineCount is how many players a lobby shows online.
func onlineCount(l *lobby.Lobby) int {
	m := snapshot(l)
	n := 0
	for _, p := range m.Online {
		if p.ID != "probe" {
			n++
		}
	}
	return n
}

type lobbyConn struct {
	p   protocol.Player
	got chan []byte
}

func (c *lobbyConn) Player() protocol.Player { return c.p }
func (c *lobbyConn) Send(msgs ...*protocol.Encoded) {
	for _, m := range msgs {
		select {
		case c.got <- m.Bytes():
		default:
		}
	}
}

// moveTo reconnects c to process p, as a client whose process went away
// does: it signs in there and watches the tables it sits at.
func (c *player) moveTo(p *process) {
	c.mu.Lock()
	c.proc = p
	c.mu.Unlock()
	p.lobby.Join(c, 0)
	for _, h := range p.node.SeatedAt(c.p.ID) {
		h.Watch(c, 0)
	}
}

// movesWritten counts the moves the store has for table id.
func movesWritten(t *testing.T, st *store.Store, id string) int {
	t.Helper()
	var n int
	err := st.DB().QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM moves JOIN pulkas ON pulkas.id = moves.pulka_id WHERE pulkas.table_id = $1", id).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// SIGTERM: the process that runs a table mid-deal stops; a survivor takes
// the table over at once (released lease) and the pulka ends there with
// the settlement its seeds and moves give; the stopped process's player
// reconnects to a survivor and plays on.
func TestStoppedOwnerHandsItsTableOver(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	procs := []*process{startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db), startProcess(t, "c", rd.URL(), db)}
	ps := signIn(t, procs, "Anna", "Boris", "Vera")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	id := startPulka(ctx, t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("3")})
	waitFor(t, time.Minute, "a few moves written", func() bool { return movesWritten(t, procs[1].st, id) >= 4 })
	procs[0].stop()
	atStop := movesWritten(t, procs[1].st, id)
	ps[0].moveTo(procs[1])
	waitSettled(t, ps)
	_, onB := procs[1].lobby.Table(id)
	_, onC := procs[2].lobby.Table(id)
	if !onB && !onC {
		t.Errorf("neither survivor runs %s", id)
	}
	if n := movesWritten(t, procs[1].st, id); n <= atStop {
		t.Errorf("%d moves at the stop, %d at the end: the pulka did not go on", atStop, n)
	}
	storetest.CheckArchived(t, procs[1].st, id, ps[1].settled())
	for _, c := range ps {
		if fmt.Sprint(c.settled()) != fmt.Sprint(ps[1].settled()) {
			t.Errorf("%s was told %v, Boris %v", c.p.Name, c.settled(), ps[1].settled())
		}
	}
}

// Redis restarted mid-deal: the table keeps its state on its process;
// when the brokers resubscribe (a gap), every process asks for the rosters
// again and resyncs its connections from the tables' owners, and the
// pulka ends as its seeds and moves give.
func TestRedisRestartMidDeal(t *testing.T) {
	rd := redistest.Start(t)
	db := database(t)
	procs := []*process{startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db), startProcess(t, "c", rd.URL(), db)}
	ps := signIn(t, procs, "Anna", "Boris", "Vera")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	id := startPulka(ctx, t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("3")})
	waitFor(t, time.Minute, "a few moves written", func() bool { return movesWritten(t, procs[0].st, id) >= 4 })
	rd.Stop()
	waitFor(t, time.Minute, "every broker sees Redis down", func() bool {
		for _, p := range procs {
			if p.broker.Ready() {
				return false
			}
		}
		return true
	})
	// Whoever is to move plays: on the owner its events, elsewhere the
	// move itself, cannot be published and are lost.
	waitFor(t, time.Minute, "a letter lost while Redis is down", func() bool {
		return procs[0].dropped(t)+procs[1].dropped(t)+procs[2].dropped(t) > 0
	})
	rd.Start()
	waitSettled(t, ps)
	if _, ok := procs[0].lobby.Table(id); !ok {
		t.Errorf("a no longer runs %s after the Redis restart", id)
	}
	storetest.CheckArchived(t, procs[0].st, id, ps[0].settled())
	for _, c := range ps[1:] {
		if fmt.Sprint(c.settled()) != fmt.Sprint(ps[0].settled()) {
			t.Errorf("%s was told %v, Anna %v", c.p.Name, c.settled(), ps[0].settled())
		}
	}
}

// PostgreSQL stops answering mid-deal: /readyz's check fails, the move in
// flight is held and a player's move is refused with the journal's error
// (never acknowledged), and when
// the database answers again the club recovers by itself — the table's
// lease expired meanwhile, so it is taken back from the store — and the
// pulka ends as its seeds and moves give.
func TestDatabaseOutageRefusesMovesAndRecovers(t *testing.T) {
	rd := redistest.Start(t)
	own, db := ownDatabase(t, "outage")
	a := startProcess(t, "a", rd.URL(), db)
	ps := signIn(t, []*process{a}, "Anna", "Boris", "Vera")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	id := startPulka(ctx, t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
	waitFor(t, time.Minute, "a few moves written", func() bool { return movesWritten(t, a.st, id) >= 4 })
	if err := own.Pause(); err != nil {
		t.Fatal(err)
	}
	paused := true
	defer func() {
		if paused {
			_ = own.Resume()
		}
	}()
	waitFor(t, time.Minute, "/readyz's check fails", func() bool { return a.node.Ready(context.Background()) != nil })
	refused := func() bool {
		for _, c := range ps {
			for _, r := range c.refusals() {
				if strings.HasPrefix(r, string(protocol.ErrJournal)) {
					return true
				}
			}
		}
		return false
	}
	// The move in flight when the database stopped cannot be confirmed:
	// its table holds it (neither acknowledged nor refused, as it may have
	// been committed); a move made meanwhile is refused with "journal".
	waitFor(t, time.Minute, "a move held or refused by the journal", func() bool { return refused() || len(a.j.moves()) > 0 })
	if held := a.j.moves(); len(held) > 0 {
		ps[held[0].Move.Seat].move(t)
	}
	waitFor(t, time.Minute, "a move refused by the journal", refused)
	if err := own.Resume(); err != nil {
		t.Fatal(err)
	}
	paused = false
	waitFor(t, time.Minute, "/readyz's check passes again", func() bool { return a.node.Ready(context.Background()) == nil })
	waitSettled(t, ps)
	storetest.CheckArchived(t, a.st, id, ps[0].settled())
}

// spectator is a connection watching a table: it counts the table's
// events and notes the first one out of version order.
type spectator struct {
	p      protocol.Player
	mu     sync.Mutex
	viewed bool   // got the whole table
	v      uint64 // the version it has
	events int
	fault  string
}

func (s *spectator) Player() protocol.Player { return s.p }

func (s *spectator) Send(msgs ...*protocol.Encoded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range msgs {
		var e struct {
			Type string `json:"type"`
			V    uint64 `json:"v"`
		}
		if err := json.Unmarshal(m.Bytes(), &e); err != nil {
			s.fault = fmt.Sprintf("a message that is not JSON: %v", err)
			continue
		}
		switch e.Type {
		case "table":
			s.viewed, s.v = true, e.V
		case "table_event":
			if s.fault == "" && (!s.viewed || e.V != s.v+1) {
				s.fault = fmt.Sprintf("event v%d after v%d (viewed %v)", e.V, s.v, s.viewed)
			}
			s.v = e.V
			s.events++
		}
	}
}

func (s *spectator) state() (viewed bool, events int, fault string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.viewed, s.events, s.fault
}

// A table's events go to another process once per audience, not once per
// connection: 40 spectators on b of a table a runs get every event in
// version order, and no letter to b carries an event twice (the
// spectators' numbers travel with one copy).
func TestEventsGoOncePerProcessAndAudience(t *testing.T) {
	const watchers, events = 40, 30
	rd := redistest.Start(t)
	db := database(t)
	a, b, c := startProcess(t, "a", rd.URL(), db), startProcess(t, "b", rd.URL(), db), startProcess(t, "c", rd.URL(), db)
	// A listener of b's inbox: the letters other processes send b.
	spy, err := redisbroker.New(redisbroker.Options{URL: rd.URL(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer spy.Close()
	waitFor(t, time.Minute, "the listener connects", spy.Ready)
	var lmu sync.Mutex
	var letters [][]byte
	unsub, err := spy.Subscribe(context.Background(), cluster.Inbox("b"), func(p []byte) {
		lmu.Lock()
		letters = append(letters, append([]byte(nil), p...))
		lmu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()

	ps := signIn(t, []*process{a, c, a}, "Anna", "Boris", "Vera")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, p := range ps {
		p.proc.lobby.Join(p, 0)
	}
	id := seatAll(t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
	waitFor(t, time.Minute, "b lists the table", func() bool { _, ok := b.node.Table(id); return ok })
	h, _ := b.node.Table(id)
	specs := make([]*spectator, watchers)
	for i := range specs {
		specs[i] = &spectator{p: protocol.Player{ID: strconv.Itoa(9000 + i), Name: fmt.Sprintf("S%d", i)}}
		h.Watch(specs[i], 0)
	}
	waitFor(t, time.Minute, "every spectator has the table", func() bool {
		for _, s := range specs {
			if viewed, _, _ := s.state(); !viewed {
				return false
			}
		}
		return true
	})
	for _, p := range ps {
		go p.play(ctx, t)
	}
	waitFor(t, 2*time.Minute, fmt.Sprintf("%d events at every spectator", events), func() bool {
		for _, s := range specs {
			if _, n, _ := s.state(); n < events {
				return false
			}
		}
		return true
	})
	for i, s := range specs {
		if _, _, fault := s.state(); fault != "" {
			t.Errorf("spectator %d: %s", i, fault)
		}
	}

	lmu.Lock()
	defer lmu.Unlock()
	copies, distinct, size := 0, map[string]bool{}, 0
	for i, l := range letters {
		size += len(l)
		var got struct {
			Out []struct {
				Conns []uint64          `json:"conns"`
				Msgs  []json.RawMessage `json:"msgs"`
			} `json:"out"`
		}
		if err := json.Unmarshal(l, &got); err != nil {
			t.Fatalf("letter %d does not decode: %v", i, err)
		}
		inLetter := map[string]int{}
		for _, d := range got.Out {
			for _, m := range d.Msgs {
				var e struct {
					Type string `json:"type"`
				}
				if json.Unmarshal(m, &e) != nil || e.Type != "table_event" {
					continue
				}
				copies++
				distinct[string(m)] = true
				if inLetter[string(m)]++; inLetter[string(m)] == 2 {
					t.Errorf("letter %d carries an event more than once (%d connections in it)", i, len(d.Conns))
				}
			}
		}
	}
	t.Logf("%d spectators on b: %d events in %d copies, %d letters, %d bytes", watchers, len(distinct), copies, len(letters), size)
}
