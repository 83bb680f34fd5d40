package table

import (
	"errors"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
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
// refuses it when it knows, asks again when it does not.
func (t *tbl) settle(written bool, err error) {
	u := t.unsettled
	if err != nil {
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
