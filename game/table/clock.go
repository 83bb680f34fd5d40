package table

import (
	"errors"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Clock is the table's only source of time: the wall clock in the server,
// a fake one in tests so that timers fire without sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d, unless stopped.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call; it reports whether the call was still pending.
	Stop() bool
}

// WallClock is the Clock of package time.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (WallClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// clock is the table's one timer and the decision on the clock.
type clock struct {
	timer Timer
	gen   uint64 // bumped whenever the timer is replaced; stale firings compare it
	dec   decision
	pause dealPause
}

// dealPause is the pause after a finished deal: its end is set once, when
// the deal ends, so that a reschedule (a player coming back) does not start
// it over.
type dealPause struct {
	pulka, deal int // the finished deal
	end         time.Time
}

// decision is the decision on the clock: who, since when, until when. Its
// deadline is set once, when the decision begins, and nothing but a move
// ends it: watching, chat and reconnects never touch it.
type decision struct {
	seat     int // -1 when none
	deal     int
	move     int // the index of the move being decided in the deal
	start    time.Time
	deadline time.Time // zero for bots
}

func (t *tbl) stopTimer() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.gen++
}

// later replaces the table's timer with f after d.
func (t *tbl) later(d time.Duration, f func(*tbl)) {
	t.stopTimer()
	gen := t.gen
	h := t.h
	t.timer = t.cfg.Clock.AfterFunc(d, func() {
		h.do(func(t *tbl) {
			if t.gen == gen {
				t.timer = nil
				f(t)
			}
		})
	})
}

// moveTime is the time a player has for one decision.
func (t *tbl) moveTime() time.Duration { return time.Duration(t.settings.MoveTime) * time.Second }

// bankTotal is each player's time bank for a pulka.
func (t *tbl) bankTotal() time.Duration {
	return time.Duration(t.settings.TimeBank) * time.Second
}

// schedule sets the table's timer for what comes next in its state: the end
// of the convention countdown, the next deal, a bot's move, the deadline of
// the human to move, the reclaiming of a finished table.
func (t *tbl) schedule() {
	now := t.cfg.Clock.Now()
	switch t.state {
	case protocol.StateConvention:
		t.later(t.convDeadline.Sub(now), func(t *tbl) { t.toFree("the conventions were not chosen in time") })
		return
	case protocol.StateFinished:
		t.dec = decision{seat: -1}
		if t.unstored != nil {
			t.stopTimer() // kept until the pulka is stored (storeFinished)
			return
		}
		t.later(t.cfg.FinishedKeep, func(t *tbl) { t.toFree("finished") })
		return
	case protocol.StatePlaying:
	default:
		t.dec = decision{seat: -1}
		t.stopTimer()
		return
	}
	if t.deal.Done() {
		t.dec = decision{seat: -1}
		if t.pause.pulka != t.number || t.pause.deal != t.dealNo {
			t.pause = dealPause{pulka: t.number, deal: t.dealNo, end: now.Add(t.cfg.DealPause)}
		}
		t.later(t.pause.end.Sub(now), func(t *tbl) { t.nextDeal() })
		return
	}
	i := t.deal.Actor()
	rec := t.records[len(t.records)-1]
	if t.dec.seat != i || t.dec.deal != t.dealNo || t.dec.move != len(rec.Moves) {
		t.dec = decision{seat: i, deal: t.dealNo, move: len(rec.Moves), start: now}
		if !t.seats[i].bot {
			t.dec.deadline = now.Add(t.moveTime() + t.seats[i].bank)
		}
	}
	if t.seats[i].bot || t.seats[i].botPlays {
		t.later(t.cfg.BotDelay, func(t *tbl) { t.botMove(i, byBot, protocol.KindMove, 0) })
		return
	}
	t.later(t.dec.deadline.Sub(now), func(t *tbl) { t.expired(i) })
}

// chargeBank takes the time seat i used past the move time off its bank.
func (t *tbl) chargeBank(i int) {
	if t.settings.TimeBank <= 0 || t.dec.seat != i || t.seats[i].bot {
		return
	}
	over := t.cfg.Clock.Now().Sub(t.dec.start) - t.moveTime()
	if over > 0 {
		t.seats[i].bank = max(0, t.seats[i].bank-over)
	}
}

// expired applies timeout_action to seat i's decision: its move time and
// its time bank are spent.
func (t *tbl) expired(i int) {
	if t.state != protocol.StatePlaying || t.deal.Done() || t.deal.Actor() != i || t.unsettled != nil {
		return
	}
	t.cfg.Metrics.Timeout(t.settings.TimeoutAction.String())
	t.log.Info("decision timed out", "seat", i, "timeout_action", t.settings.TimeoutAction)
	t.seats[i].bank = 0
	switch t.settings.TimeoutAction {
	case score.TimeoutFineAndClose:
		t.fine(i)
		t.schedule()
		t.emit(protocol.KindTimeout, pState|pSheet|pResult|pClock, nil)
	case score.TimeoutBotTakeover:
		t.seats[i].botPlays = true
		t.botMove(i, byTimeout, protocol.KindTimeout, pSeats)
	default: // score.TimeoutAutoPass
		m, ok := rules.TimeoutMove(&t.deal)
		if !ok {
			return
		}
		if err := t.play(m, byTimeout, protocol.KindTimeout, 0); errors.Is(err, errHeld) {
			return // settled later (settle.go)
		} else if err != nil {
			t.log.Error("timeout move not applied; retrying", "seat", i, "move", m, "err", err)
			t.later(t.cfg.BotDelay, func(t *tbl) { t.expired(i) })
		}
	}
}

// wentAway runs when seated player i has no connection left: while the
// table waits, the seat is freed after the grace period.
func (t *tbl) wentAway(i int) {
	if t.state == protocol.StateWaiting {
		s := &t.seats[i]
		s.awayUntil = t.cfg.Clock.Now().Add(t.cfg.Grace)
		s.graceGen++
		gen, id, h := s.graceGen, s.p.ID, t.h
		t.cfg.Clock.AfterFunc(t.cfg.Grace, func() {
			h.do(func(t *tbl) {
				if i < len(t.seats) && t.state == protocol.StateWaiting && t.starting == nil && t.seats[i].p.ID == id && t.seats[i].graceGen == gen && t.online[id] == 0 {
					t.log.Info("absent player loses the seat", "seat", i, "player", id)
					t.free(i)
					t.waitingCheck()
				}
			})
		})
	}
	t.emit(protocol.KindSeats, pSeats, nil)
	t.changed()
}

// cameBack runs when seated player i opens a connection again.
func (t *tbl) cameBack(i int) {
	s := &t.seats[i]
	s.awayUntil = time.Time{}
	s.graceGen++
	s.botPlays = false
	t.schedule() // a bot's pending move for this seat is the player's again
	t.emit(protocol.KindSeats, pSeats|pDeal|pClock, nil)
}
