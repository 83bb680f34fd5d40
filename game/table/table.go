// Package table runs one club table: seats, spectators, bots, the pulka
// (пулька) of deals played with the rules engine, the score sheet, per-move
// time limits and table chat.
//
// A Table is an actor: one goroutine owns all of its state, and every method
// sends it a command over a channel. Nothing else touches the game state, so
// there is no mutex on it. Output goes to the Conns attached to the table,
// each of which gets exactly what its player may see: rules.View for their
// seat, the spectator view for everyone else.
//
// The table is the only place in the game with a clock; it takes one (Clock)
// so that tests drive bots, timeouts and the pause between deals without
// sleeping.
package table

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"slices"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Defaults of Config.
const (
	DefaultMoveTime  = 5 * time.Minute
	DefaultBotDelay  = 700 * time.Millisecond
	DefaultDealPause = 3 * time.Second
	// chatKeep is how many chat lines a table keeps for late comers.
	chatKeep = 50
)

// Conn is one connection of a signed-in player. The table sends it messages
// of package protocol.
type Conn interface {
	// Player returns the player's name. It must not change.
	Player() string
	// Send queues messages for the client in order. It must not block:
	// it is called from the table's goroutine.
	Send(msgs ...[]byte)
}

// Config configures a Table. Zero values mean the documented defaults.
type Config struct {
	// ID names the table in messages.
	ID string
	// Convention is a score preset: "sochi", "leningrad" or "rostov".
	Convention string
	// PoolTarget is the pool to reach; 0 means the preset's.
	PoolTarget int
	// MoveTime is the time a human has for one move; then
	// rules.TimeoutMove is played for them. 0 means DefaultMoveTime.
	MoveTime time.Duration
	// BotDelay is how long a bot thinks. 0 means DefaultBotDelay.
	BotDelay time.Duration
	// DealPause is how long a finished deal stays on the table before the
	// next is dealt. 0 means DefaultDealPause.
	DealPause time.Duration
	// Clock drives every timer. Nil means WallClock.
	Clock Clock
	// Seeds gives the deals' seeds, 8 bytes each. Nil means crypto/rand.
	Seeds io.Reader
	// BotSeed seeds the bots' random choices.
	BotSeed uint64
	// OnChange, if set, gets the table's summary whenever it changes (the
	// first one is Table.Initial). It is called from the table's goroutine
	// and must not block for long.
	OnChange func(protocol.Summary)
	// Logger receives the table's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// DealRecord is everything that determines one deal: with rules.Replay it
// gives back every state of the deal.
type DealRecord struct {
	Deal  rules.Deal
	Moves []rules.Move
}

// Table is a running table. Its methods may be called concurrently; after
// Stop they do nothing (the synchronous ones return zero values).
type Table struct {
	id      string
	initial protocol.Summary
	cmds    chan func(*actor)
	quit    chan struct{}
	stopped chan struct{}
}

type seat struct {
	name string
	bot  bool
}

// actor is the state the table's goroutine owns.
type actor struct {
	t        *Table
	cfg      Config
	settings score.Settings
	opt      rules.Options
	log      *slog.Logger
	rng      *mrand.Rand
	buf      []rules.Move

	status string
	seats  [protocol.Seats]seat
	conns  map[Conn]struct{}
	chat   []protocol.ChatLine

	sheet    *score.Sheet
	state    rules.State
	dealNo   int
	moveNo   int
	records  []DealRecord
	lastDeal string
	result   *protocol.Settlement

	timer    Timer
	gen      uint64 // bumped on every change; stale timer commands compare it
	deadline time.Time
	summary  protocol.Summary
}

// New starts a table with cfg and returns it.
func New(cfg Config) (*Table, error) {
	set, err := score.Preset(cfg.Convention)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", cfg.ID, err)
	}
	switch cfg.Convention {
	case "sochi", "leningrad", "rostov":
	default:
		return nil, fmt.Errorf("table %s: convention %q is not offered", cfg.ID, cfg.Convention)
	}
	set.Players = protocol.Seats
	if cfg.PoolTarget > 0 {
		set.PoolTarget = cfg.PoolTarget
	}
	if cfg.MoveTime <= 0 {
		cfg.MoveTime = DefaultMoveTime
	}
	if cfg.BotDelay <= 0 {
		cfg.BotDelay = DefaultBotDelay
	}
	if cfg.DealPause <= 0 {
		cfg.DealPause = DefaultDealPause
	}
	if cfg.Clock == nil {
		cfg.Clock = WallClock{}
	}
	if cfg.Seeds == nil {
		cfg.Seeds = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	set.MoveTime = int(cfg.MoveTime / time.Second)
	set.TimeoutAction = score.TimeoutAutoPass
	if err := set.Validate(); err != nil {
		return nil, fmt.Errorf("table %s: %w", cfg.ID, err)
	}
	t := &Table{id: cfg.ID, cmds: make(chan func(*actor), 64), quit: make(chan struct{}), stopped: make(chan struct{})}
	a := &actor{
		t: t, cfg: cfg, settings: set, opt: set.Options, status: protocol.StatusWaiting,
		log: cfg.Logger.With("table", cfg.ID), rng: mrand.New(mrand.NewPCG(cfg.BotSeed, 7)),
		buf: make([]rules.Move, 0, 80), conns: map[Conn]struct{}{},
	}
	a.summary = a.makeSummary()
	t.initial = a.summary
	go t.run(a)
	return t, nil
}

func (t *Table) run(a *actor) {
	defer close(t.stopped)
	for {
		select {
		case f := <-t.cmds:
			f(a)
		case <-t.quit:
			if a.timer != nil {
				a.timer.Stop()
			}
			return
		}
	}
}

// post hands f to the table's goroutine; after Stop it drops f.
func (t *Table) post(f func(*actor)) {
	select {
	case t.cmds <- f:
	case <-t.stopped:
	}
}

// ask runs f on the table's goroutine and waits for it; false after Stop.
func (t *Table) ask(f func(*actor)) bool {
	done := make(chan struct{})
	t.post(func(a *actor) { f(a); close(done) })
	select {
	case <-done:
		return true
	case <-t.stopped:
		return false
	}
}

// Initial returns the summary of the table as New made it, before any
// change.
func (t *Table) Initial() protocol.Summary { return t.initial }

// ID returns the table's id.
func (t *Table) ID() string { return t.id }

// Stop ends the table's goroutine and its timers and waits for it. Calling
// it twice is harmless.
func (t *Table) Stop() {
	select {
	case <-t.quit:
	default:
		close(t.quit)
	}
	<-t.stopped
}

// Watch attaches c to the table: c gets the whole table now and after every
// change until Detach or Leave.
func (t *Table) Watch(c Conn) {
	t.post(func(a *actor) {
		a.conns[c] = struct{}{}
		a.changed()
	})
}

// Detach removes a closed connection. The player keeps their seat.
func (t *Table) Detach(c Conn) {
	t.post(func(a *actor) {
		if _, ok := a.conns[c]; ok {
			delete(a.conns, c)
			a.changed()
		}
	})
}

// Leave detaches c at its player's request; at a waiting table the player
// also gives up their seat.
func (t *Table) Leave(c Conn) {
	t.post(func(a *actor) {
		if i := a.seatOf(c.Player()); i >= 0 && a.status == protocol.StatusWaiting {
			a.seats[i] = seat{}
		}
		delete(a.conns, c)
		c.Send(encode(protocol.Left{Type: protocol.TypeLeft, Table: a.cfg.ID}))
		a.changed()
	})
}

// Sit seats c's player at seat i of a waiting table. A player may sit once
// per table. Filling the last seat starts the pulka at once.
func (t *Table) Sit(c Conn, i int) {
	t.post(func(a *actor) {
		name := c.Player()
		switch {
		case a.status != protocol.StatusWaiting:
			a.fail(c, "the game has started")
		case i < 0 || i >= protocol.Seats:
			a.fail(c, fmt.Sprintf("there is no seat %d", i))
		case a.seatOf(name) >= 0:
			a.fail(c, fmt.Sprintf("%s already sits at seat %d", name, a.seatOf(name)))
		case a.seats[i].name != "":
			a.fail(c, fmt.Sprintf("seat %d is taken", i))
		default:
			a.seats[i] = seat{name: name}
			a.conns[c] = struct{}{}
			a.seated()
		}
	})
}

// AddBot seats a bot at the empty seat i of a waiting table.
func (t *Table) AddBot(c Conn, i int) {
	t.post(func(a *actor) {
		switch {
		case a.status != protocol.StatusWaiting:
			a.fail(c, "the game has started")
		case i < 0 || i >= protocol.Seats:
			a.fail(c, fmt.Sprintf("there is no seat %d", i))
		case a.seats[i].name != "":
			a.fail(c, fmt.Sprintf("seat %d is taken", i))
		default:
			// '#' is not allowed in player names, so a bot's name is its own.
			a.seats[i] = seat{name: fmt.Sprintf("Bot #%d", i+1), bot: true}
			a.seated()
		}
	})
}

// Stand frees c's player's seat at a waiting table.
func (t *Table) Stand(c Conn) {
	t.post(func(a *actor) {
		i := a.seatOf(c.Player())
		switch {
		case i < 0:
			a.fail(c, "you do not sit at this table")
		case a.status != protocol.StatusWaiting:
			a.fail(c, "the game has started: you cannot stand up")
		default:
			a.seats[i] = seat{}
			a.changed()
		}
	})
}

// Move plays m for c's player. An illegal move is answered to c alone with
// the rules' reason.
func (t *Table) Move(c Conn, m rules.Move) {
	t.post(func(a *actor) {
		i := a.seatOf(c.Player())
		switch {
		case i < 0:
			a.fail(c, "you do not sit at this table")
		case a.status != protocol.StatusPlaying || a.state.Done():
			a.fail(c, "no deal is being played")
		case int(m.Seat) != i:
			a.fail(c, fmt.Sprintf("you sit at seat %d, not %d", i, m.Seat))
		default:
			next, err := rules.Apply(a.state, m)
			if err != nil {
				var ie *rules.IllegalMoveError
				if errors.As(err, &ie) {
					a.fail(c, "illegal move: "+ie.Reason)
				} else {
					a.fail(c, err.Error())
				}
				return
			}
			a.apply(next, m)
		}
	})
}

// Chat posts a line of table chat from c's player to everyone at the table.
func (t *Table) Chat(c Conn, text string) {
	t.post(func(a *actor) {
		line := protocol.ChatLine{From: c.Player(), Text: text, At: a.cfg.Clock.Now().UnixMilli()}
		a.chat = append(a.chat, line)
		if len(a.chat) > chatKeep {
			a.chat = append(a.chat[:0], a.chat[len(a.chat)-chatKeep:]...)
		}
		msg := encode(protocol.TableChat{Type: "table_chat", Table: a.cfg.ID, Lines: []protocol.ChatLine{line}})
		for c := range a.conns {
			c.Send(msg)
		}
	})
}

// Summary returns the table as the lobby lists it.
func (t *Table) Summary() protocol.Summary {
	var s protocol.Summary
	t.ask(func(a *actor) { s = a.summary })
	return s
}

// Records returns the deals dealt so far (the last may be in progress),
// with their seeds: for the archive and for audits, never for players.
func (t *Table) Records() []DealRecord {
	var out []DealRecord
	t.ask(func(a *actor) {
		for _, r := range a.records {
			out = append(out, DealRecord{Deal: r.Deal, Moves: append([]rules.Move(nil), r.Moves...)})
		}
	})
	return out
}

// Sheet returns a copy of the score sheet, and false before the pulka starts.
func (t *Table) Sheet() (score.Sheet, bool) {
	var s score.Sheet
	var ok bool
	t.ask(func(a *actor) {
		if a.sheet != nil {
			s, ok = *a.sheet, true
		}
	})
	return s, ok
}

func (a *actor) seatOf(name string) int {
	for i, s := range a.seats {
		if !s.bot && s.name == name {
			return i
		}
	}
	return -1
}

func (a *actor) fail(c Conn, text string) {
	c.Send(encode(protocol.Error{Type: protocol.TypeError, Text: text, Table: a.cfg.ID}))
}

// seated runs after a seat was taken: the last one starts the pulka.
func (a *actor) seated() {
	for _, s := range a.seats {
		if s.name == "" {
			a.changed()
			return
		}
	}
	sheet, err := score.NewSheet(a.settings, 0, a.names()...)
	if err != nil {
		a.log.Error("cannot start the pulka", "err", err)
		a.changed()
		return
	}
	a.sheet = sheet
	a.status = protocol.StatusPlaying
	a.log.Info("pulka starts", "seats", a.names())
	if err := a.deal(); err != nil {
		a.log.Error("cannot deal", "err", err)
	}
	a.changed()
}

func (a *actor) names() []string {
	out := make([]string, protocol.Seats)
	for i, s := range a.seats {
		out[i] = s.name
	}
	return out
}

// deal deals the next deal with a fresh seed.
func (a *actor) deal() error {
	var b [8]byte
	if _, err := io.ReadFull(a.cfg.Seeds, b[:]); err != nil {
		return fmt.Errorf("deal %d: seed: %w", a.dealNo+1, err)
	}
	d := rules.Deal{Seed: binary.LittleEndian.Uint64(b[:]), Dealer: a.sheet.Dealer(), Series: a.sheet.Series(), Options: a.opt}
	s, err := rules.New(d)
	if err != nil {
		return fmt.Errorf("deal %d: %w", a.dealNo+1, err)
	}
	a.state, a.moveNo = s, 0
	a.dealNo++
	a.records = append(a.records, DealRecord{Deal: d})
	return nil
}

// apply makes next (after move m) the current state.
func (a *actor) apply(next rules.State, m rules.Move) {
	a.state = next
	a.moveNo++
	r := &a.records[len(a.records)-1]
	r.Moves = append(r.Moves, m)
	if a.state.Done() {
		a.finishDeal()
	}
	a.changed()
}

func (a *actor) finishDeal() {
	res, _ := a.state.Result()
	a.lastDeal = describe(a.dealNo, res, a.names())
	if err := a.sheet.Apply(score.DealOf(res)); err != nil {
		a.log.Error("the sheet refused a deal", "deal", a.dealNo, "err", err)
	}
	rec := a.records[len(a.records)-1]
	a.log.Info("deal over", "deal", a.dealNo, "seed", rec.Deal.Seed, "moves", len(rec.Moves), "result", a.lastDeal)
	if !a.sheet.Over() {
		return
	}
	a.status = protocol.StatusFinished
	if set, err := a.sheet.Settle(); err != nil {
		a.log.Error("cannot settle", "err", err)
	} else {
		r := &protocol.Settlement{}
		for i := range protocol.Seats {
			r.Rounded[i] = set.Rounded[i]
			r.Exact[i] = set.Exact[i].RatString()
		}
		a.result = r
	}
	a.log.Info("pulka over", "deals", a.dealNo)
}

// changed schedules what comes next and sends every connection its view.
func (a *actor) changed() {
	a.schedule()
	a.broadcast()
	if s := a.makeSummary(); s != a.summary {
		a.summary = s
		if a.cfg.OnChange != nil {
			a.cfg.OnChange(s)
		}
	}
}

// schedule sets the one timer of the table: the next deal, a bot's move or
// the time limit of the human to move.
func (a *actor) schedule() {
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.gen++
	a.deadline = time.Time{}
	if a.status != protocol.StatusPlaying {
		return
	}
	gen := a.gen
	later := func(d time.Duration, f func(*actor)) {
		a.timer = a.cfg.Clock.AfterFunc(d, func() {
			a.t.post(func(a *actor) {
				if a.gen == gen {
					f(a)
				}
			})
		})
	}
	if a.state.Done() {
		later(a.cfg.DealPause, func(a *actor) {
			if err := a.deal(); err != nil {
				a.log.Error("cannot deal", "err", err)
				return
			}
			a.changed()
		})
		return
	}
	if a.seats[a.state.Actor()].bot {
		later(a.cfg.BotDelay, func(a *actor) {
			m, ok := botMove(&a.state, a.rng, a.buf)
			if !ok {
				return
			}
			next, err := rules.Apply(a.state, m)
			if err != nil {
				a.log.Error("bot move refused", "move", m, "err", err)
				return
			}
			a.apply(next, m)
		})
		return
	}
	a.deadline = a.cfg.Clock.Now().Add(a.cfg.MoveTime)
	later(a.cfg.MoveTime, func(a *actor) {
		m, ok := rules.TimeoutMove(&a.state)
		if !ok {
			return
		}
		next, err := rules.Apply(a.state, m)
		if err != nil {
			a.log.Error("timeout move refused", "move", m, "err", err)
			return
		}
		a.log.Info("move timed out", "seat", m.Seat, "move", m)
		a.apply(next, m)
	})
}

// broadcast sends every connection the table as its player may see it,
// encoding each distinct view once.
func (a *actor) broadcast() {
	var cache [protocol.Seats + 1][]byte
	for c := range a.conns {
		v := a.seatOf(c.Player())
		k := v + 1
		if cache[k] == nil {
			cache[k] = encode(a.view(v))
		}
		c.Send(cache[k])
	}
}

// view returns the table for viewer (a seat or rules.Spectator).
func (a *actor) view(viewer int) protocol.TableView {
	tv := protocol.TableView{
		Type: protocol.TypeTable, ID: a.cfg.ID, Convention: a.cfg.Convention,
		PoolTarget: a.settings.PoolTarget, MoveTime: a.settings.MoveTime,
		Status: a.status, Seats: a.seatInfo(), Watchers: len(a.conns), Spectators: a.spectators(), You: viewer,
		DealNo: a.dealNo, MoveNo: a.moveNo, LastDeal: a.lastDeal, Result: a.result, Chat: a.chat,
	}
	if a.dealNo > 0 {
		sv := rules.View(a.state, viewer)
		tv.Deal = &sv
		if a.status == protocol.StatusPlaying && !a.state.Done() && viewer >= 0 && a.state.Actor() == viewer {
			tv.Legal = rules.LegalMoves(&a.state, nil)
		}
	}
	if !a.deadline.IsZero() {
		tv.Deadline = a.deadline.UnixMilli()
	}
	if a.sheet != nil {
		sv := a.sheet.View(a.names())
		tv.Sheet = &sv
	}
	return tv
}

func (a *actor) seatInfo() [protocol.Seats]protocol.Seat {
	var out [protocol.Seats]protocol.Seat
	for i, s := range a.seats {
		out[i] = protocol.Seat{Name: s.name, Bot: s.bot}
	}
	for c := range a.conns {
		if i := a.seatOf(c.Player()); i >= 0 {
			out[i].Online = true
		}
	}
	return out
}

// spectators returns the names watching the table without a seat, sorted.
func (a *actor) spectators() []string {
	seen := map[string]bool{}
	out := []string{}
	for c := range a.conns {
		if n := c.Player(); a.seatOf(n) < 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func (a *actor) makeSummary() protocol.Summary {
	s := protocol.Summary{
		ID: a.cfg.ID, Convention: a.cfg.Convention, PoolTarget: a.settings.PoolTarget,
		MoveTime: a.settings.MoveTime, Status: a.status, Seats: a.seatInfo(), Watchers: len(a.conns),
	}
	if a.sheet != nil {
		s.Deals = a.sheet.Deals()
	}
	return s
}

// describe writes one line on a finished deal.
func describe(n int, r rules.Result, names []string) string {
	tricks := func() string {
		out := ""
		for i := 0; i < r.Players; i++ {
			if i > 0 {
				out += ", "
			}
			out += fmt.Sprintf("%s %d", names[i], r.Tricks[i])
		}
		return out
	}
	switch {
	case r.Kind == rules.KindRaspasy:
		return fmt.Sprintf("deal %d: raspasy — tricks: %s", n, tricks())
	case r.Ending == rules.EndingUnwhisted:
		return fmt.Sprintf("deal %d: %s declared %s, both defenders passed", n, names[r.Declarer], r.Contract)
	case r.Ending == rules.EndingHalfWhist:
		return fmt.Sprintf("deal %d: %s declared %s, half-whist", n, names[r.Declarer], r.Contract)
	case r.Ending == rules.EndingConceded:
		return fmt.Sprintf("deal %d: %s conceded %s", n, names[r.Declarer], r.Contract)
	}
	return fmt.Sprintf("deal %d: %s played %s — tricks: %s", n, names[r.Declarer], r.Contract, tricks())
}

// encode marshals a protocol message; the types of package protocol always
// marshal.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("table: encoding %T: %v", v, err))
	}
	return b
}
