package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	gmetrics "github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// Defaults of Config.
const (
	DefaultLeaseTTL = 6 * time.Second
	DefaultRenew    = 2 * time.Second
	// versionRange is how many lobby versions a process reserves: at four
	// deltas a second, eight years.
	versionRange = 1_000_000_000
	// storeTimeout bounds one store call of the node's loops.
	storeTimeout = 5 * time.Second
)

// Config configures a Node. Broker, Store and Journal are required.
type Config struct {
	// ID names this process in the club; "" means a random one. Two
	// processes must never share one.
	ID string
	// Broker carries notes and letters between the processes (a
	// redisbroker.Broker; sockjs.MemoryBroker in tests of one process).
	Broker sockjs.Broker
	// Store holds the leases and the pulkas in progress (PostgreSQL).
	Store *store.Store
	// Journal is the tables' journal: the node sets its fence
	// (journal.Journal.SetFence) and reads taken-over tables back with it.
	Journal *journal.Journal
	// LeaseTTL is how long a table's lease lasts unrenewed: a dead
	// process's tables are taken over within about LeaseTTL+Renew. 0 means
	// DefaultLeaseTTL.
	LeaseTTL time.Duration
	// Renew is how often leases are renewed, expired ones looked for and
	// a heartbeat sent. 0 means DefaultRenew.
	Renew time.Duration
	// Registerer, if set, receives the node's metrics.
	Registerer prometheus.Registerer
	// Metrics, if set, counts the pulkas abandoned at a takeover (the
	// club's metrics).
	Metrics *gmetrics.Metrics
	// Logger receives the node's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// Node is this process's part in a club of several processes. Make one
// with New, build the lobby with LobbyConfig, then Start it.
type Node struct {
	cfg     Config
	id      string
	log     *slog.Logger
	lobby   *lobby.Lobby
	metrics metrics

	unsub  func()
	cancel context.CancelFunc
	loops  sync.WaitGroup
	claim  chan struct{}

	mu       sync.Mutex
	fences   map[string]fence   // the leases this process holds
	owners   map[string]string  // table → the process that runs it, as last heard
	handles  map[string]*handle // the handles given out, by table
	peers    map[string]time.Time
	outboxes map[string]*outbox
	online   map[string]protocol.Player // connected to this process
	addrs    map[string]netip.Addr      // the addresses this process's tables were set from
	conns    *connRegistry
	proxies  map[proxyKey]*proxy
	queues   map[string]*tableQueue // remote requests waiting, by table
	workers  sync.WaitGroup         // the goroutines draining queues
	seq      uint64
	stopped  bool

	notes notes
	done  chan struct{}
}

// fence is a lease this process holds, with the sequence number of its
// acquisition (a renewal that began before it does not know it yet).
type fence struct {
	store.Fence
	seq uint64
}

type metrics struct {
	moves, gaps, dropped, busy prometheus.Counter
	peers                      prometheus.Gauge
}

// New makes a node; nothing runs before Start.
func New(cfg Config) (*Node, error) {
	if cfg.Broker == nil || cfg.Store == nil || cfg.Journal == nil {
		return nil, errors.New("cluster: Config.Broker, Store and Journal are required")
	}
	if cfg.ID == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		cfg.ID = hex.EncodeToString(b[:])
	}
	if err := sockjs.ValidateChannel(inbox(cfg.ID)); err != nil {
		return nil, fmt.Errorf("cluster: node id %q: %w", cfg.ID, err)
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.Renew <= 0 {
		cfg.Renew = DefaultRenew
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	n := &Node{
		cfg: cfg, id: cfg.ID, log: cfg.Logger.With("node", cfg.ID), claim: make(chan struct{}, 1),
		fences: map[string]fence{}, owners: map[string]string{}, handles: map[string]*handle{},
		peers: map[string]time.Time{}, outboxes: map[string]*outbox{}, online: map[string]protocol.Player{}, addrs: map[string]netip.Addr{},
		conns: newConnRegistry(), proxies: map[proxyKey]*proxy{}, queues: map[string]*tableQueue{},
	}
	n.notes.wake = make(chan struct{}, 1)
	n.notes.boot, n.notes.heard = mrand.Uint64()|1, map[string]noteMark{}
	n.done = make(chan struct{})
	n.metrics = metrics{
		moves:   prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_cluster_ownership_moves_total", Help: "Tables this process took over from another (dead, stopped or lost)."}),
		gaps:    prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_cluster_gaps_total", Help: "Broker gaps after which this process's clients were resynced."}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_cluster_dropped_total", Help: "Letters or queued items lost (broker down or a peer's queue full)."}),
		busy:    prometheus.NewCounter(prometheus.CounterOpts{Name: "trelljaz_cluster_busy_total", Help: "Requests of other processes refused because their table's queue was full."}),
		peers:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "trelljaz_cluster_peers", Help: "Other processes of the club heard from within the lease time."}),
	}
	if cfg.Registerer != nil {
		for _, c := range []prometheus.Collector{n.metrics.moves, n.metrics.gaps, n.metrics.dropped, n.metrics.busy, n.metrics.peers} {
			if err := cfg.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("cluster: register metrics: %w", err)
			}
		}
	}
	return n, nil
}

