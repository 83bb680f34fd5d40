package table

import (
	"errors"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Journal records a table's game so that it can be rebuilt and archived.
// Its methods are called from the table's goroutine, in order; they should
// be quick (batch and write behind, but acknowledge only what is safe).
type Journal interface {
	// Begin records a pulka as it starts, before its first deal. An error
	// keeps the table waiting (the last player to sit is told, code
	// "journal"; standing up and sitting again retries). An error wrapping
	// ErrUnsettled from a Journal that is a Settler holds the start
	// instead: the table calls Begin again with the same PulkaStart (the
	// same Key), from a goroutine of its own, every Config.StoreRetry until
	// it returns nil, so Begin must return the pulka written first for a
	// Key it has seen (see Settler).
	Begin(PulkaStart) error
	// Deal records a new deal before its first move. An error delays the
	// deal (it is retried after the deal pause).
	Deal(DealStart) error
	// Move records an accepted move before its events go out. An error
	// refuses the move: the state does not change and the player is told
	// (code "journal"); a bot's or a timeout's move is retried. An error
	// wrapping ErrUnsettled from a Journal that is a Settler holds the
	// move instead (see Settler).
	Move(MoveEntry) error
	// Pulka records a finished pulka. An error is retried with backoff
	// (Config.StoreRetry) until it succeeds or the process ends; the same
	// record is handed again, so Pulka must be idempotent for a record it
	// refused.
	Pulka(PulkaRecord) error
}

// ErrUnsettled is wrapped by a Journal.Move or Begin error when the
// journal cannot tell whether the move or the pulka's start was written
// (the store's answer was lost: a timeout, a dropped connection). Any
// other error from Move or Begin means it is certainly not written.
var ErrUnsettled = errors.New("the write is not settled")

// ErrDiverged is wrapped by a Settler's Settle error, or by the error of
// Begin called again for a held start, when the store holds something else
// under the entry (another move under its number, another pulka under the
// start's Key): the write can never be settled, and the table gives it up
// at once rather than after Config.SettleLimit.
var ErrDiverged = errors.New("the store holds something else under this entry")

// A Settler is a Journal that can settle a move it answered with
// ErrUnsettled, so that nobody is told a move was refused that a restore
// from the store (a restart, a takeover) would then play. The table holds
// such a move: it answers nobody about it, refuses every other move
// (code "journal") and stops the mover's clock, and asks Settle every
// Config.StoreRetry until it answers. Written, the move is applied as if
// Move had returned nil (its event is the mover's answer); not written, it
// is refused (the mover is told, code "journal"; a bot's or a timeout's
// move is made again).
//
// A pulka start a Settler answered with ErrUnsettled is held the same
// way: the seats stay as they are (standing up and moves are refused,
// code protocol.ErrStartPending; a player who leaves keeps the seat and
// is told so) and Begin is called again with the same PulkaStart
// until it answers nil; then the pulka starts, with the pulka the store
// has, never a second one.
//
// A held move or start is not held for ever: when Settle (or Begin
// again) has not answered within Config.SettleLimit, or answers
// ErrDiverged, the table gives it up. A held move's pulka then ends
// abandoned, unrated (Settlement reason protocol.ReasonUnsettled; the
// journal gets a PulkaRecord with Abandoned set); a held start frees the
// table once the journal has taken a PulkaRecord with Abandoned and Start
// set (retried as a finished pulka is). Every connection of the table is
// told (code protocol.ErrAbandoned), the table logs it at ERROR, and
// metrics count it (PulkaFinished "unsettled").
type Settler interface {
	// Settle reports whether e was written. Its answer must be final: a
	// write of e still in flight when Settle is called can no longer land
	// once it answers false.
	Settle(e MoveEntry) (written bool, err error)
}

// PulkaStart is a pulka as it starts.
type PulkaStart struct {
	Table    string
	Pulka    int               // the pulka's number at this table, from 1
	Players  []protocol.Player // by seat (bots too: ids "bot:...")
	Settings score.Settings    // every setting played
	Started  time.Time
	// Key identifies this start (random, made by the table): a start
	// handed again because Begin answered ErrUnsettled has the same Key.
	Key string
}

// DealStart is a deal as it is dealt: with the pulka's settings it
// determines the deal (rules.Deal).
type DealStart struct {
	Table  string
	Pulka  int
	Deal   int // from 1
	Seed   uint64
	Dealer int
	Series int
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
	// Result is the settlement of the sheet (score.Sheet.Settle), exact, as
	// the table computed it; nil when the sheet could not be settled (the
	// pulka was closed with protocol.ErrInternal).
	Result *score.Result
	// Abandoned, when not empty, says why the table gave the pulka up
	// unfinished (a write the store never settled: Config.SettleLimit).
	// The journal then marks the pulka abandoned (no result, no rating
	// change) rather than archiving a settlement; Result is nil.
	Abandoned string
	// Start, when not nil, is a pulka start the table gave up before the
	// pulka began (a held start past Config.SettleLimit): the journal
	// abandons, with reason Abandoned, the pulka the store has or may
	// still get under Start.Key (a write whose answer was lost), so that
	// none stays in progress for a restart or a takeover to bring back.
	// Record, Deals and Result are empty then.
	Start *PulkaStart
}
