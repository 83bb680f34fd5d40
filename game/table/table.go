// Package table runs one club table through its whole life: set by its
// creator (the conventions dialog, with a countdown), waiting for players
// (sit, stand, watch; only the creator seats bots), the pulka (пулька) of
// deals played with the rules engine and written on the score sheet, each
// decision on a server-owned clock with the RULES §14 time_bank and
// timeout_action, and the finished
// table until it is reclaimed.
//
// A Table is an actor (package actor): one goroutine owns every bit of its
// state and each method posts it a command. Output goes to the Conns
// attached to the table as versioned events: every action makes one event
// (version V), encoded once for the spectators and once for each seat, and
// the same bytes go to every connection of that audience. A connection that
// comes back with the version it has gets exactly the events it missed, or
// the whole table when it is too far behind.
//
// Files: table.go (the Table and its config), commands.go (what players
// ask), pulka.go (deals, the one path that applies a move, the end of the
// pulka), clock.go (clock, deadlines, time banks, timeout_action, grace), views.go
// (views, events, resync), bot.go (the Bot interface), journal.go (the
// Journal interface), settle.go (a move or a pulka start whose write the
// journal cannot confirm, held until it can, or given up after
// Config.SettleLimit: Settler), restore.go (a pulka in progress
// rebuilt after a restart: Restore).
package table

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"github.com/trelljaz/trelljaz/game/actor"
	"github.com/trelljaz/trelljaz/game/internal/defaults"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Defaults of Config.
const (
	DefaultConventionTime = 2 * time.Minute
	DefaultMoveTime       = 5 * time.Minute
	DefaultGrace          = time.Minute
	DefaultBotDelay       = 700 * time.Millisecond
	DefaultDealPause      = 3 * time.Second
	DefaultFinishedKeep   = 5 * time.Minute
	DefaultMaxWatchers    = 500
	DefaultEventBytes     = 64 << 10
	DefaultStoreRetry     = time.Second
	// DefaultSettleLimit is as long as a decision's default move time: a
	// table that cannot move for that long is as good as abandoned, and a
	// store outage shorter than it costs nothing but the wait.
	DefaultSettleLimit = DefaultMoveTime
	// DefaultFine is the club's timeout_fine, the mountain points of
	// timeout_action "fine": 20 points, a whole Sochi pool.
	DefaultFine = 20
	// chatKeep is how many chat lines a table keeps for late comers.
	chatKeep = 50
)

// Conn is one connection of a signed-in player. The table sends it
// messages of package protocol.
type Conn interface {
	// Player returns who signed in. It must not change.
	Player() protocol.Player
	// Send queues messages for the client in order. It must not block:
	// it is called from the table's goroutine.
	Send(msgs ...*protocol.Encoded)
}

// Config configures a Table. Zero values mean the documented defaults.
type Config struct {
	// ID names the table in messages.
	ID string
	// Creator set the table; only they choose the conventions, cancel and
	// seat bots. Required.
	Creator protocol.Player
	// ConventionTime is how long the creator has to choose the
	// conventions; then the table is free again. 0 means
	// DefaultConventionTime.
	ConventionTime time.Duration
	// Grace is how long a seated player with no connection keeps the seat
	// while the table waits. 0 means DefaultGrace.
	Grace time.Duration
	// BotDelay is how long a bot thinks. 0 means DefaultBotDelay.
	BotDelay time.Duration
	// DealPause is how long a finished deal stays on the table before the
	// next is dealt. 0 means DefaultDealPause.
	DealPause time.Duration
	// FinishedKeep is how long a finished table stays before it is free
	// (reclaimed). 0 means DefaultFinishedKeep.
	FinishedKeep time.Duration
	// MaxWatchers bounds the connections of players without a seat.
	// 0 means DefaultMaxWatchers.
	MaxWatchers int
	// EventBytes bounds the recent events kept for resync, in bytes. A
	// client further behind gets the whole table. 0 means DefaultEventBytes.
	EventBytes int
	// StoreRetry is the first wait before a finished pulka the journal
	// refused is handed to it again; each retry doubles it, up to 64
	// times it. 0 means DefaultStoreRetry.
	StoreRetry time.Duration
	// SettleLimit bounds how long the table holds a move or a pulka start
	// whose write the journal could not confirm (Settler), asking it
	// every StoreRetry. Past it, or at once when the journal answers
	// ErrDiverged, the table gives the write up: a held move's pulka ends
	// abandoned and unrated (reason protocol.ReasonUnsettled), a held
	// start frees the table, and everyone at the table is told. Its
	// danger: too short, and a store outage ends pulkas it would have
	// survived. 0 means DefaultSettleLimit.
	SettleLimit time.Duration
	// Options are the club's RULES §14 options over every preset's
	// DefaultSettings (the club's timeout_action, timeout_fine and
	// time_bank, say); the creator of a table may change them. They must
	// be valid (score.ParseOptions); invalid ones are left out.
	Options map[string]json.RawMessage
	// Clock drives every timer. Nil means WallClock.
	Clock Clock
	// Seeds gives the deals' seeds, 8 bytes each. Nil means crypto/rand.
	Seeds io.Reader
	// BotSeed seeds the simple bot's random choices.
	BotSeed uint64
	// NewBot returns the program that plays seat for one pulka (a seat the
	// creator gave a bot, or an absent player's under timeout_action bot-takeover),
	// given the pulka's settings (its play options and its convention's
	// prices). Nil means the simple bot of this package.
	NewBot func(seat int, s score.Settings) Bot
	// Journal, if set, records every move before its events go out and
	// every finished pulka.
	Journal Journal
	// Metrics, if set, counts moves, pulkas, timeouts and fines.
	Metrics *metrics.Metrics
	// OnChange, if set, gets the table's summary whenever it changes (the
	// first one is Table.Initial). It is called from the table's goroutine
	// and must not block for long.
	OnChange func(protocol.Summary)
	// Logger receives the table's logs. Nil means slog.Default().
	Logger *slog.Logger
}

