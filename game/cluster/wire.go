package cluster

import (
	"encoding/json"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// clubChannel is the broker channel every process of the club listens to:
// notes about the lobby and the processes themselves.
const clubChannel = "trelljaz.club"

// inbox is the broker channel of process node: letters for it.
func inbox(node string) string { return "trelljaz.node." + node }

// Kinds of note.
const (
	noteHello   = "hello"   // a process started or its broker came back: send me your roster
	noteRoster  = "roster"  // every table the sender runs and who is connected to it
	noteBeat    = "beat"    // the sender is alive
	noteBye     = "bye"     // the sender stops: take its tables now
	noteTable   = "table"   // a summary of a table the sender runs (state free: gone)
	noteOnline  = "online"  // a player's first connection to the sender
	noteOffline = "offline" // a player's last connection to the sender went
	noteChat    = "chat"    // a lobby chat line said on the sender
	noteAddr    = "addr"    // the address a new table of the sender was set from
)

// note is what a process tells all the others on clubChannel.
type note struct {
	From   string             `json:"from"`
	Kind   string             `json:"kind"`
	Table  *protocol.Summary  `json:"table,omitempty"`
	Player *protocol.Player   `json:"player,omitempty"`
	Chat   *protocol.ChatLine `json:"chat,omitempty"`
	// Roster: the sender's tables and online players.
	Tables []protocol.Summary `json:"tables,omitempty"`
	Online []protocol.Player  `json:"online,omitempty"`
	// Addr (a table or addr note) is the address table TableID (a table
	// note: Table's) was set from; Addrs (a roster) the same by table:
	// each process counts them toward lobby.Config.MaxTablesPerIP. Only
	// between processes, never to clients.
	TableID string            `json:"table_id,omitempty"`
	Addr    string            `json:"addr,omitempty"`
	Addrs   map[string]string `json:"addrs,omitempty"`
	// Guests (a beat or a roster) is the sender's guests.
	Guests *int `json:"guests,omitempty"`
	// Boot and Seq number the notes of the sender's ordered queue: Boot is
	// drawn at the sender's start, Seq counts from 1. A pipeline whose
	// answer was lost is sent again whole by the Redis client (at least
	// once), so a receiver drops a note whose Seq it has had from that
	// Boot: a lobby chat line is shown once. Notes said outside the queue
	// (hello, beat, bye) have none.
	Boot uint64 `json:"boot,omitempty"`
	Seq  uint64 `json:"seq,omitempty"`
}

// letter is what a process sends one other on its inbox: requests of its
// connections for the tables the other runs, and the messages of the
// tables it runs for the other's connections. Each list keeps its order.
// The receiver decodes it; the sender puts it together from items encoded
// one by one (outbox.take).
type letter struct {
	From string     `json:"from"`
	Ops  []op       `json:"ops,omitempty"`
	Out  []delivery `json:"out,omitempty"`
}

// What a connection asks of a table (op.Do): the methods of table.Handle.
const (
	doWatch       = "watch"
	doDetach      = "detach"
	doLeave       = "leave"
	doConventions = "conventions"
	doCancel      = "cancel"
	doSit         = "sit"
	doStand       = "stand"
	doAddBot      = "add_bot"
	doMove        = "move"
	doChat        = "chat"
)

// op is one request of a connection of process Origin for a table.
type op struct {
	Origin  string                     `json:"origin"`
	Conn    uint64                     `json:"conn"`
	Player  protocol.Player            `json:"player"`
	Table   string                     `json:"table"`
	Do      string                     `json:"do"`
	Hops    int                        `json:"hops,omitempty"`
	V       uint64                     `json:"v,omitempty"`
	Seat    int                        `json:"seat,omitempty"`
	Move    *rules.Move                `json:"move,omitempty"`
	Text    string                     `json:"text,omitempty"`
	Preset  string                     `json:"preset,omitempty"`
	Options map[string]json.RawMessage `json:"options,omitempty"`
}

// delivery is messages for connections of the receiving process: each of
// Conns gets all of Msgs, in order (an event of a table goes once to a
// process for all its connections of one audience: outbox.deliver).
//
// Conn is the one connection of a delivery sent by a process of the
// previous version (before Conns): read, never written, so that a rolling
// upgrade loses no delivery from the processes not yet upgraded.
type delivery struct {
	Conns []uint64          `json:"conns"`
	Conn  uint64            `json:"conn,omitempty"`
	Msgs  []json.RawMessage `json:"msgs"`
}