// ID returns this process's name in the club.
func (n *Node) ID() string { return n.id }

// LobbyConfig sets what the lobby of a club of several processes needs in
// cfg: a range of versions of its own (from the store), table ids unique
// across processes, and the node as the lobby's Sharer.
func (n *Node) LobbyConfig(ctx context.Context, cfg *lobby.Config) error {
	v, err := n.cfg.Store.ReserveVersions(ctx, table.FirstVersion(time.Now()), versionRange)
	if err != nil {
		return fmt.Errorf("cluster: lobby versions: %w", err)
	}
	cfg.FirstVersion = v
	cfg.NewID = newTableID
	cfg.Share = sharer{n}
	return nil
}

// newTableID returns "t" and 40 random bits in base 36: unique across the
// processes of a club without asking anyone.
func newTableID() string {
	return "t" + strconv.FormatUint(mrand.Uint64()>>24, 36)
}

// Start joins the club with lb (built with LobbyConfig): it listens to the
// club and its inbox, says hello, and starts renewing leases and taking
// over the tables nobody runs.
func (n *Node) Start(ctx context.Context, lb *lobby.Lobby) error {
	n.lobby = lb
	n.cfg.Journal.SetFence(n.Fence)
	un1, err := n.cfg.Broker.Subscribe(ctx, clubChannel, n.onNote)
	if err != nil {
		return fmt.Errorf("cluster: subscribe to the club: %w", err)
	}
	un2, err := n.cfg.Broker.Subscribe(ctx, inbox(n.id), n.onLetter)
	if err != nil {
		un1()
		return fmt.Errorf("cluster: subscribe to the inbox: %w", err)
	}
	n.unsub = func() { un1(); un2() }
	lctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	if n.cfg.Broker.Ready() {
		n.say(note{Kind: noteHello})
	} else {
		n.loops.Add(1)
		go func() {
			defer n.loops.Done()
			n.helloWhenLive(lctx, time.After)
		}()
	}
	n.loops.Add(2)
	go func() {
		defer n.loops.Done()
		n.leaseLoop(lctx)
	}()
	go func() {
		defer n.loops.Done()
		n.noteLoop(lctx)
	}()
	n.log.Info("cluster: joined the club")
	return nil
}

// A process that started before its broker was connected looks whether
// it is now after helloPoll, then after twice as long each time, up to
// helloPollMax: a Redis that comes late is noticed within helloPollMax,
// one that never comes costs a look a second, not fifty.
const (
	helloPoll    = 20 * time.Millisecond
	helloPollMax = time.Second
)

