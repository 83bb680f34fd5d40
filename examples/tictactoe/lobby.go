package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

// lobbyChannel carries every process's announcements of waiting players.
const lobbyChannel = "ttt:lobby"

// procChannel is the broker channel of one process: claims, answers and
// moves for the games it owns arrive there.
func procChannel(proc string) string { return "ttt:proc:" + proc }

// gameChannel is the hub channel both players of a game subscribe to; the
// owning process publishes every state of the game there.
func gameChannel(game string) string { return "ttt:game:" + game }

// LobbyOptions configure a Lobby.
type LobbyOptions struct {
	// Tick is how often waiting players are announced again; an
	// announcement older than 3 ticks is forgotten (its process died).
	// Zero means 1 second.
	Tick   time.Duration
	Logger *slog.Logger
}

// Lobby pairs players and runs the games this process owns. Players
// arriving on different processes meet through the broker:
//
//   - A process with a waiting player announces it on ttt:lobby every tick.
//   - A newcomer on another process claims an announced player by a message
//     to the owner's process channel. The owner is the only one who can pair
//     its waiting player, so a player is never paired twice; it answers
//     accepted or rejected.
//   - Two processes that each have a waiting player: the one whose player id
//     is smaller claims the other.
//   - The game lives on the owner's process (the waiting player's). Moves
//     of the remote player travel to it over the broker, and every state is
//     published on the game's hub channel, which reaches both players.
//
// All state belongs to one goroutine (run); everything else posts closures
// to it.
type Lobby struct {
	id     string
	hub    *sockjs.Hub
	broker sockjs.Broker
	opts   LobbyOptions
	log    *slog.Logger

	events chan func()
	stop   chan struct{}
	done   chan struct{}
	unsub  []func()

	// Owned by run.
	players map[string]*player   // local players by id
	waiting *player              // the local player waiting for an opponent
	remote  map[string]*remoteWP // announced waiting players of other processes
	games   map[string]*game     // games this process owns
	nextID  int
}

type playerState int

const (
	idle     playerState = iota
	waiting              // announced, waiting for an opponent
	claiming             // claimed a remote waiting player, awaiting the answer
	inGame
)

type player struct {
	id, name string
	s        *sockjs.Session
	state    playerState
	game     string // current or last game
	owner    string // process owning the game
	claimed  string // the remote player claimed, while claiming
	claimAt  time.Time
}

// remoteWP is a waiting player announced by another process.
type remoteWP struct {
	proc, name string
	seen       time.Time
	tried      bool // a claim was refused; do not try again until re-announced
}

// game is a game this process owns.
type game struct {
	id     string
	board  Board
	x, o   string // player ids
	oProc  string // process of O ("" when local)
	oReady bool   // O is subscribed to the game channel
}

// NewLobby starts a lobby on hub and broker (the broker the hub uses).
func NewLobby(ctx context.Context, hub *sockjs.Hub, broker sockjs.Broker, opts *LobbyOptions) (*Lobby, error) {
	var o LobbyOptions
	if opts != nil {
		o = *opts
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var id [4]byte
	_, _ = rand.Read(id[:])
	l := &Lobby{
		id: hex.EncodeToString(id[:]), hub: hub, broker: broker, opts: o, log: o.Logger,
		events: make(chan func(), 1024), stop: make(chan struct{}), done: make(chan struct{}),
		players: make(map[string]*player), remote: make(map[string]*remoteWP), games: make(map[string]*game),
	}
	for _, ch := range []string{lobbyChannel, procChannel(l.id)} {
		u, err := broker.Subscribe(ctx, ch, l.receive)
		if err != nil {
			for _, u := range l.unsub {
				u()
			}
			return nil, fmt.Errorf("lobby: subscribe %s: %w", ch, err)
		}
		l.unsub = append(l.unsub, u)
	}
	go l.run()
	return l, nil
}

// Close stops the lobby. Call it once.
func (l *Lobby) Close() {
	for _, u := range l.unsub {
		u()
	}
	close(l.stop)
	<-l.done
}

func (l *Lobby) run() {
	defer close(l.done)
	t := time.NewTicker(l.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case f := <-l.events:
			f()
		case <-t.C:
			l.tick()
		}
	}
}