func (c *Config) defaults() {
	defaults.Positive(&c.ConventionTime, DefaultConventionTime)
	defaults.Positive(&c.Grace, DefaultGrace)
	defaults.Positive(&c.BotDelay, DefaultBotDelay)
	defaults.Positive(&c.DealPause, DefaultDealPause)
	defaults.Positive(&c.FinishedKeep, DefaultFinishedKeep)
	defaults.Positive(&c.StoreRetry, DefaultStoreRetry)
	defaults.Positive(&c.SettleLimit, DefaultSettleLimit)
	defaults.Positive(&c.MaxWatchers, DefaultMaxWatchers)
	defaults.Positive(&c.EventBytes, DefaultEventBytes)
	defaults.NonZero[Clock](&c.Clock, WallClock{})
	defaults.NonZero(&c.Seeds, rand.Reader)
	defaults.NonZero(&c.Logger, slog.Default())
}

// DefaultSettings returns the settings a table starts from: preset's
// settings with the club's move time, DefaultMoveTime, and timeout: the
// seed's rule, timeout_action "fine" of DefaultFine with no time bank.
// Config.Options go over them.
func DefaultSettings(preset string) (score.Settings, error) {
	s, err := score.Preset(preset)
	if err != nil {
		return s, err
	}
	s.MoveTime = int(DefaultMoveTime / time.Second)
	s.TimeoutAction, s.TimeoutFine, s.TimeBank = score.TimeoutFineAndClose, DefaultFine, 0
	return s, nil
}

// clubSettings returns DefaultSettings(preset) with the club's options
// over them.
func clubSettings(preset string, club map[string]json.RawMessage) (score.Settings, error) {
	s, err := DefaultSettings(preset)
	if err != nil || len(club) == 0 {
		return s, err
	}
	return score.ParseOptions(s, club)
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
	act     *actor.Actor[tbl]
}

// seat is one seat of the table.
type seat struct {
	p         protocol.Player // zero when empty
	bot       bool            // the creator seated a bot
	botPlays  bool            // a bot plays for the absent player (timeout_action bot-takeover)
	awayUntil time.Time       // waiting: when the absent player loses the seat
	graceGen  uint64
	bank      time.Duration // time_bank: the reserve left
}

func (s *seat) empty() bool { return s.p.ID == "" }

// tbl is the state the table's goroutine owns.
type tbl struct {
	h   *Table
	cfg Config
	log *slog.Logger
	rng *mrand.Rand
	buf []rules.Move
	// view is emit's seat view, filled again for each seat: the event it
	// is encoded in holds its address, and the encoder's parameters leak,
	// so a local view would be allocated on the heap every seat, every
	// event (7 % of the club's bytes allocated at 3,000 tables).
	view rules.SeatView

	state        protocol.State
	creator      protocol.Player
	settings     score.Settings
	opt          rules.Options
	convDeadline time.Time

	seats  []seat
	conns  map[Conn]struct{}
	online map[string]int // connections by player id
	chat   []protocol.ChatLine

	pulka
	clock

	unstored  *PulkaRecord       // the finished pulka while the journal refuses it
	unsettled *unsettledMove     // a move whose write the journal could not confirm (settle.go)
	starting  *heldStart         // a pulka start whose write the journal could not confirm (settle.go)
	pend      parts              // changed by this action, not yet in an event
	chatOut   *protocol.ChatLine // the chat line of this action's event
	v         uint64
	snaps     map[int]*protocol.Encoded // whole views by viewer at version snapsV
	snapsV    uint64
	ring      []kept
	ringBytes int
	summary   protocol.Summary
}

