package table

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// pulka is the game state of the table: the sheet, the deal being played
// and everything the record needs.
type pulka struct {
	number   int // pulkas started at this table
	sheet    *score.Sheet
	deal     rules.State
	dealNo   int
	records  []DealRecord
	scored   []score.Deal // the finished deals as written on the sheet
	lastDeal string
	entries  []protocol.DealEntry // every finished deal, for the page's sheet history
	result   *protocol.Settlement
	fines    map[string]int // mountain points by player id
	bots     []Bot
	// unwritten is a deal the journal refused: it is dealt again as it
	// was (its write may have landed: the store takes the same deal
	// twice, never another under its number).
	unwritten *rules.Deal
}

// by says who made a move.
type by string

const (
	byPlayer  by = "player"
	byBot     by = "bot"
	byTimeout by = "timeout"
)

// errJournal marks a move the journal refused.
var errJournal = errors.New("the move could not be recorded")

// ids returns the seats' player ids: the keys of the sheet the players see
// (two players may show the same name; the page names them by seat).
func (t *tbl) ids() []string {
	out := make([]string, len(t.seats))
	for i, s := range t.seats {
		out[i] = s.p.ID
	}
	return out
}

// names returns the seats' display names: for the pulka record
// (PULKA-FORMAT.md names players) and the lines that describe a deal.
func (t *tbl) names() []string {
	out := make([]string, len(t.seats))
	for i, s := range t.seats {
		out[i] = s.p.Name
	}
	return out
}

// startPulka starts the pulka once every seat is taken; c, if not nil, is
// the connection whose sit filled the last seat. A start whose write the
// journal cannot confirm is held (settle.go): startPulka returns errHeld
// and the pulka starts once the journal settles it.
func (t *tbl) startPulka(c Conn) error {
	sheet, err := score.NewSheet(t.settings, 0, t.names()...)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if t.cfg.Journal != nil {
		players := make([]protocol.Player, len(t.seats))
		for i, s := range t.seats {
			players[i] = s.p
		}
		ps := PulkaStart{Table: t.cfg.ID, Pulka: t.number + 1, Players: players,
			Settings: t.settings, Started: t.cfg.Clock.Now(), Key: rand.Text()}
		if err := t.cfg.Journal.Begin(ps); err != nil {
			if _, ok := t.cfg.Journal.(Settler); ok && errors.Is(err, ErrUnsettled) {
				t.holdStart(&heldStart{start: ps, c: c})
				return errHeld
			}
			return fmt.Errorf("%w: %v", errJournal, err)
		}
	}
	return t.begin(sheet)
}

// begin starts the pulka the journal has begun, on sheet.
func (t *tbl) begin(sheet *score.Sheet) error {
	t.pulka = pulka{number: t.number + 1, sheet: sheet, fines: map[string]int{}, bots: make([]Bot, len(t.seats))}
	bank := t.bankTotal()
	for i := range t.seats {
		t.seats[i].awayUntil, t.seats[i].bank = time.Time{}, bank
		t.seats[i].graceGen++ // absence is the clock's business now
	}
	if err := t.newDeal(); err != nil {
		return err
	}
	t.state = protocol.StatePlaying
	t.cfg.Metrics.PulkaStarted()
	t.log.Info("pulka starts", "seats", t.names(), "preset", t.settings.Convention.String())
	t.schedule()
	t.emit(protocol.KindStart, pState|pSeats|pDeal|pClock|pSheet, nil)
	return nil
}

// newDeal deals the next deal with a fresh seed.
func (t *tbl) newDeal() error {
	d := rules.Deal{Dealer: t.sheet.Dealer(), Series: t.sheet.Series(), Options: t.opt}
	if u := t.unwritten; u != nil && u.Dealer == d.Dealer && u.Series == d.Series {
		d.Seed = u.Seed
	} else {
		var b [8]byte
		if _, err := io.ReadFull(t.cfg.Seeds, b[:]); err != nil {
			return fmt.Errorf("deal %d: seed: %w", t.dealNo+1, err)
		}
		d.Seed = binary.LittleEndian.Uint64(b[:])
	}
	s, err := rules.New(d)
	if err != nil {
		return fmt.Errorf("deal %d: %w", t.dealNo+1, err)
	}
	if t.cfg.Journal != nil {
		ds := DealStart{Table: t.cfg.ID, Pulka: t.number, Deal: t.dealNo + 1, Seed: d.Seed, Dealer: d.Dealer, Series: d.Series}
		if err := t.cfg.Journal.Deal(ds); err != nil {
			t.unwritten = &d
			return fmt.Errorf("deal %d: %w: %v", t.dealNo+1, errJournal, err)
		}
	}
	t.unwritten = nil
	t.deal = s
	t.dealNo++
	t.records = append(t.records, DealRecord{Deal: d})
	return nil
}

