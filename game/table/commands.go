package table

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

// Watch attaches c to the table. v is the version c has (0 for none): c
// gets the events after v, or the whole table when v is too old. A
// seated player's connection is always let in; others up to
// Config.MaxWatchers.
func (h *Table) Watch(c Conn, v uint64) {
	h.do(func(t *tbl) {
		if t.state == protocol.StateFree {
			t.fail(c, protocol.ErrNoTable, "the table is free")
			return
		}
		t.attach(c, v)
	})
}

// Detach removes a closed connection. The player keeps their seat; while
// the table waits, a seated player with no connection left loses it after
// Config.Grace.
func (h *Table) Detach(c Conn) {
	h.do(func(t *tbl) { t.detach(c) })
}

// Leave detaches c at its player's request; at a waiting table the player
// also stands up. While the table holds its pulka's start (settle.go) no
// seat can be given up: the player goes, keeps the seat, and is told so
// (code start_pending) — the pulka may start with them. A start already
// given up needs no word: the table is freed, seats and all, once the
// store has recorded it.
func (h *Table) Leave(c Conn) {
	h.do(func(t *tbl) {
		if i := t.seatOf(c.Player().ID); i >= 0 && t.state == protocol.StateWaiting {
			switch {
			case t.starting == nil:
				t.free(i) // goes out with what follows: seats, or the table freed
			case t.starting.givenUp == "":
				t.fail(c, protocol.ErrStartPending, fmt.Sprintf("you keep seat %d: the table is confirming the pulka's start with the store, and no seat can be given up until it answers; if the pulka starts you play it (open the table again), and if the start is given up the table is freed", i))
			}
		}
		t.detach(c)
		c.Send(protocol.Encode(protocol.Left{Table: t.cfg.ID}))
		t.waitingCheck()
	})
}

// SetConventions confirms the conventions of a table in the convention
// state: preset (a convention identifier), RULES §14 options over it
// (players, pool_target, move_time, timeout_action, timeout_fine and
// time_bank included) over the club's (Config.Options). Only the creator
// may; the creator then sits at seat 0 and the table waits for players.
func (h *Table) SetConventions(c Conn, preset string, options map[string]json.RawMessage) {
	h.do(func(t *tbl) {
		p := c.Player()
		switch {
		case t.state != protocol.StateConvention:
			t.fail(c, protocol.ErrWrongState, "the conventions are chosen already")
			return
		case p.ID != t.creator.ID:
			t.fail(c, protocol.ErrNotCreator, "only "+t.creator.Name+" chooses the conventions")
			return
		}
		base, opt, err := settingsFor(preset, t.cfg.Options, options)
		if err != nil {
			t.fail(c, protocol.ErrBadSettings, err.Error())
			return
		}
		t.settings, t.opt = base, opt
		t.seats = make([]seat, base.Players)
		t.seats[0].p = p
		t.state = protocol.StateWaiting
		t.convDeadline = time.Time{}
		if _, ok := t.conns[c]; !ok {
			t.conns[c] = struct{}{}
			t.online[p.ID]++
		}
		t.schedule()
		t.emit(protocol.KindConvention, pState|pConventions|pSeats|pDeadline, nil)
	})
}

// Cancel gives up a table in the convention state: it is free again.
func (h *Table) Cancel(c Conn) {
	h.do(func(t *tbl) {
		switch {
		case t.state != protocol.StateConvention:
			t.fail(c, protocol.ErrWrongState, "only a table being set can be cancelled")
		case c.Player().ID != t.creator.ID:
			t.fail(c, protocol.ErrNotCreator, "only "+t.creator.Name+" may cancel")
		default:
			t.toFree("cancelled")
		}
	})
}

// Sit seats c's player at seat i of a waiting table. A player sits at most
// once at a table, whatever the number of connections. Filling the last
// seat starts the pulka at once.
func (h *Table) Sit(c Conn, i int) {
	h.do(func(t *tbl) {
		p := c.Player()
		t.back(p.ID)
		switch {
		case t.state != protocol.StateWaiting:
			t.fail(c, protocol.ErrWrongState, "the table is not waiting for players")
		case i < 0 || i >= len(t.seats):
			t.fail(c, protocol.ErrNoSeat, fmt.Sprintf("there is no seat %d", i))
		case t.seatOf(p.ID) >= 0:
			t.fail(c, protocol.ErrAlreadySeated, fmt.Sprintf("%s already sits at seat %d", p.Name, t.seatOf(p.ID)))
		case !t.seats[i].empty():
			t.fail(c, protocol.ErrSeatTaken, fmt.Sprintf("seat %d is taken", i))
		default:
			if _, ok := t.conns[c]; !ok {
				t.conns[c] = struct{}{}
				t.online[p.ID]++
				t.resync(c, 0)
			}
			t.seats[i] = seat{p: p}
			t.seated(c)
		}
	})
}

