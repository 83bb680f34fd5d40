package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
)

// serverMsg is the part of every server message the generator reads: the
// union of the fields of "welcome", "error", "created", "table" and
// "table_event" (game/protocol documents them).
type serverMsg struct {
	Type   string          `json:"type"`
	Code   string          `json:"code"`
	Text   string          `json:"text"`
	Table  string          `json:"table"`
	V      uint64          `json:"v"`
	Since  uint64          `json:"since"` // lobby_delta: the version it applies to
	Kind   string          `json:"kind"`
	State  string          `json:"state"`
	Seats  []seatMsg       `json:"seats"`
	Deal   *rules.SeatView `json:"deal"`
	Legal  *[]rules.Move   `json:"legal"`
	Move   *rules.Move     `json:"move"`
	Result json.RawMessage `json:"result"`
	Player *struct {
		ID string `json:"id"`
	} `json:"player"`
}

type seatMsg struct {
	Player struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"player"`
	Bot bool `json:"bot"`
}

// tableState is what one player knows of one table, kept current by
// applying the table's events in version order.
type tableState struct {
	// table is the table this player follows: its own, not the shared
	// tableRun's id, which moves to the next table as soon as the first
	// player sets it, while this player may still have the last events of
	// the finished one to read.
	table string
	v     uint64
	state string
	seat  int // -1 until the player sits
	deal  *rules.SeatView
	legal []rules.Move
	done  bool // the pulka is over
	// sitting: a "sit" was sent; not again for this table
	sitting bool
	// leaving: the pulka is over and "leave" was sent
	leaving bool
	// fresh: take the next whole view whatever its version (asked for
	// after a reconnect with a move in flight)
	fresh bool
}

// mover chooses a move for a seat from what the seat sees.
type mover interface {
	Move(v rules.SeatView, legal []rules.Move) rules.Move
}

// randomMover plays a random legal move: the fallback when no bot level is
// asked for, and the cheapest load.
type randomMover struct{ r *rand.Rand }

func (m randomMover) Move(_ rules.SeatView, legal []rules.Move) rules.Move {
	return legal[m.r.IntN(len(legal))]
}

// player is one simulated person: one SockJS session (re-dialled on loss),
// one seat at one table.
type player struct {
	g       *generator
	browser *browser
	name    string
	id      string // the server's id for this player, from "welcome"
	table   *tableRun
	index   int // seat index this player takes
	link    link
	urlIdx  int
	tstate  tableState
	mover   mover
	lastAct time.Time // when this player's last move was sent
	// lastMove describes the last move sent, for error reports.
	lastMove string
	// pending: a move was sent and the event of a move at this seat (or
	// of a new deal, or the pulka's end) has not come yet. Events in
	// between (a seat coming back online) still list the legal moves of
	// before the move: they are not asked again.
	pending bool
	// trace holds the last messages this player sent and got, for error
	// reports.
	trace trace
	// wait starts waiting for the table to change from old and delivers
	// the new id to the session loop.
	wait func(old string)
	// follows: the session gets the lobby's deltas (-lobby); lobbyV is
	// the lobby version held, to follow again from.
	follows bool
	lobbyV  uint64
	// unfollowed: "lobby_left" came and no follow was sent since: a delta
	// now is an error (the server fanned out to a client that left).
	unfollowed bool
}

// atPlayingTable reports whether the player sits at a table whose pulka
// is being played.
func (p *player) atPlayingTable() bool {
	return p.tstate.table != "" && !p.tstate.leaving && !p.tstate.done && p.tstate.state == "playing"
}

// errKind names an error as a player would see it; the report counts them.
type errKind string

const (
	errRefused  errKind = "move_refused"   // the server refused a legal-looking move
	errGap      errKind = "version_gap"    // an event skipped a version
	errLeak     errKind = "leak"           // a frame showed a card the seat may not see
	errProtocol errKind = "protocol"       // an undecodable or unexpected message
	errServer   errKind = "server_error"   // any other error message
	errLost     errKind = "connection_err" // a dial or send failed (not a reconnect)
)

// errDropped ends a session the generator drops on purpose (-drop).
var errDropped = errors.New("dropped by the generator (-drop)")

// handle applies one server message.
func (p *player) handle(ctx context.Context, m serverMsg, got stamp) error {
	p.trace.add(traced{got: gotOf(m)})
	switch m.Type {
	case "welcome":
		if m.Player != nil {
			p.id = m.Player.ID
		}
	case "lobby":
		p.lobbyV = m.V
	case "lobby_left":
		p.lobbyV, p.unfollowed = m.V, true
	case "lobby_delta":
		if p.unfollowed {
			p.g.stats.fail(errProtocol, fmt.Sprintf("lobby delta v%d after lobby_left at v%d", m.V, p.lobbyV))
		}
		if m.Since == p.lobbyV {
			p.lobbyV = m.V
		} else if m.V > p.lobbyV {
			// A gap (the generator never misses one on a live session):
			// the next follow asks for the whole lobby.
			p.lobbyV = 0
		}
	case "error":
		if m.Code == "illegal_move" || m.Code == "not_your_turn" {
			p.g.stats.fail(errRefused, fmt.Sprintf("%s: %s (table %s, my seat %d, after v%d; my last move %v); last messages:\n  %s", m.Code, m.Text, p.tstate.table, p.tstate.seat, p.tstate.v, p.lastMove, strings.Join(p.trace.lines(), "\n  ")))
		} else {
			p.g.stats.fail(errServer, fmt.Sprintf("%s: %s", m.Code, m.Text))
		}
	case "table":
		// A whole view replaces what the player knows unless it holds that
		// version already: a view it has acted on must not ask it to act
		// again.
		if m.Table != p.tstate.table || p.tstate.v != 0 && m.V <= p.tstate.v && !p.tstate.fresh {
			return nil
		}
		p.tstate = tableState{table: m.Table, v: m.V, state: m.State, seat: -1, deal: m.Deal, sitting: p.tstate.sitting}
		p.pending = false
		if m.Legal != nil {
			p.tstate.legal = *m.Legal
		}
		p.applySeats(m.Seats)
	case "table_event":
		if m.Table != p.tstate.table {
			return nil
		}
		// The creator of a table gets its events from the first one on,
		// with no whole view before them: the first event is the base.
		if p.tstate.v != 0 && m.V != p.tstate.v+1 {
			p.g.stats.fail(errGap, fmt.Sprintf("table %s: event v%d after v%d", m.Table, m.V, p.tstate.v))
			return p.resync()
		}
		p.tstate.v = m.V
		if p.pending && answers(m) {
			p.pending = false
		}
		if m.State != "" {
			p.tstate.state = m.State
		}
		if m.Seats != nil {
			p.applySeats(m.Seats)
		}
		if m.Deal != nil {
			p.tstate.deal = m.Deal
		}
		if m.Legal != nil && !p.pending {
			p.tstate.legal = *m.Legal
		}
		if m.Kind == "move" || m.Kind == "timeout" {
			p.table.observe(m.Table, m.V, got, p.g.stats)
		}
		if len(m.Result) > 0 && string(m.Result) != "null" || p.tstate.state == "finished" {
			p.tstate.done = true
		}
	}
	if d := p.tstate.deal; d != nil && p.tstate.seat >= 0 {
		if err := check(p.tstate.table, p.tstate.seat, d); err != nil {
			p.g.stats.fail(errLeak, err.Error())
		}
	}
	return nil
}

// answers reports whether event m ends the wait for this player's move:
// while it waits, it is the only seat to act, so the next move or timeout
// is its own (a discard's event does not show the move), and a new deal or
// the pulka's end settles it too.
func answers(m serverMsg) bool {
	switch m.Kind {
	case "move", "timeout", "deal", "finish", "free":
		return true
	}
	return false
}

func (p *player) applySeats(seats []seatMsg) {
	p.tstate.seat = -1
	for i, s := range seats {
		if s.Player.ID != "" && s.Player.ID == p.id {
			p.tstate.seat = i
		}
	}
}

// resync asks for the table again from the version held.
func (p *player) resync() error {
	return p.send(map[string]any{"type": "watch", "table": p.tstate.table, "v": p.tstate.v})
}

func (p *player) send(m map[string]any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %v: %w", m["type"], err)
	}
	p.trace.add(traced{sent: b})
	if err := p.link.Send(string(b)); err != nil {
		return fmt.Errorf("send %v: %w", m["type"], err)
	}
	return nil
}

// due reports whether this player must move now.
func (p *player) due() bool {
	return p.tstate.state == "playing" && len(p.tstate.legal) > 0 && p.tstate.deal != nil && !p.tstate.done
}

// act plays one move.
func (p *player) act(now time.Time) error {
	mv := p.mover.Move(*p.tstate.deal, p.tstate.legal)
	p.lastMove = fmt.Sprintf("%v at v%d (actor %d, phase %v)", mv, p.tstate.v, p.tstate.deal.Actor, p.tstate.deal.Phase)
	p.tstate.legal = nil // until the server says again
	p.pending = true
	p.table.acted(p.tstate.table, p.tstate.v+1, now)
	p.lastAct = now
	// Counted once handed to the transport, before the send returns: a
	// send the run's end cuts short (an xhr_send whose request is
	// cancelled) may still have reached the club, which must never time
	// more moves than the players sent.
	p.g.stats.actions.Add(1)
	return p.send(map[string]any{"type": "move", "table": p.tstate.table, "move": mv})
}

// trace is a ring of the last messages a player sent and got, formatted
// only for an error report (formatting every message cost the generator
// CPU its club shares).
type trace struct {
	ring [16]traced
	n    int // messages added
}

// traced is one message: sent (its JSON) or got.
type traced struct {
	sent []byte
	got  gotLine
}

// gotLine is what an error report shows of a message got: its few fields,
// not the message (its deal view and lists, 16 messages at each of
// thousands of players, were 5.8 kB a player).
type gotLine struct {
	typ, table, kind, state string
	v                       uint64
	legal, actor            int
}

// gotOf returns what a trace keeps of m.
func gotOf(m serverMsg) gotLine {
	return gotLine{typ: m.Type, table: m.Table, kind: m.Kind, state: m.State, v: m.V, legal: legalLen(m.Legal), actor: actorOf(m.Deal)}
}

func (t *trace) add(m traced) {
	t.ring[t.n%len(t.ring)] = m
	t.n++
}

// lines returns the messages held, oldest first.
func (t *trace) lines() []string {
	var out []string
	for i := max(0, t.n-len(t.ring)); i < t.n; i++ {
		m := t.ring[i%len(t.ring)]
		if m.sent != nil {
			out = append(out, "sent "+string(m.sent))
			continue
		}
		g := m.got
		out = append(out, fmt.Sprintf("got %s %s v%d %s state=%q legal=%v actor=%v", g.typ, g.table, g.v, g.kind, g.state, g.legal, g.actor))
	}
	return out
}

func legalLen(l *[]rules.Move) int {
	if l == nil {
		return -1
	}
	return len(*l)
}

func actorOf(d *rules.SeatView) int {
	if d == nil {
		return -9
	}
	return d.Actor
}