// play is the one path that applies a move, whoever made it: the rules
// check it (an illegal move changes nothing), the journal records it, then
// the table takes it, and one event goes out with everything it changed.
// kind and extra describe the action (a timeout adds the seats).
//
// A move whose write the journal cannot confirm is held (settle.go): play
// returns errHeld, and the move is applied or refused once the journal
// settles it; while it is held every other move is refused.
func (t *tbl) play(m rules.Move, who by, kind protocol.Code, extra parts) error {
	if t.unsettled != nil {
		return fmt.Errorf("%w: the table is confirming the last move with the store", errJournal)
	}
	next, err := rules.Apply(t.deal, m)
	if err != nil {
		return err
	}
	rec := &t.records[len(t.records)-1]
	if t.cfg.Journal != nil {
		e := MoveEntry{Table: t.cfg.ID, Pulka: t.number, Deal: t.dealNo, Seed: rec.Deal.Seed, Index: len(rec.Moves), Move: m, By: string(who)}
		if err := t.cfg.Journal.Move(e); err != nil {
			if _, ok := t.cfg.Journal.(Settler); ok && errors.Is(err, ErrUnsettled) {
				t.hold(&unsettledMove{entry: e, who: who, kind: kind, extra: extra})
				return errHeld
			}
			t.log.Error("journal refused a move", "move", m, "err", err)
			return fmt.Errorf("%w: %v", errJournal, err)
		}
	}
	t.apply(m, next, who, kind, extra)
	return nil
}

// apply takes move m, which turned the deal into next and is written.
func (t *tbl) apply(m rules.Move, next rules.State, who by, kind protocol.Code, extra parts) {
	rec := &t.records[len(t.records)-1]
	t.chargeBank(int(m.Seat))
	t.deal = next
	rec.Moves = append(rec.Moves, m)
	t.cfg.Metrics.Move(string(who))
	p := extra | pMove | pDeal | pClock
	if t.deal.Done() {
		p |= t.finishDeal()
	}
	t.schedule()
	t.emit(kind, p, &m)
}

// nextDeal deals after the pause.
func (t *tbl) nextDeal() {
	if err := t.newDeal(); errors.Is(err, errJournal) {
		t.log.Error("the journal refused a deal; retrying", "err", err)
		t.later(t.cfg.DealPause, func(t *tbl) { t.nextDeal() })
		return
	} else if err != nil {
		t.log.Error("cannot deal", "err", err)
		t.closePulka(protocol.ErrInternal)
		t.schedule()
		t.emit(protocol.KindFinish, pState|pResult|pSheet|pClock, nil)
		return
	}
	t.schedule()
	t.emit(protocol.KindDeal, pDeal|pClock, nil)
}

// finishDeal writes the finished deal on the sheet and ends the pulka when
// it is over. It returns the parts it changed.
func (t *tbl) finishDeal() parts {
	res, _ := t.deal.Result()
	t.lastDeal = describe(t.dealNo, res, t.names())
	d := score.DealOf(res)
	if err := t.sheet.Apply(d); err != nil {
		// The engine and the sheet disagree: never go on silently.
		t.log.Error("the sheet refused a deal", "deal", t.dealNo, "err", err)
		t.closePulka(protocol.ErrInternal)
		return pSheet | pState | pResult
	}
	t.scored = append(t.scored, d)
	t.noteDeal(res)
	t.log.Info("deal over", "deal", t.dealNo, "seed", t.records[len(t.records)-1].Deal.Seed, "result", t.lastDeal)
	if t.sheet.Over() {
		t.closePulka("pool")
		return pSheet | pState | pResult
	}
	return pSheet
}

// fine writes the fine on seat i's mountain and closes the pulka.
func (t *tbl) fine(i int) {
	p := t.seats[i].p
	t.fines[p.ID] += t.settings.TimeoutFine
	t.sheet.Mountain[i] += score.Pts(t.settings.TimeoutFine)
	t.cfg.Metrics.Fine()
	t.log.Info("player fined", "seat", i, "player", p.ID, "points", t.settings.TimeoutFine)
	t.closePulka(protocol.ReasonFine)
}

// closePulka settles the sheet as it stands and finishes the table.
func (t *tbl) closePulka(reason protocol.Code) {
	t.state = protocol.StateFinished
	t.cfg.Metrics.PulkaFinished(string(reason))
	r := &protocol.Settlement{Reason: reason}
	if len(t.fines) > 0 {
		r.Fines = t.fines
	}
	var settled *score.Result
	set, err := t.sheet.Settle()
	if err != nil {
		t.log.Error("cannot settle", "err", err)
		r.Reason = protocol.ErrInternal
	} else {
		settled = &set
		for i := range t.seats {
			r.Rounded = append(r.Rounded, set.Rounded[i])
			r.Exact = append(r.Exact, set.Exact[i].RatString())
		}
	}
	t.result = r
	t.log.Info("pulka over", "deals", t.dealNo, "reason", reason)
	if t.cfg.Journal != nil {
		rec := t.record(settled)
		t.unstored = &rec
		t.storeFinished(1)
	}
}

