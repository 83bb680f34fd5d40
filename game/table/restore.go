package table

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/trelljaz/trelljaz/game/actor"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// RestoreGrace is the time a restored decision gets when its deadline had
// already passed while the server was down: its player must have a chance
// to reconnect before timeout_action applies.
const RestoreGrace = 30 * time.Second

// FirstVersion is the version a table starts from, set or restored at
// time now: now in Unix microseconds. A table makes one event per action,
// far fewer than one per microsecond, so the versions of one table id's
// successive lives (a table restored after a crash, an id given again
// after a restart) never overlap: a client coming back with a version of
// an earlier life is behind the new life's first version and gets the
// whole table. The numbers stay below 2^53, exact in JavaScript. This
// relies on the wall clock not going back across a restart.
func FirstVersion(now time.Time) uint64 { return uint64(max(now.UnixMicro(), 1)) }

// Resume is a pulka in progress as the store kept it: enough to rebuild
// its table after a restart (Restore).
type Resume struct {
	// Table is the table's id.
	Table string
	// Pulka is the pulka's number at the table (the Journal's key). 0
	// means 1.
	Pulka int
	// Players are the seated players by seat: a decimal account id for
	// people, "bot:NAME" for the bots the creator seated. Seat 0 is the
	// creator (the creator sits there when choosing the conventions).
	Players []protocol.Player
	// Settings are every setting played; Settings.Players seats.
	Settings score.Settings
	// FirstDealer is the seat that dealt the first deal.
	FirstDealer int
	// Started is when the pulka started.
	Started time.Time
	// Deals are the deals dealt so far, in order: all but the last are
	// finished; the last is being played (or finished, the next not dealt
	// yet). Empty when the server stopped before the first deal.
	Deals []ResumeDeal
}

// ResumeDeal is one deal of a Resume.
type ResumeDeal struct {
	Seed    uint64
	Dealer  int
	Series  int
	Started time.Time // when the deal was dealt
	Moves   []TimedMove
}

// TimedMove is a move and when it was accepted.
type TimedMove struct {
	Move rules.Move
	At   time.Time
}

// Restore rebuilds the table of a pulka in progress after a restart: the
// sheet from the finished deals (score.DealOf of each replayed result), the
// current deal replayed (rules.Replay), state playing, every seated player
// absent until a connection of theirs attaches (Watch), and the decision
// clock restarted with the time that was left. cfg.ID is r.Table when
// empty; cfg.Creator is seat 0's player when empty. Initial returns the
// table as restored. cfg.Journal must
// already know the pulka (journal.Journal.Adopt) so that the moves to come
// go on writing it.
//
// # The clock
//
// The decision on the clock began at the last move's time (or the deal's
// start); its deadline is that time plus the move time (plus the seat's
// bank when there is a time_bank, recomputed from the moves' times). A
// deadline that passed while the server was down is moved to RestoreGrace
// from now: a player is never timed out for the server's absence before
// they could come back. A finished deal whose successor was not dealt is
// followed by the next deal after Config.DealPause; a pulka whose sheet is
// over is closed (and journaled) at once.
//
// # Versions
//
// A restored table's versions start at FirstVersion of the restore's
// time, like a new table's: a version a client had before the crash is
// never equal to a restored version nor inside the restored table's kept
// events, so that client gets the whole table (resync), never a delta made
// for another history.
func Restore(cfg Config, r Resume) (*Table, error) {
	cfg.defaults()
	if cfg.ID == "" {
		cfg.ID = r.Table
	}
	if r.Table != "" && r.Table != cfg.ID {
		return nil, fmt.Errorf("restore table %s: the pulka was played at table %s", cfg.ID, r.Table)
	}
	fail := func(format string, a ...any) (*Table, error) {
		return nil, fmt.Errorf("restore table %s: %s", cfg.ID, fmt.Sprintf(format, a...))
	}
	set := r.Settings
	if err := set.Validate(); err != nil {
		return fail("settings: %v", err)
	}
	if len(r.Players) != set.Players {
		return fail("%d players for %d seats", len(r.Players), set.Players)
	}
	seats := make([]seat, len(r.Players))
	names := make([]string, len(r.Players))
	seen := map[string]bool{}
	for i, p := range r.Players {
		if p.ID == "" || p.Name == "" || seen[p.ID] {
			return fail("seat %d: player %q (%q) is missing or listed twice", i, p.ID, p.Name)
		}
		seen[p.ID] = true
		seats[i] = seat{p: p, bot: strings.HasPrefix(p.ID, "bot:")}
		names[i] = p.Name
	}
	if cfg.Creator.ID == "" {
		cfg.Creator = r.Players[0]
	}
	sheet, err := score.NewSheet(set, r.FirstDealer, names...)
	if err != nil {
		return fail("sheet: %v", err)
	}
	number := r.Pulka
	if number <= 0 {
		number = 1
	}
	t := &tbl{
		cfg: cfg, log: cfg.Logger.With("table", cfg.ID), rng: mrand.New(mrand.NewPCG(cfg.BotSeed, 7)),
		buf: make([]rules.Move, 0, 80), state: protocol.StatePlaying, creator: cfg.Creator,
		settings: set, opt: set.Options, seats: seats,
		conns: map[Conn]struct{}{}, online: map[string]int{},
		pulka: pulka{number: number, sheet: sheet, fines: map[string]int{}, bots: make([]Bot, len(seats))},
	}
	t.dec.seat = -1
	bank := t.bankTotal()
	for i := range t.seats {
		t.seats[i].bank = bank
	}
	if err := t.replay(r.Deals); err != nil {
		return fail("%v", err)
	}
	now := cfg.Clock.Now()
	t.v = FirstVersion(now)
	h := &Table{id: cfg.ID}
	t.h = h
	t.summary = t.makeSummary()
	h.act = actor.Start(t, 256, func(t *tbl) { t.stopTimer() })
	var v uint64
	h.act.Ask(func(t *tbl) {
		t.resume(r, now)
		h.initial = t.summary // what OnChange was told last
		v = t.v
	})
	t.log.Info("table restored", "pulka", number, "deals", len(r.Deals), "v", v) // t is the actor's now: read in Ask only
	return h, nil
}