// helloWhenLive says hello once the broker is ready: the peers' rosters
// answer it on the club channel, and a subscription that is not live yet
// would lose them — and, with them, the tables the peers set meanwhile,
// whose notes it missed. (A broker not connected at Start returns from
// Subscribe at once; its first connection is no gap, so no BrokerEvent
// says hello then, and the Broker interface has no other signal of
// readiness: it is looked at, with backoff.) after is time.After (a
// test's clock in tests).
func (n *Node) helloWhenLive(ctx context.Context, after func(time.Duration) <-chan time.Time) {
	for wait := helloPoll; !n.cfg.Broker.Ready(); wait = min(2*wait, helloPollMax) {
		select {
		case <-ctx.Done():
			return
		case <-after(wait):
		}
	}
	n.say(note{Kind: noteHello})
}

// Stop hands this process's tables over: it stops them (lb.Stop), releases
// their leases so that a peer takes them at once, says goodbye and leaves
// the club. Call it before the store closes.
func (n *Node) Stop() {
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return
	}
	n.stopped = true
	n.mu.Unlock()
	if n.cancel != nil {
		n.cancel()
	}
	n.loops.Wait()
	if n.lobby != nil {
		n.lobby.Stop()
	}
	n.mu.Lock()
	var held []store.Fence
	for _, f := range n.fences {
		held = append(held, f.Fence)
	}
	n.fences = map[string]fence{}
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	for _, f := range held {
		if err := n.cfg.Store.ReleaseLease(ctx, f); err != nil {
			n.log.Warn("cluster: release a lease", "table", f.Table, "err", err)
		}
	}
	n.say(note{Kind: noteBye})
	if n.unsub != nil {
		n.unsub()
	}
	n.workers.Wait()
	n.mu.Lock()
	boxes := n.outboxes
	n.outboxes = map[string]*outbox{}
	n.mu.Unlock()
	for _, o := range boxes {
		o.close()
	}
	n.log.Info("cluster: left the club", "released", len(held))
	close(n.done)
}

// Done is closed once Stop has handed everything over: the broker may
// close then.
func (n *Node) Done() <-chan struct{} { return n.done }

// Fence returns the lease this process holds on table (the zero Fence
// when it holds none: the store then refuses nothing; a table this
// process runs always has one).
func (n *Node) Fence(table string) store.Fence {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.fences[table].Fence
}