// post runs f on the lobby goroutine; it drops f if the lobby is swamped
// (never blocks the broker's receive loop).
func (l *Lobby) post(f func()) {
	select {
	case l.events <- f:
	default:
		l.log.Warn("tictactoe: lobby overloaded; event dropped")
	}
}

// receive is the broker handler of the lobby and process channels.
func (l *Lobby) receive(payload []byte) {
	m, err := parseCtrl(payload)
	if err != nil {
		l.log.Warn("tictactoe: bad control message", slog.String("payload", string(payload)), slog.Any("err", err))
		return
	}
	if m.From == l.id && m.Kind != "move" && m.Kind != "leave" {
		return // our own announcement
	}
	l.post(func() { l.handle(m) })
}

func (l *Lobby) send(proc string, m ctrl) {
	m.From = l.id
	b, _ := json.Marshal(m) // strings and ints only
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.broker.Publish(ctx, proc, b); err != nil {
		l.log.Warn("tictactoe: control message not sent", slog.String("kind", m.Kind), slog.Any("err", err))
	}
}

// Browser protocol.

type serverMsg struct {
	Type     string `json:"type"` // waiting, start, state, error
	Game     string `json:"game,omitempty"`
	You      string `json:"you,omitempty"`
	Opponent string `json:"opponent,omitempty"`
	Board    string `json:"board,omitempty"`
	Turn     string `json:"turn,omitempty"`
	Status   Status `json:"status,omitempty"`
	Winner   string `json:"winner,omitempty"`
	Error    string `json:"error,omitempty"`
}

// conn is the sockjs.Handler of one browser.
type conn struct {
	l *Lobby
	p *player
}

// Handler returns a new sockjs.Handler for the lobby.
func (l *Lobby) Handler() sockjs.Handler { return &conn{l: l} }

func (c *conn) OnOpen(s *sockjs.Session) error {
	c.p = &player{id: c.l.id + "." + s.ID(), s: s}
	p := c.p
	c.l.post(func() { c.l.players[p.id] = p })
	return nil
}

func (c *conn) OnMessage(raw string) {
	m, err := parseClientMsg(raw)
	if err != nil {
		_ = c.p.s.SendJSON(serverMsg{Type: "error", Error: err.Error()})
		return
	}
	p := c.p
	switch m.Type {
	case "play":
		c.l.post(func() { c.l.play(p, m.Name) })
	case "move":
		c.l.post(func() { c.l.localMove(p, m.Cell) })
	}
}

func (c *conn) OnClose() {
	p := c.p
	c.l.post(func() { c.l.left(p) })
}

// The lobby goroutine's work.

// play puts p in the lobby: pair with a local waiting player, else claim a
// remote one, else wait.
func (l *Lobby) play(p *player, name string) {
	if _, ok := l.players[p.id]; !ok || p.state == waiting || p.state == claiming {
		return
	}
	if p.state == inGame {
		if g := l.games[p.game]; g != nil {
			return // still playing here
		}
		if p.owner != l.id {
			return // the owner has not ended it; wait for it
		}
	}
	if p.game != "" {
		l.hub.Unsubscribe(p.s, gameChannel(p.game))
	}
	p.name, p.state, p.game, p.owner = name, idle, "", ""
	l.seek(p)
}

func (l *Lobby) seek(p *player) {
	if w := l.waiting; w != nil && w != p {
		l.waiting = nil
		l.startGame(w, p.id, p.name, p, "")
		return
	}
	for id, r := range l.remote {
		if !r.tried {
			p.state, p.claimed, p.claimAt = claiming, id, time.Now()
			l.send(procChannel(r.proc), ctrl{Kind: "claim", Player: id, Challenger: p.id, ChallengerName: p.name})
			return
		}
	}
	p.state = waiting
	l.waiting = p
	_ = p.s.SendJSON(serverMsg{Type: "waiting"})
	l.send(lobbyChannel, ctrl{Kind: "waiting", Player: p.id, Name: p.name})
}