// replay rebuilds the sheet and the deal being played from the deals
// dealt so far, checking that each was dealt as the sheet says.
func (t *tbl) replay(deals []ResumeDeal) error {
	for k, d := range deals {
		if d.Dealer != t.sheet.Dealer() || d.Series != t.sheet.Series() {
			return fmt.Errorf("deal %d: dealt by seat %d in series %d, the sheet says seat %d, series %d",
				k+1, d.Dealer, d.Series, t.sheet.Dealer(), t.sheet.Series())
		}
		rd := rules.Deal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Options: t.opt}
		moves := make([]rules.Move, len(d.Moves))
		for i, m := range d.Moves {
			moves[i] = m.Move
		}
		s, err := rules.Replay(rd, moves)
		if err != nil {
			return fmt.Errorf("deal %d: %w", k+1, err)
		}
		t.chargeReplayed(d)
		t.deal, t.dealNo = s, k+1
		t.records = append(t.records, DealRecord{Deal: rd, Moves: moves})
		if !s.Done() {
			if k != len(deals)-1 {
				return fmt.Errorf("deal %d is unfinished but deal %d follows", k+1, k+2)
			}
			break
		}
		res, _ := s.Result()
		t.lastDeal = describe(t.dealNo, res, t.names())
		sd := score.DealOf(res)
		if err := t.sheet.Apply(sd); err != nil {
			return fmt.Errorf("deal %d: the sheet refuses it: %w", k+1, err)
		}
		t.scored = append(t.scored, sd)
		t.noteDeal(res)
		if t.sheet.Over() && k != len(deals)-1 {
			return fmt.Errorf("the pool is over after deal %d but deal %d follows", k+1, k+2)
		}
	}
	return nil
}

// chargeReplayed takes off the banks the time the people used past the
// move time in a replayed deal (a time_bank), from the moves' times.
func (t *tbl) chargeReplayed(d ResumeDeal) {
	if t.settings.TimeBank <= 0 {
		return
	}
	start := d.Started
	for _, m := range d.Moves {
		i := int(m.Move.Seat)
		if i >= 0 && i < len(t.seats) && !t.seats[i].bot && !start.IsZero() {
			if over := m.At.Sub(start) - t.moveTime(); over > 0 {
				t.seats[i].bank = max(0, t.seats[i].bank-over)
			}
		}
		start = m.At
	}
}

// resume starts the restored table's life in its goroutine: the decision
// on the clock with the time it had left, the next deal, or the end.
func (t *tbl) resume(r Resume, now time.Time) {
	switch {
	case len(r.Deals) == 0:
		t.nextDeal() // the server stopped before the first deal
		return
	case t.sheet.Over():
		t.closePulka("pool")
		t.schedule()
		t.emit(protocol.KindFinish, pState|pResult|pSheet|pClock, nil)
		return
	case t.deal.Done():
		t.schedule()
		return
	}
	last := r.Deals[len(r.Deals)-1]
	start := last.Started
	if n := len(last.Moves); n > 0 {
		start = last.Moves[n-1].At
	}
	if start.IsZero() || start.After(now) {
		start = now
	}
	i := t.deal.Actor()
	t.dec = decision{seat: i, deal: t.dealNo, move: len(last.Moves), start: start}
	if !t.seats[i].bot {
		t.dec.deadline = start.Add(t.moveTime() + t.seats[i].bank)
		if !t.dec.deadline.After(now) {
			t.dec.deadline = now.Add(RestoreGrace)
		}
	}
	t.schedule()
}