// Ready reports whether the broker is connected and the store answers.
func (n *Node) Ready(ctx context.Context) error {
	if !n.cfg.Broker.Ready() {
		return errors.New("the broker (Redis) is not connected")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := n.cfg.Store.DB().PingContext(ctx); err != nil {
		return fmt.Errorf("the database does not answer: %w", err)
	}
	return nil
}

// BrokerEvent is the broker's OnEvent: after a gap (the subscription was
// down, so notes and letters may be lost) the node asks every process for
// its roster again and resyncs every connection attached to a table
// (its whole view, from the table's owner).
func (n *Node) BrokerEvent(ev sockjs.BrokerEvent) {
	if ev.Kind != sockjs.BrokerResubscribed {
		return
	}
	n.metrics.gaps.Inc()
	n.log.Warn("cluster: broker gap: resyncing", "down", ev.Down)
	go func() {
		n.say(note{Kind: noteHello})
		n.rewatchAll()
	}()
}

// say publishes a note to every process.
func (n *Node) say(nt note) {
	nt.From = n.id
	b, err := json.Marshal(nt)
	if err != nil {
		n.log.Error("cluster: encode a note", "kind", nt.Kind, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := n.cfg.Broker.Publish(ctx, clubChannel, b); err != nil {
		n.metrics.dropped.Inc()
		n.log.Warn("cluster: a note was lost", "kind", nt.Kind, "err", err)
	}
}

// sayAll publishes queued notes to every process in their order: in one
// round trip when the broker is a batchPublisher, else one by one. A
// roster among them is put together here (rosterNote), after every note
// before it in the queue was queued, so it is never older than a note
// published before it.
func (n *Node) sayAll(nts []note) {
	bp, batches := n.cfg.Broker.(batchPublisher)
	var payloads [][]byte
	for _, nt := range nts {
		if nt.Kind == noteRoster {
			n.notes.mu.Lock()
			n.notes.roster = false
			n.notes.mu.Unlock()
			nt = n.rosterNote()
		}
		n.notes.sent++
		nt.Boot, nt.Seq = n.notes.boot, n.notes.sent
		if !batches {
			n.say(nt)
			continue
		}
		nt.From = n.id
		b, err := json.Marshal(nt)
		if err != nil {
			n.log.Error("cluster: encode a note", "kind", nt.Kind, "err", err)
			continue
		}
		payloads = append(payloads, b)
	}
	if len(payloads) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if sent, err := bp.PublishBatch(ctx, clubChannel, payloads); err != nil {
		n.metrics.dropped.Add(float64(len(payloads) - sent))
		n.log.Warn("cluster: notes were lost", "lost", len(payloads)-sent, "of", len(payloads), "err", err)
	}
}

// outbox returns the outbox to process to.
func (n *Node) outbox(to string) *outbox {
	n.mu.Lock()
	defer n.mu.Unlock()
	o := n.outboxes[to]
	if o == nil {
		if n.stopped {
			return nil
		}
		o = newOutbox(n, to)
		n.outboxes[to] = o
	}
	return o
}

// onNote handles a note from the club channel (the broker's goroutine:
// nothing here blocks for long).
func (n *Node) onNote(payload []byte) {
	var nt note
	if err := json.Unmarshal(payload, &nt); err != nil || nt.From == "" {
		n.log.Warn("cluster: a bad note", "err", err)
		return
	}
	if nt.From == n.id {
		return
	}
	n.heard(nt.From)
	if n.repeat(nt) {
		return
	}
	switch nt.Kind {
	case noteHello:
		n.queueRoster()
		go n.rewatchOwnedBy(nt.From)
	case noteRoster:
		n.roster(nt)
	case noteBye:
		n.peerGone(nt.From)
	case noteTable:
		if nt.Table != nil {
			n.remoteTable(nt.From, *nt.Table, nt.Addr)
		}
	case noteAddr:
		if a, err := netip.ParseAddr(nt.Addr); err == nil {
			n.lobby.RemoteSetFrom(nt.TableID, a)
		}
	case noteBeat:
		if nt.Guests != nil {
			n.lobby.PeerGuests(nt.From, *nt.Guests)
		}
	case noteOnline, noteOffline:
		if nt.Player != nil {
			n.lobby.PeerOnline(nt.From, *nt.Player, nt.Kind == noteOnline)
		}
	case noteChat:
		if nt.Chat != nil {
			n.lobby.PeerChat(*nt.Chat)
		}
	}
}

// heard notes that peer is alive.
func (n *Node) heard(peer string) {
	n.mu.Lock()
	_, known := n.peers[peer]
	n.peers[peer] = time.Now()
	count := len(n.peers)
	n.mu.Unlock()
	if !known {
		n.metrics.peers.Set(float64(count))
		n.log.Info("cluster: a peer joined", "peer", peer)
	}
}

// queueRoster queues this process's roster among its notes. It is put
// together when its turn comes (rosterNote), after every note queued
// before it went out: a roster taken earlier and sent after a table's
// note would tell the others that table is gone. One roster queued serves
// every hello heard until it goes out.
func (n *Node) queueRoster() {
	n.publishOrdered(note{Kind: noteRoster})
}

// rosterNote returns what this process runs and who is here.
func (n *Node) rosterNote() note {
	nt := note{Kind: noteRoster, Tables: []protocol.Summary{}}
	local := map[string]bool{}
	for _, id := range n.lobby.Local() {
		local[id] = true
	}
	for _, s := range n.lobby.Tables() {
		if local[s.ID] {
			nt.Tables = append(nt.Tables, s)
		}
	}
	guests := n.lobby.Guests()
	nt.Guests = &guests
	n.mu.Lock()
	for _, s := range nt.Tables {
		if a, ok := n.addrs[s.ID]; ok {
			if nt.Addrs == nil {
				nt.Addrs = map[string]string{}
			}
			nt.Addrs[s.ID] = a.String()
		}
	}
	for _, p := range n.online {
		nt.Online = append(nt.Online, p)
	}
	n.mu.Unlock()
	return nt
}

// roster takes in a peer's roster: its tables (and no others of it) and
// who is connected there.
func (n *Node) roster(nt note) {
	has := map[string]bool{}
	for _, s := range nt.Tables {
		has[s.ID] = true
		n.remoteTable(nt.From, s, nt.Addrs[s.ID])
	}
	n.mu.Lock()
	var gone []string
	for id, owner := range n.owners {
		if owner == nt.From && !has[id] {
			gone = append(gone, id)
		}
	}
	n.mu.Unlock()
	for _, id := range gone {
		n.remoteTable(nt.From, protocol.Summary{ID: id, State: protocol.StateFree}, "")
	}
	for _, p := range nt.Online {
		n.lobby.PeerOnline(nt.From, p, true)
	}
	if nt.Guests != nil {
		n.lobby.PeerGuests(nt.From, *nt.Guests)
	}
}

// remoteTable takes in the summary of a table process owner runs, set
// from address addr (if known).
func (n *Node) remoteTable(owner string, sum protocol.Summary, addr string) {
	if sum.State == protocol.StateFree {
		n.mu.Lock()
		if n.owners[sum.ID] == owner {
			delete(n.owners, sum.ID)
		}
		_, owned := n.owners[sum.ID]
		n.mu.Unlock()
		if !owned {
			n.tableGone(sum.ID)
		}
		n.lobby.PutRemote(sum)
		return
	}
	n.setOwner(sum.ID, owner)
	n.lobby.PutRemote(sum)
	if a, err := netip.ParseAddr(addr); err == nil {
		n.lobby.RemoteSetFrom(sum.ID, a)
	}
}

// setOwner records who runs table id; when it changed, the connections of
// this process attached to it watch it again at its new owner.
func (n *Node) setOwner(id, owner string) {
	n.mu.Lock()
	old, known := n.owners[id]
	n.owners[id] = owner
	n.mu.Unlock()
	if known && old != owner {
		if owner != n.id {
			n.metrics.moves.Inc()
		}
		n.log.Info("cluster: a table moved", "table", id, "from", old, "to", owner)
		go n.rewatch(id)
	}
}

// owner returns who runs table id ("" when unknown).
func (n *Node) owner(id string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.owners[id]
}

// peerGone forgets a process that stopped or died: its players go
// offline here, its connections leave the tables this process runs, and
// its tables are looked for at once.
func (n *Node) peerGone(peer string) {
	n.mu.Lock()
	_, known := n.peers[peer]
	delete(n.peers, peer)
	count := len(n.peers)
	o := n.outboxes[peer]
	delete(n.outboxes, peer)
	n.mu.Unlock()
	n.metrics.peers.Set(float64(count))
	if known {
		n.log.Info("cluster: a peer left", "peer", peer)
	}
	if o != nil {
		go o.close()
	}
	n.lobby.PeerGone(peer)
	n.lobby.PeerGuests(peer, 0)
	n.dropProxies(peer)
	n.claimNow()
}

// claimNow makes the lease loop look for tables to take at once.
func (n *Node) claimNow() {
	select {
	case n.claim <- struct{}{}:
	default:
	}
}

// sharer is the lobby's Sharer: what this process changes goes to the
// others as notes. Its methods run on the lobby's goroutine; publishing
// waits for Redis, so it goes out from a goroutine per note, and the
// order of one table's summaries is kept by the sequence in the owner map.
type sharer struct{ n *Node }

func (s sharer) Table(sum protocol.Summary) {
	n := s.n
	if sum.State != protocol.StateFree {
		n.setOwner(sum.ID, n.id)
	} else {
		n.mu.Lock()
		if n.owners[sum.ID] == n.id {
			delete(n.owners, sum.ID)
		}
		f, held := n.fences[sum.ID]
		delete(n.fences, sum.ID)
		delete(n.addrs, sum.ID)
		n.mu.Unlock()
		if held {
			go n.dropLease(f.Fence)
		}
		n.tableGone(sum.ID)
	}
	nt := note{Kind: noteTable, Table: &sum}
	n.mu.Lock()
	if a, ok := n.addrs[sum.ID]; ok {
		nt.Addr = a.String()
	}
	n.mu.Unlock()
	n.publishOrdered(nt)
}

func (s sharer) Online(p protocol.Player, online bool) {
	n := s.n
	kind := noteOffline
	n.mu.Lock()
	if online {
		kind = noteOnline
		n.online[p.ID] = p
	} else {
		delete(n.online, p.ID)
	}
	n.mu.Unlock()
	n.publishOrdered(note{Kind: kind, Player: &p})
}

func (s sharer) Chat(line protocol.ChatLine) {
	s.n.publishOrdered(note{Kind: noteChat, Chat: &line})
}

// maxNotes bounds the notes waiting to go out (Redis slow or down).
const maxNotes = 10000

// notes sends the lobby's notes in order from its own goroutine.
type notes struct {
	mu     sync.Mutex
	queue  []note // a roster in it is put together when sent
	roster bool   // a roster is queued
	wake   chan struct{}
	// boot and sent number the notes sent (note.Boot, note.Seq); sent
	// belongs to the notes goroutine.
	boot, sent uint64
	// heard is the last numbered note had from each peer, under Node.mu.
	heard map[string]noteMark
}

// noteMark is a peer's boot and the last Seq had from it.
type noteMark struct{ boot, seq uint64 }

// repeat reports whether nt is a note already had (the same Boot and a Seq
// not above the last), and records it otherwise.
func (n *Node) repeat(nt note) bool {
	if nt.Seq == 0 {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	m, ok := n.notes.heard[nt.From]
	if ok && m.boot == nt.Boot && nt.Seq <= m.seq {
		return true
	}
	n.notes.heard[nt.From] = noteMark{boot: nt.Boot, seq: nt.Seq}
	return false
}

// publishOrdered queues a note; the notes goroutine (started by Start)
// sends them in order. A roster is queued empty and put together when
// sent, and not queued again while one is (queueRoster).
func (n *Node) publishOrdered(nt note) {
	q := &n.notes
	q.mu.Lock()
	if nt.Kind == noteRoster && q.roster {
		q.mu.Unlock()
		return
	}
	if len(q.queue) >= maxNotes {
		q.mu.Unlock()
		n.metrics.dropped.Inc()
		return
	}
	q.queue = append(q.queue, nt)
	q.roster = q.roster || nt.Kind == noteRoster
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// maxPipeline bounds the notes published in one round trip (a roster
// lists every table of the process: a pipeline of them is bounded in
// bytes too).
const maxPipeline = 500

// batchPublisher is a broker that publishes several payloads to one
// channel, in order, in one round trip (redisbroker.Broker).
type batchPublisher interface {
	PublishBatch(ctx context.Context, channel string, payloads [][]byte) (int, error)
}

// noteLoop sends the queued notes until ctx ends, then what is left: what
// is queued goes out in one pipeline (maxPipeline notes at most) when the
// broker is a batchPublisher, else note by note.
func (n *Node) noteLoop(ctx context.Context) {
	q := &n.notes
	flush := func() {
		for {
			q.mu.Lock()
			batch := q.queue
			q.queue = nil
			q.mu.Unlock()
			if len(batch) == 0 {
				return
			}
			for len(batch) > 0 {
				k := min(len(batch), maxPipeline)
				n.sayAll(batch[:k])
				batch = batch[k:]
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			flush()
			return
		case <-q.wake:
			flush()
		}
	}
}
