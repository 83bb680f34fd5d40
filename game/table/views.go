package table

import (
	"slices"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// parts are the parts of the table an event carries.
type parts uint16

const (
	pState parts = 1 << iota
	pConventions
	pDeadline
	pSeats
	pDeal // the deal view and the legal moves: differs by seat
	pClock
	pSheet
	pResult
	pMove
)

// event is one version of the table, encoded once per audience.
type event struct {
	v      uint64
	public *protocol.Encoded
	seats  [rules.MaxPlayers]*protocol.Encoded // nil entries: the seat gets public
	owners [rules.MaxPlayers]string            // the player id each seat encoding was made for
	size   int
}

// kept is an event as the ring keeps it once sent (keep): its JSON by
// audience, "" where the event had no encoding, held in place. A busy
// table's ring holds some 20 to 35 events; at 3,000 tables the Encoded
// values and the two slices each event had were 380,000 of the club's
// 1.35 million live objects, marked by every collection. The strings are
// all a resync needs.
type kept struct {
	v      uint64
	public string
	seats  [rules.MaxPlayers]string
	owners [rules.MaxPlayers]string
	size   int
}

// emit makes the next version from the parts one action changed, encodes it
// once per seated player when the deal differs by seat and once for the
// spectators (when the deal differs by seat: only while someone watches),
// sends it to every connection and keeps it for resync.
//
// The parts changed earlier in the same action (tbl.pend) and its chat line
// (tbl.chatOut) go out in this event too: one action, one event.
func (t *tbl) emit(kind protocol.Code, p parts, m *rules.Move) {
	p |= t.pend
	t.pend = 0
	t.v++
	ev := protocol.TableEvent{Table: t.cfg.ID, V: t.v, Kind: kind, Chat: t.chatOut}
	t.chatOut = nil
	if p&pState != 0 {
		ev.State = t.state
		ev.Creator = &t.creator
	}
	if p&pConventions != 0 {
		c := t.conventions()
		ev.Conventions = &c
	}
	if p&(pDeadline|pState) != 0 {
		d := ms(t.convDeadline)
		ev.Deadline = &d
	}
	if p&pSeats != 0 {
		ev.Seats = t.seatViews()
	}
	if p&pClock != 0 {
		c := t.clockView()
		ev.Clock = &c
	}
	if p&pSheet != 0 && t.sheet != nil {
		sv := t.sheet.View(t.ids())
		ev.Sheet = &sv
		ev.LastDeal = t.lastDeal
		if n := len(t.entries); n > 0 {
			ev.DealEntry = &t.entries[n-1]
		}
	}
	if p&pResult != 0 {
		ev.Result = t.result
	}
	if m != nil && p&pMove != 0 && m.Kind != rules.MoveDiscard {
		ev.Move = m // a discard is the declarer's secret
	}
	e := event{v: t.v}
	if p&pDeal != 0 && t.dealNo > 0 {
		ev.DealNo = t.dealNo
		if t.watched() {
			t.view = rules.View(t.deal, rules.Spectator)
			none := []rules.Move{}
			ev.Deal, ev.Legal = &t.view, &none
			e.public = protocol.EncodeTableEvent(&ev)
		}
		for i, s := range t.seats {
			if s.bot || s.empty() {
				continue
			}
			t.view = rules.View(t.deal, i)
			legal := t.legalFor(i)
			ev.Deal, ev.Legal = &t.view, &legal
			e.seats[i], e.owners[i] = protocol.EncodeTableEvent(&ev), s.p.ID
			e.size += e.seats[i].Len()
		}
	} else {
		e.public = protocol.EncodeTableEvent(&ev)
	}
	if e.public != nil {
		e.size += e.public.Len()
	}
	t.send(&e)
	t.keep(&e)
	t.changed()
}

// send sends e to every connection, the seated players' first: with many
// watchers, a player's event is queued before the crowd's.
func (t *tbl) send(e *event) {
	for _, seated := range []bool{true, false} {
		for c := range t.conns {
			id := c.Player().ID
			if (t.seatOf(id) >= 0) == seated {
				c.Send(t.audienceOf(e, id))
			}
		}
	}
}

// watched reports whether a connection at the table is not a seated
// player's: a spectator, who gets the spectators' encoding of an event.
// An event with a deal encodes that one only then (most tables have no
// spectators: one encoding in four saved); a spectator who comes later
// gets the whole table.
func (t *tbl) watched() bool {
	for c := range t.conns {
		if t.seatOf(c.Player().ID) < 0 {
			return true
		}
	}
	return false
}

// audienceOf returns the encoding of e for player id: nil for a spectator
// when nobody watched at e (see watched).
func (t *tbl) audienceOf(e *event, id string) *protocol.Encoded {
	if i := t.seatOf(id); i >= 0 && e.seats[i] != nil && e.owners[i] == id {
		return e.seats[i]
	}
	return e.public
}

// keep adds e, once sent, to the recent events, dropping the oldest over
// EventBytes.
// It keeps their JSON only (kept): the SockJS encodings being sent are
// freed once written, not held for a resync that rarely comes (at 3,000
// tables they held two thirds of the ring's memory).
func (t *tbl) keep(e *event) {
	k := kept{v: e.v, owners: e.owners, size: e.size}
	if e.public != nil {
		k.public = e.public.JSON()
	}
	for i, x := range e.seats {
		if x != nil {
			k.seats[i] = x.JSON()
		}
	}
	t.ring = append(t.ring, k)
	t.ringBytes += k.size
	n := 0
	for t.ringBytes > t.cfg.EventBytes && n < len(t.ring)-1 {
		t.ringBytes -= t.ring[n].size
		t.ring[n] = kept{}
		n++
	}
	if n > 0 {
		t.ring = append(t.ring[:0], t.ring[n:]...)
	}
}

// resync brings c from version v to the current one: the events it missed
// when they are all kept and were made for its audience, else the whole
// table.
func (t *tbl) resync(c Conn, v uint64) {
	if v == t.v && v > 0 {
		return
	}
	id := c.Player().ID
	if v > 0 && v < t.v && len(t.ring) > 0 && t.ring[0].v <= v+1 {
		i := t.seatOf(id)
		var out []*protocol.Encoded
		ok := true
		for k := range t.ring {
			e := &t.ring[k]
			if e.v <= v {
				continue
			}
			json := e.public
			if i >= 0 && e.seats[i] != "" {
				if e.owners[i] != id {
					ok = false // made for someone else in this seat
					break
				}
				json = e.seats[i]
			}
			if json == "" {
				ok = false // nobody watched then: no spectators' encoding
				break
			}
			out = append(out, protocol.Resend(json))
		}
		if ok {
			c.Send(out...)
			return
		}
	}
	c.Send(t.snapshotFor(t.seatOf(id)))
}

// snapshotFor returns the whole table for viewer, encoded once per version
// and audience: a watch storm costs no encoding.
func (t *tbl) snapshotFor(viewer int) *protocol.Encoded {
	if t.snaps == nil || t.snapsV != t.v {
		t.snaps, t.snapsV = map[int]*protocol.Encoded{}, t.v
	}
	e := t.snaps[viewer]
	if e == nil {
		e = protocol.Encode(t.snapshot(viewer))
		t.snaps[viewer] = e
	}
	return e
}

// snapshot is the whole table as viewer (a seat, or -1) may see it.
func (t *tbl) snapshot(viewer int) protocol.TableView {
	tv := protocol.TableView{
		Table: t.cfg.ID, V: t.v, State: t.state, Creator: t.creator, Conventions: t.conventions(),
		Deadline: ms(t.convDeadline), Seats: t.seatViews(), DealNo: t.dealNo,
		Legal: []rules.Move{}, Clock: t.clockView(), LastDeal: t.lastDeal, Result: t.result,
		Chat: slices.Clone(t.chat), Deals: slices.Clone(t.entries),
	}
	if tv.Deals == nil {
		tv.Deals = []protocol.DealEntry{}
	}
	if tv.Chat == nil {
		tv.Chat = []protocol.ChatLine{}
	}
	if t.dealNo > 0 {
		sv := rules.View(t.deal, viewer)
		tv.Deal = &sv
		if viewer >= 0 {
			tv.Legal = t.legalFor(viewer)
		}
	}
	if t.sheet != nil {
		sv := t.sheet.View(t.ids())
		tv.Sheet = &sv
	}
	return tv
}

// legalFor returns seat i's legal moves when i is to decide itself.
func (t *tbl) legalFor(i int) []rules.Move {
	if t.state != protocol.StatePlaying || t.deal.Done() || t.deal.Actor() != i || t.seats[i].botPlays {
		return []rules.Move{}
	}
	return rules.LegalMoves(&t.deal, nil)
}

func (t *tbl) conventions() protocol.Conventions {
	return protocol.ConventionsOf(t.settings)
}

func (t *tbl) seatViews() []protocol.Seat {
	out := make([]protocol.Seat, len(t.seats))
	for i, s := range t.seats {
		out[i] = protocol.Seat{Player: s.p, Bot: s.bot, BotPlays: s.botPlays, AwayUntil: ms(s.awayUntil)}
		if !s.bot && !s.empty() {
			out[i].Online = t.online[s.p.ID] > 0
		}
	}
	return out
}

func (t *tbl) clockView() protocol.Clock {
	c := protocol.Clock{Seat: t.dec.seat, Deadline: ms(t.dec.deadline)}
	if t.settings.TimeBank > 0 {
		for _, s := range t.seats {
			c.Bank = append(c.Bank, s.bank.Milliseconds())
		}
	}
	return c
}

func (t *tbl) makeSummary() protocol.Summary {
	s := protocol.Summary{
		ID: t.cfg.ID, State: t.state, Creator: t.creator, Preset: t.settings.Convention.String(),
		Players: t.settings.Players, PoolTarget: t.settings.PoolTarget, MoveTime: t.settings.MoveTime,
		TimeoutAction: t.settings.TimeoutAction.String(), Seats: t.seatViews(), Watchers: len(t.conns), Deadline: ms(t.convDeadline),
		Unstored: t.unstored != nil,
	}
	if t.sheet != nil {
		s.Deals = t.sheet.Deals()
	}
	return s
}

// changed tells the lobby when the summary changed.
func (t *tbl) changed() {
	s := t.makeSummary()
	if summaryEqual(s, t.summary) {
		return
	}
	t.summary = s
	if t.cfg.OnChange != nil {
		t.cfg.OnChange(s)
	}
}

func summaryEqual(a, b protocol.Summary) bool {
	as, bs := a.Seats, b.Seats
	a.Seats, b.Seats = nil, nil
	return a.ID == b.ID && a.State == b.State && a.Creator == b.Creator && a.Preset == b.Preset &&
		a.Players == b.Players && a.PoolTarget == b.PoolTarget && a.MoveTime == b.MoveTime &&
		a.TimeoutAction == b.TimeoutAction && a.Watchers == b.Watchers && a.Deals == b.Deals && a.Deadline == b.Deadline && a.Unstored == b.Unstored &&
		slices.Equal(as, bs)
}

// ms returns t in Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