// storeFinished hands the finished pulka to the journal (attempt n, from
// 1). A refusal is never lost silently: it is counted, the table's
// connections are told (code "not_stored"), and it is retried with
// backoff (Config.StoreRetry, doubling up to 64 times it) while the
// process lives; until it is stored the finished table is not freed, and
// the lobby does not reclaim it (Summary.Unstored).
func (t *tbl) storeFinished(n int) {
	if t.unstored == nil {
		return
	}
	err := t.cfg.Journal.Pulka(*t.unstored)
	if err == nil {
		t.unstored = nil
		if n > 1 {
			t.cfg.Metrics.StoredLate()
			t.log.Info("the finished pulka is stored", "attempts", n)
		}
		t.schedule() // the finished table may now be freed in time
		t.changed()
		return
	}
	t.cfg.Metrics.StoreFailed(n == 1)
	wait := t.cfg.StoreRetry << min(n-1, 6)
	t.log.Error("the journal refused the finished pulka; retrying", "attempt", n, "retry_in", wait, "err", err)
	if n == 1 {
		for c := range t.conns {
			t.tellUnstored(c)
		}
		t.changed()
	}
	h := t.h
	t.cfg.Clock.AfterFunc(wait, func() { h.do(func(t *tbl) { t.storeFinished(n + 1) }) })
}

// tellUnstored tells c that the finished pulka is not stored yet.
func (t *tbl) tellUnstored(c Conn) {
	t.fail(c, protocol.ErrNotStored, "the finished pulka could not be stored yet: it is retried, and the table is kept until it is")
}

// record returns the finished pulka for the journal, with the settlement
// the table computed (nil if it could not).
func (t *tbl) record(settled *score.Result) PulkaRecord {
	names := t.names()
	rec := score.Record{
		Convention: t.settings.Convention.String(), Options: t.settings.Overrides(), Players: names,
		FirstDealer: names[t.sheet.FirstDealer()],
	}
	for _, d := range t.scored {
		rec.Deals = append(rec.Deals, score.RecordDealOf(d, names))
	}
	out := PulkaRecord{Table: t.cfg.ID, Pulka: t.number, Record: rec, Result: settled}
	for i, s := range t.seats {
		out.Players = append(out.Players, s.p)
		if f := t.fines[s.p.ID]; f > 0 {
			if out.Record.Fines == nil {
				out.Record.Fines = map[string]int{}
			}
			out.Record.Fines[names[i]] = f
		}
	}
	for _, r := range t.records {
		out.Deals = append(out.Deals, DealRecord{Deal: r.Deal, Moves: append([]rules.Move(nil), r.Moves...)})
	}
	return out
}

// botFor returns seat i's bot for this pulka.
func (t *tbl) botFor(i int) Bot {
	if t.bots[i] == nil {
		if t.cfg.NewBot != nil {
			t.bots[i] = t.cfg.NewBot(i, t.settings)
		}
		if t.bots[i] == nil {
			t.bots[i] = &simpleBot{rng: t.rng}
		}
	}
	return t.bots[i]
}

// botMove plays seat i's decision by its bot; a move the rules refuse is
// replaced by the rules' timeout move.
func (t *tbl) botMove(i int, who by, kind protocol.Code, extra parts) {
	if t.state != protocol.StatePlaying || t.deal.Done() || t.deal.Actor() != i || t.unsettled != nil {
		return
	}
	if who == byBot && !t.seats[i].bot && !t.seats[i].botPlays {
		return // the player came back before the bot's turn
	}
	legal := rules.LegalMoves(&t.deal, t.buf[:0])
	m := t.botFor(i).Move(rules.View(t.deal, i), legal)
	if _, err := rules.Apply(t.deal, m); err != nil {
		t.log.Warn("bot move refused, playing the timeout move", "seat", i, "move", m, "err", err)
		var ok bool
		if m, ok = rules.TimeoutMove(&t.deal); !ok {
			t.log.Error("bot move refused and no timeout move", "seat", i, "move", m, "err", err)
			return
		}
	}
	if err := t.play(m, who, kind, extra); errors.Is(err, errHeld) {
		return // settled later (settle.go)
	} else if err != nil {
		t.log.Error("bot move not applied; retrying", "seat", i, "move", m, "err", err)
		t.later(t.cfg.BotDelay, func(t *tbl) { t.botMove(i, who, kind, extra) })
	}
}

// describe writes one line on a finished deal.
// noteDeal adds the deal just written on the sheet to the entries.
func (t *tbl) noteDeal(r rules.Result) {
	e := protocol.DealEntry{No: t.dealNo, Kind: r.Kind, Ending: r.Ending, Declarer: r.Declarer, Contract: r.Contract,
		Calls: r.Calls[:r.Players:r.Players], Tricks: r.Tricks[:r.Players:r.Players], Sheet: t.sheet.View(t.ids())}
	if set, err := t.sheet.Settle(); err == nil {
		e.Settle = set.Rounded[:r.Players:r.Players]
	}
	t.entries = append(t.entries, e)
}

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