// startGame makes a game owned here: x is the local waiting player, the
// opponent (O) is local (oLocal) or on process oProc.
func (l *Lobby) startGame(x *player, oID, oName string, oLocal *player, oProc string) {
	l.nextID++
	g := &game{id: fmt.Sprintf("%s-%d", l.id, l.nextID), board: NewBoard(), x: x.id, o: oID, oProc: oProc, oReady: oLocal != nil}
	l.games[g.id] = g
	for _, p := range []*player{x, oLocal} {
		if p == nil {
			continue
		}
		p.state, p.game, p.owner = inGame, g.id, l.id
		if err := l.hub.Subscribe(p.s, gameChannel(g.id)); err != nil {
			l.log.Warn("tictactoe: subscribe", slog.Any("err", err))
		}
	}
	_ = x.s.SendJSON(serverMsg{Type: "start", Game: g.id, You: "X", Opponent: oName})
	if oLocal != nil {
		_ = oLocal.s.SendJSON(serverMsg{Type: "start", Game: g.id, You: "O", Opponent: x.name})
		l.publishState(g)
	} else {
		l.send(procChannel(oProc), ctrl{Kind: "accepted", Player: oID, Game: g.id, Name: x.name})
	}
}

func (l *Lobby) publishState(g *game) {
	msg := serverMsg{Type: "state", Game: g.id, Board: g.board.String(), Turn: string(g.board.Turn), Status: g.board.Status}
	if g.board.Winner != 0 {
		msg.Winner = string(g.board.Winner)
	}
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.hub.Publish(ctx, gameChannel(g.id), string(b)); err != nil {
		l.log.Warn("tictactoe: state not published", slog.String("game", g.id), slog.Any("err", err))
	}
	if g.board.Status != Playing {
		l.endGame(g)
	}
}

// endGame forgets a finished game; its local players may play again.
func (l *Lobby) endGame(g *game) {
	delete(l.games, g.id)
	for _, id := range []string{g.x, g.o} {
		if p := l.players[id]; p != nil && p.game == g.id {
			p.state = idle
		}
	}
	if g.oProc != "" {
		l.send(procChannel(g.oProc), ctrl{Kind: "over", Player: g.o, Game: g.id})
	}
}

// move applies a move by player id to a game owned here.
func (l *Lobby) move(gameID, playerID string, cell int) error {
	g := l.games[gameID]
	if g == nil {
		return ErrGameOver
	}
	mark := X
	switch playerID {
	case g.x:
	case g.o:
		mark = O
	default:
		return fmt.Errorf("not a player of game %s", gameID)
	}
	if !g.oReady {
		return ErrNotYourTurn
	}
	b, err := g.board.Play(mark, cell)
	if err != nil {
		return err
	}
	g.board = b
	l.publishState(g)
	return nil
}

// localMove is a move from a browser on this process.
func (l *Lobby) localMove(p *player, cell int) {
	if p.state != inGame {
		_ = p.s.SendJSON(serverMsg{Type: "error", Error: "not in a game"})
		return
	}
	if p.owner != l.id {
		l.send(procChannel(p.owner), ctrl{Kind: "move", Player: p.id, Game: p.game, Cell: cell})
		return
	}
	if err := l.move(p.game, p.id, cell); err != nil {
		_ = p.s.SendJSON(serverMsg{Type: "error", Error: err.Error()})
	}
}

// left handles a closed browser session.
func (l *Lobby) left(p *player) {
	delete(l.players, p.id)
	switch p.state {
	case waiting:
		if l.waiting == p {
			l.waiting = nil
		}
		l.send(lobbyChannel, ctrl{Kind: "gone", Player: p.id})
	case inGame:
		if p.owner == l.id {
			l.abandon(p.game)
		} else {
			l.send(procChannel(p.owner), ctrl{Kind: "leave", Player: p.id, Game: p.game})
		}
	}
}