// New sets a table for cfg.Creator: it starts in the convention state,
// with the countdown running.
func New(cfg Config) (*Table, error) {
	cfg.defaults()
	if cfg.Creator.ID == "" {
		return nil, fmt.Errorf("table %s: no creator", cfg.ID)
	}
	set, err := clubSettings("sochi", cfg.Options)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", cfg.ID, err)
	}
	h := &Table{id: cfg.ID}
	t := &tbl{
		h: h, cfg: cfg, log: cfg.Logger.With("table", cfg.ID), rng: mrand.New(mrand.NewPCG(cfg.BotSeed, 7)),
		buf: make([]rules.Move, 0, 80), state: protocol.StateConvention, creator: cfg.Creator,
		settings: set, seats: make([]seat, set.Players),
		conns: map[Conn]struct{}{}, online: map[string]int{},
	}
	now := cfg.Clock.Now()
	t.convDeadline = now.Add(cfg.ConventionTime)
	t.v = FirstVersion(now) // see FirstVersion: never a version of the id's earlier life
	t.dec.seat = -1
	t.summary = t.makeSummary()
	h.initial = t.summary
	h.act = actor.Start(t, 256, func(t *tbl) { t.stop() })
	h.act.Ask(func(t *tbl) { t.schedule() })
	return h, nil
}

// do posts f to the table's goroutine as one action: the parts it changed
// that no event of its own carried go out at its end, as one event. So
// every action makes at most one event (a leave that empties the table is
// the one "free" event; a move by a player coming back carries the seats).
func (h *Table) do(f func(*tbl)) bool {
	return h.act.Post(func(t *tbl) {
		f(t)
		if t.pend != 0 {
			t.emit(protocol.KindSeats, 0, nil)
		}
	})
}

// stop runs on the table's goroutine as it stops.
func (t *tbl) stop() {
	t.stopTimer()
	if t.unstored != nil {
		t.log.Error("the table stops with a finished pulka the journal never took", "pulka", t.unstored.Pulka)
	}
	if t.unsettled != nil {
		t.log.Warn("the table stops holding a move the journal has not settled: the store's log says whether it was made", "deal", t.unsettled.entry.Deal, "index", t.unsettled.entry.Index)
	}
	if t.starting != nil {
		t.log.Warn("the table stops holding a pulka start the journal has not settled: the store says whether it is in progress", "key", t.starting.start.Key)
	}
}

// Initial returns the summary of the table as New made it.
func (h *Table) Initial() protocol.Summary { return h.initial }

// ID returns the table's id.
func (h *Table) ID() string { return h.id }

// Stop ends the table's goroutine and its timers and waits for it. Calling
// it twice is harmless.
func (h *Table) Stop() { h.act.Stop() }

// Done is closed once the table has stopped.
func (h *Table) Done() <-chan struct{} { return h.act.Done() }

// Summary returns the table as the lobby lists it.
func (h *Table) Summary() protocol.Summary {
	var s protocol.Summary
	h.act.Ask(func(t *tbl) { s = t.summary })
	return s
}

// Version returns the version of the table's last event.
func (h *Table) Version() uint64 {
	var v uint64
	h.act.Ask(func(t *tbl) { v = t.v })
	return v
}

// Records returns the deals of the current pulka dealt so far (the last
// may be in progress), with their seeds: for the archive and for audits,
// never for players.
func (h *Table) Records() []DealRecord {
	var out []DealRecord
	h.act.Ask(func(t *tbl) {
		for _, r := range t.records {
			out = append(out, DealRecord{Deal: r.Deal, Moves: append([]rules.Move(nil), r.Moves...)})
		}
	})
	return out
}

// Sheet returns a copy of the score sheet, and false before the pulka starts.
func (h *Table) Sheet() (score.Sheet, bool) {
	var s score.Sheet
	var ok bool
	h.act.Ask(func(t *tbl) {
		if t.sheet != nil {
			s, ok = *t.sheet, true
		}
	})
	return s, ok
}

// Offer returns what the conventions dialog offers: every preset with
// all its RULES §14 values as a table starts from them (DefaultSettings
// with the club's options, Config.Options) and the choices of the
// enumerated options. It is the one place conventions are offered.
func Offer(club map[string]json.RawMessage) protocol.Offer {
	o := protocol.Offer{Choices: score.OptionChoices()}
	for _, name := range score.ConventionNames() {
		s, err := clubSettings(name, club)
		if err != nil {
			continue // ConventionNames are the presets' names
		}
		o.Presets = append(o.Presets, protocol.Preset{Name: name, Options: s.OptionValues()})
	}
	return o
}
