package table

import (
	"errors"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// errHeld: play holds the move until the journal settles it; nobody is
// answered yet.
var errHeld = errors.New("the move is held until the store settles it")

// unsettledMove is a move the journal could not confirm (ErrUnsettled):
// the table holds it until its Settler says whether it was written.
type unsettledMove struct {
	entry MoveEntry
	who   by
	kind  protocol.Code
	extra parts
	c     Conn      // the mover's connection, answered when settled; nil for a bot's or a timeout's move
	since time.Time // when it was held: the mover's clock stands still meanwhile
}

// hold keeps u until the journal settles it.
func (t *tbl) hold(u *unsettledMove) {
	u.since = t.cfg.Clock.Now()
	t.unsettled = u
	t.log.Warn("the journal cannot tell whether a move was written; holding it", "deal", u.entry.Deal, "index", u.entry.Index, "move", u.entry.Move)
	t.settleLater()
}

// settleLater asks the journal again after Config.StoreRetry. The
// question runs on its own goroutine (a Settler is safe for concurrent
// use), so the table answers watchers, chat and other requests meanwhile.
func (t *tbl) settleLater() {
	u, h, s := t.unsettled, t.h, t.cfg.Journal.(Settler)
	t.cfg.Clock.AfterFunc(t.cfg.StoreRetry, func() {
		go func() {
			written, err := s.Settle(u.entry)
			h.do(func(t *tbl) {
				if t.unsettled == u {
					t.settle(written, err)
				}
			})
		}()
	})
}

// settle takes the journal's answer about the held move: applies or
// refuses it when it knows, asks again when it does not, and gives the
// pulka up when it cannot know (ErrDiverged) or has not known for
// Config.SettleLimit.
func (t *tbl) settle(written bool, err error) {
	u := t.unsettled
	if err != nil {
		waited := t.cfg.Clock.Now().Sub(u.since)
		if errors.Is(err, ErrDiverged) || waited >= t.cfg.SettleLimit {
			t.unsettled = nil
			t.giveUp(fmt.Sprintf("the store could not confirm deal %d move %d in %v: %v", u.entry.Deal, u.entry.Index, waited.Round(time.Second), err))
			return
		}
		t.log.Error("the journal cannot settle a move yet; asking again", "deal", u.entry.Deal, "index", u.entry.Index, "err", err)
		t.settleLater()
		return
	}
	t.unsettled = nil
	wait := t.cfg.Clock.Now().Sub(u.since)
	if t.dec.seat == int(u.entry.Move.Seat) && t.dec.deal == u.entry.Deal && t.dec.move == u.entry.Index {
		t.dec.start = t.dec.start.Add(wait)
		if !t.dec.deadline.IsZero() {
			t.dec.deadline = t.dec.deadline.Add(wait)
		}
	}
	rec := &t.records[len(t.records)-1]
	current := t.state == protocol.StatePlaying && t.number == u.entry.Pulka && t.dealNo == u.entry.Deal && len(rec.Moves) == u.entry.Index
	var next rules.State
	if current {
		next, err = rules.Apply(t.deal, u.entry.Move)
	}
	switch {
	case !current || err != nil:
		// Nothing else moves while a move is held; only a pulka that ended
		// meanwhile gets here.
		t.log.Error("a held move no longer fits the table", "deal", u.entry.Deal, "index", u.entry.Index, "written", written, "err", err)
		if u.c != nil {
			t.fail(u.c, protocol.ErrWrongState, "the table moved on while your move was being confirmed")
		}
	case written:
		t.log.Info("a held move was written: applied", "deal", u.entry.Deal, "index", u.entry.Index, "waited", wait)
		t.apply(u.entry.Move, next, u.who, u.kind, u.extra)
		return
	default:
		t.log.Warn("a held move was not written: refused", "deal", u.entry.Deal, "index", u.entry.Index, "waited", wait)
		if u.c != nil {
			t.fail(u.c, protocol.ErrJournal, fmt.Sprintf("%v: deal %d move %d: the store did not take it", errJournal, u.entry.Deal, u.entry.Index))
		}
	}
	t.schedule()
}

// refuseHeldStart answers c's request that a held pulka start refuses
// (standing up, a move) with what is true: the start is being confirmed
// with the store, or it was given up and the table waits for the journal
// to abandon it before it is freed.
func (t *tbl) refuseHeldStart(c Conn) {
	if t.starting.givenUp != "" {
		t.fail(c, protocol.ErrAbandoned, "the pulka's start was given up (the store never confirmed it): the table is freed as soon as the store has recorded that")
		return
	}
	t.fail(c, protocol.ErrStartPending, "the table is confirming the pulka's start with the store: no seat changes and no move is made until it answers")
}

// heldStart is a pulka start the journal could not confirm (Begin
// answered ErrUnsettled): the table begins it again, with the same
// PulkaStart and Key, until the journal answers.
type heldStart struct {
	start PulkaStart
	c     Conn      // whose sit filled the last seat: told if the pulka then cannot start
	since time.Time // when it was held
	// givenUp, once set, says why the start was given up: the table
	// waits for the journal to abandon it (abandonStart), then is freed.
	givenUp string
}

// holdStart keeps s until the journal settles it: the seats stay as they
// are meanwhile.
func (t *tbl) holdStart(s *heldStart) {
	s.since = t.cfg.Clock.Now()
	t.starting = s
	t.log.Warn("the journal cannot tell whether the pulka's start was written; holding it", "key", s.start.Key)
	t.settleStartLater()
}

// settleStartLater begins the held start again after Config.StoreRetry,
// on a goroutine of its own (the journal's Begin is idempotent for the
// start's Key), so the table answers watchers and chat meanwhile. The
// goroutine is started from the table's goroutine, only while the table
// runs and still holds s: a stopped table writes nothing more.
func (t *tbl) settleStartLater() {
	s, h, j := t.starting, t.h, t.cfg.Journal
	t.cfg.Clock.AfterFunc(t.cfg.StoreRetry, func() {
		h.do(func(t *tbl) {
			if t.starting != s {
				return
			}
			go func() {
				err := j.Begin(s.start)
				h.do(func(t *tbl) {
					if t.starting == s {
						t.settleStart(err)
					}
				})
			}()
		})
	})
}

// settleStart takes the journal's answer about the held start: the pulka
// starts when it is written, the start is asked again when the journal
// cannot tell, and given up (the table freed) when it cannot know
// (ErrDiverged) or has not known for Config.SettleLimit.
func (t *tbl) settleStart(err error) {
	s := t.starting
	waited := t.cfg.Clock.Now().Sub(s.since)
	switch {
	case err == nil:
		t.starting = nil
		t.log.Info("a held pulka start was written: the pulka starts", "key", s.start.Key, "waited", waited)
		sheet, err := score.NewSheet(t.settings, 0, t.names()...)
		if err == nil {
			err = t.begin(sheet)
		}
		if err != nil {
			t.log.Error("cannot start the pulka", "err", err)
			t.emit(protocol.KindSeats, pSeats, nil)
			if s.c != nil {
				t.fail(s.c, protocol.ErrJournal, "the pulka could not start: "+err.Error())
			}
			t.awayAgain()
		}
	case errors.Is(err, ErrDiverged) || waited >= t.cfg.SettleLimit:
		why := fmt.Sprintf("the store could not confirm the pulka's start in %v: %v", waited.Round(time.Second), err)
		t.log.Error("a pulka start the journal never settled is given up: the table is freed once the journal abandons it", "key", s.start.Key, "err", err)
		t.cfg.Metrics.PulkaFinished(string(protocol.ReasonUnsettled))
		for c := range t.conns {
			t.fail(c, protocol.ErrAbandoned, "the pulka's start is given up: "+why)
		}
		if errors.Is(err, ErrDiverged) { // the key is another pulka's: nothing of this start to abandon
			t.starting = nil
			t.toFree("the pulka's start was never confirmed")
			return
		}
		s.givenUp = why
		t.abandonStart(1)
	default:
		t.log.Error("the journal cannot settle the pulka's start yet; asking again", "key", s.start.Key, "err", err)
		t.settleStartLater()
	}
}

// awayAgain gives every seated player with no connection a new grace
// period (wentAway): the grace of one who went while the start was held
// freed no seat then, and a table waiting again must not keep their seat
// forever.
func (t *tbl) awayAgain() {
	for i, s := range t.seats {
		if !s.empty() && !s.bot && t.online[s.p.ID] == 0 {
			t.wentAway(i)
		}
	}
}

// abandonStart hands the journal the held start t gave up (attempt n,
// from 1), for it to abandon what the store has under its key, and frees
// the table once it has; until then the seats stay as they are, and the
// journal is asked again with backoff (Config.StoreRetry, doubling up to
// 64 times it) while the table runs.
func (t *tbl) abandonStart(n int) {
	s := t.starting
	start := s.start
	err := t.cfg.Journal.Pulka(PulkaRecord{Table: start.Table, Pulka: start.Pulka, Players: start.Players,
		Abandoned: s.givenUp, Start: &start})
	if err == nil {
		t.starting = nil
		t.toFree("the pulka's start was never confirmed")
		return
	}
	t.cfg.Metrics.StoreFailed(n == 1)
	wait := t.cfg.StoreRetry << min(n-1, 6)
	t.log.Error("the journal refused to abandon a pulka start given up; retrying", "key", start.Key, "attempt", n, "retry_in", wait, "err", err)
	h := t.h
	t.cfg.Clock.AfterFunc(wait, func() {
		h.do(func(t *tbl) {
			if t.starting == s {
				t.abandonStart(n + 1)
			}
		})
	})
}

// giveUp ends the pulka of a held move the journal never settled: it is
// finished unrated with reason protocol.ReasonUnsettled and handed to the
// journal as abandoned (PulkaRecord.Abandoned), which is retried as any
// finished pulka is (storeFinished). Everyone at the table is told why
// (code protocol.ErrAbandoned).
func (t *tbl) giveUp(why string) {
	t.log.Error("a move the journal never settled: the pulka is abandoned", "reason", why)
	t.state = protocol.StateFinished
	t.cfg.Metrics.PulkaFinished(string(protocol.ReasonUnsettled))
	t.result = &protocol.Settlement{Reason: protocol.ReasonUnsettled}
	for c := range t.conns {
		t.fail(c, protocol.ErrAbandoned, "the pulka is abandoned, unrated: "+why)
	}
	if t.cfg.Journal != nil {
		rec := t.record(nil)
		rec.Abandoned = why
		t.unstored = &rec
		t.storeFinished(1)
	}
	t.schedule()
	t.emit(protocol.KindFinish, pState|pResult|pSheet|pClock, nil)
}