func (l *Lobby) abandon(gameID string) {
	if g := l.games[gameID]; g != nil {
		g.board.Status = Abandoned
		l.publishState(g)
	}
}

// handle runs a control message from another process (or, for moves and
// leaves, possibly this one).
func (l *Lobby) handle(m ctrl) {
	switch m.Kind {
	case "waiting":
		r := l.remote[m.Player]
		if r == nil {
			r = &remoteWP{proc: m.From}
			l.remote[m.Player] = r
		}
		r.name, r.seen, r.tried = m.Name, time.Now(), false
		// Two waiting players on two processes: the smaller id claims.
		if w := l.waiting; w != nil && w.id < m.Player {
			l.waiting = nil
			w.state, w.claimed, w.claimAt = claiming, m.Player, time.Now()
			l.send(procChannel(m.From), ctrl{Kind: "claim", Player: m.Player, Challenger: w.id, ChallengerName: w.name})
		}
	case "gone":
		delete(l.remote, m.Player)
	case "claim":
		w := l.waiting
		if w == nil || w.id != m.Player {
			l.send(procChannel(m.From), ctrl{Kind: "rejected", Player: m.Challenger})
			return
		}
		l.waiting = nil
		l.startGame(w, m.Challenger, m.ChallengerName, nil, m.From)
		l.send(lobbyChannel, ctrl{Kind: "gone", Player: w.id})
	case "accepted":
		p := l.players[m.Player]
		if p == nil || p.state != claiming {
			l.send(procChannel(m.From), ctrl{Kind: "leave", Player: m.Player, Game: m.Game})
			return
		}
		delete(l.remote, p.claimed)
		p.state, p.game, p.owner, p.claimed = inGame, m.Game, m.From, ""
		if err := l.hub.Subscribe(p.s, gameChannel(m.Game)); err != nil {
			l.log.Warn("tictactoe: subscribe", slog.Any("err", err))
		}
		_ = p.s.SendJSON(serverMsg{Type: "start", Game: m.Game, You: "O", Opponent: m.Name})
		l.send(procChannel(m.From), ctrl{Kind: "joined", Player: p.id, Game: m.Game})
	case "rejected":
		p := l.players[m.Player]
		if p == nil || p.state != claiming {
			return
		}
		if r := l.remote[p.claimed]; r != nil {
			r.tried = true
		}
		p.state, p.claimed = idle, ""
		l.seek(p)
	case "joined":
		if g := l.games[m.Game]; g != nil && g.o == m.Player && !g.oReady {
			g.oReady = true
			l.publishState(g)
		}
	case "move":
		if err := l.move(m.Game, m.Player, m.Cell); err != nil {
			l.log.Debug("tictactoe: remote move refused", slog.Any("err", err))
		}
	case "leave":
		if g := l.games[m.Game]; g != nil && g.o == m.Player {
			l.abandon(m.Game)
		}
	case "over":
		if p := l.players[m.Player]; p != nil && p.game == m.Game {
			p.state = idle
		}
	}
}

// tick announces the local waiting player again and forgets stale remote
// announcements.
func (l *Lobby) tick() {
	if w := l.waiting; w != nil {
		l.send(lobbyChannel, ctrl{Kind: "waiting", Player: w.id, Name: w.name})
	}
	for id, r := range l.remote {
		if time.Since(r.seen) > 3*l.opts.Tick {
			delete(l.remote, id)
		}
	}
	// A claim without an answer (the owner died): look elsewhere.
	for _, p := range l.players {
		if p.state == claiming && time.Since(p.claimAt) > 3*l.opts.Tick {
			delete(l.remote, p.claimed)
			p.state, p.claimed = idle, ""
			l.seek(p)
		}
	}
}
