package table

import (
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Journal records a table's game so that it can be rebuilt and archived.
// Its methods are called from the table's goroutine, in order; they should
// be quick (batch and write behind, but acknowledge only what is safe).
type Journal interface {
	// Move records an accepted move before its events go out. An error
	// refuses the move: the state does not change and the player is told
	// (code "journal"); a bot's or a timeout's move is retried.
	Move(MoveEntry) error
	// Pulka records a finished pulka, once. An error is logged.
	Pulka(PulkaRecord) error
}

// MoveEntry is one accepted move. With the seeds, the moves of a pulka
// replay it (rules.Replay per deal, the sheet from the deal results).
type MoveEntry struct {
	Table string
	Pulka int    // the pulka's number at this table, from 1
	Deal  int    // the deal's number in the pulka, from 1
	Seed  uint64 // the deal's seed
	Index int    // the move's index in the deal, from 0
	Move  rules.Move
	By    string // "player", "bot" or "timeout"
}

// PulkaRecord is a finished pulka.
type PulkaRecord struct {
	Table   string
	Pulka   int
	Players []protocol.Player // by seat
	// Record is the pulka record (PULKA-FORMAT.md) of the finished deals,
	// players by name, with the fines of a pulka closed by a timeout: what
	// cmd/pulka scores.
	Record score.Record
	Deals  []DealRecord // every deal dealt, the last maybe unfinished, with seeds and moves
	Result protocol.Settlement
}