// AddBot seats a bot at the empty seat i of a waiting table. Only the
// creator may.
func (h *Table) AddBot(c Conn, i int) {
	h.do(func(t *tbl) {
		switch {
		case t.state != protocol.StateWaiting:
			t.fail(c, protocol.ErrWrongState, "bots are seated only while the table waits")
		case c.Player().ID != t.creator.ID:
			t.fail(c, protocol.ErrNotCreator, "only "+t.creator.Name+" seats bots")
		case i < 0 || i >= len(t.seats):
			t.fail(c, protocol.ErrNoSeat, fmt.Sprintf("there is no seat %d", i))
		case !t.seats[i].empty():
			t.fail(c, protocol.ErrSeatTaken, fmt.Sprintf("seat %d is taken", i))
		default:
			// '#' is not allowed in player names, so a bot's name is its own.
			name := fmt.Sprintf("Bot #%d", i+1)
			t.seats[i] = seat{p: protocol.Player{ID: "bot:" + name, Name: name}, bot: true}
			t.seated(c)
		}
	})
}

// Stand frees c's player's seat at a waiting table. A seated player may
// always stand before the start; the last human standing up empties the
// table (it is free again).
func (h *Table) Stand(c Conn) {
	h.do(func(t *tbl) {
		i := t.seatOf(c.Player().ID)
		switch {
		case i < 0:
			t.fail(c, protocol.ErrNotSeated, "you do not sit at this table")
		case t.starting != nil:
			t.refuseHeldStart(c)
		case t.state != protocol.StateWaiting:
			t.fail(c, protocol.ErrWrongState, "the pulka has started: you cannot stand up")
		default:
			t.free(i)
			t.waitingCheck()
		}
	})
}

// Move plays m for c's player. A refused move is answered to c alone with
// its reason and changes nothing. A move played is timed from here to its
// events queued (metrics: the move's time at its table).
func (h *Table) Move(c Conn, m rules.Move) {
	at := time.Now()
	h.do(func(t *tbl) {
		p := c.Player()
		i := t.seatOf(p.ID)
		t.back(p.ID)
		switch {
		case i < 0:
			t.fail(c, protocol.ErrNotSeated, "you do not sit at this table")
		case t.starting != nil:
			t.refuseHeldStart(c)
		case t.state != protocol.StatePlaying || t.deal.Done():
			t.fail(c, protocol.ErrWrongState, "no deal is being played")
		case int(m.Seat) != i:
			t.fail(c, protocol.ErrNotYourTurn, fmt.Sprintf("you sit at seat %d, not %d", i, m.Seat))
		default:
			err := t.play(m, byPlayer, protocol.KindMove, 0)
			if err == nil {
				t.cfg.Metrics.MoveTime(time.Since(at))
			} else {
				var ie *rules.IllegalMoveError
				switch {
				case errors.As(err, &ie):
					t.cfg.Metrics.IllegalMove()
					t.fail(c, protocol.ErrIllegalMove, ie.Reason)
				case errors.Is(err, errHeld):
					t.unsettled.c = c // answered when the journal settles it
				case errors.Is(err, errJournal):
					t.fail(c, protocol.ErrJournal, err.Error())
				default:
					t.fail(c, protocol.ErrIllegalMove, err.Error())
				}
			}
		}
	})
}

// Chat posts a line of table chat from c's player to everyone at the
// table, as its own event. Rate limits are the caller's.
func (h *Table) Chat(c Conn, text string) {
	h.do(func(t *tbl) {
		p := c.Player()
		t.back(p.ID)
		if !t.settings.Chat && t.state != protocol.StateConvention {
			t.fail(c, protocol.ErrChatOff, "chat is off at this table")
			return
		}
		line := protocol.ChatLine{From: p, Text: text, At: t.cfg.Clock.Now().UnixMilli()}
		t.chat = append(t.chat, line)
		if len(t.chat) > chatKeep {
			t.chat = append(t.chat[:0], t.chat[len(t.chat)-chatKeep:]...)
		}
		t.chatOut = &line
		t.emit(protocol.KindChat, 0, nil)
	})
}

func (t *tbl) seatOf(id string) int {
	for i := range t.seats {
		if !t.seats[i].bot && t.seats[i].p.ID == id && id != "" {
			return i
		}
	}
	return -1
}

func (t *tbl) fail(c Conn, code protocol.Code, text string) {
	c.Send(protocol.Encode(protocol.Error{Code: code, Text: text, Table: t.cfg.ID}))
}

// attach adds c (if new) and brings it up to date from version v. A
// seated player's first connection marks them back.
func (t *tbl) attach(c Conn, v uint64) {
	p := c.Player()
	i := t.seatOf(p.ID)
	_, known := t.conns[c]
	if !known {
		if i < 0 && (!t.settings.Spectators && t.state != protocol.StateConvention || t.watchers() >= t.cfg.MaxWatchers) {
			t.fail(c, protocol.ErrWatchersFull, "the table takes no more watchers")
			return
		}
		t.conns[c] = struct{}{}
		t.online[p.ID]++
	}
	t.resync(c, v)
	if t.unstored != nil && !known {
		t.tellUnstored(c)
	}
	switch {
	case i >= 0 && !known && t.online[p.ID] == 1:
		t.cameBack(i)
	case i >= 0:
		t.back(p.ID)
	}
	t.changed()
}

// watchers counts the connections of players without a seat.
func (t *tbl) watchers() int {
	n := len(t.conns)
	for _, s := range t.seats {
		if !s.bot && !s.empty() {
			n -= t.online[s.p.ID]
		}
	}
	return n
}

func (t *tbl) detach(c Conn) {
	if _, ok := t.conns[c]; !ok {
		return
	}
	delete(t.conns, c)
	id := c.Player().ID
	if t.online[id]--; t.online[id] <= 0 {
		delete(t.online, id)
		if i := t.seatOf(id); i >= 0 {
			t.wentAway(i)
			return
		}
	}
	t.changed()
}

// free empties seat i (waiting only). The seats go out with the action's
// event: the table freed, or the seats changed.
func (t *tbl) free(i int) {
	t.seats[i] = seat{}
	t.pend |= pSeats
}

// waitingCheck frees a waiting table no human sits at.
func (t *tbl) waitingCheck() {
	if t.state != protocol.StateWaiting {
		t.changed()
		return
	}
	for _, s := range t.seats {
		if !s.empty() && !s.bot {
			t.changed()
			return
		}
	}
	t.toFree("emptied")
}

// seated runs after c's seat (or a bot's, c being the creator) was taken:
// the last one starts the pulka.
func (t *tbl) seated(c Conn) {
	for _, s := range t.seats {
		if s.empty() {
			t.emit(protocol.KindSeats, pSeats, nil)
			return
		}
	}
	if err := t.startPulka(c); errors.Is(err, errHeld) {
		t.emit(protocol.KindSeats, pSeats, nil) // c is answered when the start is settled
		return
	} else if err != nil {
		t.log.Error("cannot start the pulka", "err", err)
		t.emit(protocol.KindSeats, pSeats, nil)
		if c != nil {
			t.fail(c, protocol.ErrJournal, "the pulka could not start: "+err.Error())
		}
		return
	}
}

// back marks a player who sends anything to the table as present again:
// under timeout_action bot-takeover they take their seat back from the next decision.
func (t *tbl) back(id string) {
	if i := t.seatOf(id); i >= 0 && t.seats[i].botPlays {
		t.seats[i].botPlays = false
		t.schedule()                      // the bot's pending move becomes the player's deadline
		t.pend |= pSeats | pDeal | pClock // with the action's event (their move, their chat)
	}
}

// toFree ends the table's life: the lobby reclaims it.
func (t *tbl) toFree(why string) {
	t.state = protocol.StateFree
	t.stopTimer()
	t.log.Info("table free", "why", why)
	t.emit(protocol.KindFree, pState, nil)
	t.changed()
}

// settingsFor reads the conventions a creator chose: the preset as the
// club starts it (DefaultSettings), then the options over it.
func settingsFor(preset string, club, options map[string]json.RawMessage) (score.Settings, rules.Options, error) {
	s, err := clubSettings(preset, club)
	if err != nil {
		return s, rules.Options{}, err
	}
	if s, err = score.ParseOptions(s, options); err != nil {
		return s, rules.Options{}, err
	}
	return s, s.Options, nil
}
