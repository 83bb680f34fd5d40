package lobby

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// What a connection gets of the lobby is a view (protocol.LobbyView): a
// page of the tables in the lobby's order, the first names online, counts
// of the rest. Connections asking for the same view share it: its deltas
// and its whole are encoded once for all of them, and its deltas are kept
// for resync. A view lives while a connection in the lobby has it (the
// default view always); MaxViews bounds how many there are, so a flush
// costs at most MaxViews passes over the tables.
//
// A bound shared by everyone is a resource anyone can take: a few
// connections asking for different views (a page size each) took all of
// them, and everyone else's filters were answered lobby_busy. So a view is
// charged to the client address that made it (its first asker), and one
// address is charged at most Config.ViewsPerAddress views; when the last
// connection of that address leaves a view others still have, the charge
// goes to the address of one of them that has room for it (see charge).
// Joining a view that exists is free whoever made it, so the page's usual
// views (a filter, a few "more"s), which many share, are there for
// everyone. An IPv6 address counts by its /64 (one customer's network, as
// an IPv4 address is one household's), an address unknown to the lobby
// (Join) as one address. Then taking every view takes MaxViews /
// ViewsPerAddress addresses, and one address at most takes its share;
// MaxViews stays the bound of the lobby's work whatever the number of
// addresses. Page-sized steps alone would not do it: the page's steps of 50
// tables and 50 names, with the filters, still make thousands of different
// views.

// Defaults and bounds of the views.
const (
	// MaxViews is the most views the lobby keeps; a connection asking for
	// another gets protocol.ErrLobbyBusy and keeps its view.
	MaxViews = 64
	// DefaultViewsPerAddress is Config.ViewsPerAddress's default: a few
	// tabs of one household with filters of their own.
	DefaultViewsPerAddress = 4
	// DefaultResyncEvery is Config.ResyncEvery's default.
	DefaultResyncEvery = time.Second
	// resyncBurst is how many whole views a connection gets at once
	// before Config.ResyncEvery paces it: the sign-in's, a "more" and a
	// filter.
	resyncBurst = 3
)

// view is one view of the lobby and its followers.
type view struct {
	key       protocol.LobbyView // normal (protocol.LobbyView.Normal)
	members   int                // connections in the lobby whose view this is, following it or not
	chargedTo netip.Addr         // the address it is charged to (addressOf): its first asker's, then one of its members'; none for the default view
	byAddr    map[netip.Addr]int // its members by address (addressOf); nil for the default view
	followers map[table.Conn]struct{}
	v         uint64 // the version of its last delta (or the lobby's when it was made)

	// what its followers have, as of version v
	ids     []string // the tables shown, in protocol.TableOrder
	shown   map[string]bool
	total   int // the tables matching it
	counts  protocol.TableCounts
	names   []protocol.Player // the names listed
	players int
	guests  int

	ring     []viewDelta // its last deltas, for resync: Config.EventBytes for the default view, an eighth for the others
	ringSize int
	snap     *protocol.Encoded // its whole at version snapV
	snapV    uint64
}

// viewDelta is a view's delta from version since to v.
type viewDelta struct {
	since, v uint64
	enc      *protocol.Encoded
}

// member is a connection in the lobby.
type member struct {
	view      *view
	from      netip.Addr // c's address (addressOf), to which the views it makes are charged
	following bool       // it asked for the lobby (it is in view.followers unless its whole waits)
	// held is the version of its view c holds while it is not a follower
	// (0: none of this view): a follower gets every delta, and holds its
	// view's version when it stops being one (stopDeltas). "lobby_left"
	// tells it, the version to follow again from.
	held uint64
	// Whole views: resyncBurst at once, then one per Config.ResyncEvery
	// (a page that asks again and again gets one a second, not one per
	// request); wholeWaits when one waits for its turn, its reservation
	// and timer given back (stopWhole) when c stops following or leaves,
	// so asking and cancelling again and again holds one timer at most.
	limit      *rate.Limiter
	wholeWaits bool
	wholeRes   *rate.Reservation
	wholeTimer table.Timer
}

// stopWhole cancels the whole view m waits for, if any: its timer stops
// and its turn goes back to m's pace.
func (s *state) stopWhole(m *member) {
	if !m.wholeWaits {
		return
	}
	m.wholeWaits = false
	m.wholeTimer.Stop()
	m.wholeRes.CancelAt(s.clk.Now())
	m.wholeTimer, m.wholeRes = nil, nil
}

// addressOf is the address a connection from a is counted as: an IPv6
// address by its /64, an IPv4 one (mapped or not) alone, an invalid one as
// the zero Addr.
func addressOf(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// viewFor returns the view key asks for for m, made (and charged to m's
// address) if the lobby has none like it. It refuses, with the reason, one
// more view than MaxViews and one more than Config.ViewsPerAddress charged
// to m's address; m's own view counts as gone when m alone has it, and as
// no longer charged to m's address when m is the last of its address to
// have it and another address that has it can take the charge (m leaves
// it for the new one).
func (s *state) viewFor(key protocol.LobbyView, m *member) (*view, string) {
	key = key.Normal()
	if vw := s.views[key]; vw != nil {
		return vw, ""
	}
	views, mine := len(s.views), s.charged[m.from]
	if old := m.view; old != nil && old != s.defView {
		if old.members == 1 {
			views--
		}
		if _, ok := s.heir(old, m.from); old.chargedTo == m.from && old.byAddr[m.from] == 1 && (old.members == 1 || ok) {
			mine--
		}
	}
	if views >= MaxViews {
		return nil, "the lobby has too many different views now: you keep yours"
	}
	if mine >= s.cfg.ViewsPerAddress {
		return nil, fmt.Sprintf("your network has %d views of the lobby of its own already: you keep yours", mine)
	}
	vw := s.makeView(key)
	vw.byAddr = map[netip.Addr]int{}
	s.charge(vw, m.from)
	return vw, ""
}

// makeView makes view key, charged to nobody.
func (s *state) makeView(key protocol.LobbyView) *view {
	vw := &view{key: key, followers: map[table.Conn]struct{}{}, v: s.v, counts: s.counts, guests: s.sentGuests, players: len(s.names)}
	vw.ids, vw.total = s.page(key)
	vw.shown = make(map[string]bool, len(vw.ids))
	for _, id := range vw.ids {
		vw.shown[id] = true
	}
	vw.names = s.names[:min(len(s.names), key.Online)]
	s.views[key] = vw
	return vw
}

// moveTo gives c the view vw. The version c left its old view at means
// nothing in the new one.
func (s *state) moveTo(c table.Conn, m *member, vw *view) {
	s.drop(c, m)
	m.view, m.held = vw, 0
	vw.members++
	if vw.byAddr != nil {
		vw.byAddr[m.from]++
		if vw.byAddr[vw.chargedTo] == 0 && s.charged[m.from] < s.cfg.ViewsPerAddress {
			s.recharge(vw, m.from) // its charge waited for one who could take it
		}
	}
}

// drop takes c off its view, which goes when nobody has it. A view that
// stays, no connection of the address it is charged to having it any
// more, is charged to the address of one that has it if one can take it.
func (s *state) drop(c table.Conn, m *member) {
	vw := m.view
	if vw == nil {
		return
	}
	delete(vw.followers, c)
	m.view = nil
	vw.members--
	if vw == s.defView {
		return
	}
	if vw.byAddr[m.from]--; vw.byAddr[m.from] <= 0 {
		delete(vw.byAddr, m.from)
	}
	if vw.members <= 0 {
		delete(s.views, vw.key)
		s.uncharge(vw.chargedTo)
		return
	}
	if vw.byAddr[vw.chargedTo] == 0 {
		if a, ok := s.heir(vw, vw.chargedTo); ok {
			s.recharge(vw, a)
		}
	}
}

// The charge of a view someone else still has: charged to its maker for as
// long as anyone had it, a view the whole club shares (a filter, a "more")
// would count against its maker's address for hours after the maker left
// it, and the maker could make no view of its own. Passed to anyone who
// has it, it would let two addresses take every view (one makes views, the
// other's connections join them, the first leaves them and makes more). So
// it passes to an address that has the view and has room for it: no
// address is charged more than Config.ViewsPerAddress, and an address is
// charged for a view none of its connections has only while everyone who
// has it is at that bound (then the first of them with room, or a newcomer
// with room, takes it).

// charge charges view vw to address a.
func (s *state) charge(vw *view, a netip.Addr) {
	vw.chargedTo = a
	s.charged[a]++
}

// recharge charges view vw to address a instead of the address it was
// charged to.
func (s *state) recharge(vw *view, a netip.Addr) {
	was := vw.chargedTo
	s.charge(vw, a)
	s.uncharge(was)
}

// uncharge takes a view off address a's charge, and gives a, now with
// room, the charges of views its connections have that wait for an
// address to take them (each such charge taken is one fewer waiting: it
// ends).
func (s *state) uncharge(a netip.Addr) {
	if s.charged[a]--; s.charged[a] <= 0 {
		delete(s.charged, a)
	}
	for _, vw := range s.views {
		if s.charged[a] >= s.cfg.ViewsPerAddress {
			return
		}
		if vw != s.defView && vw.byAddr[a] > 0 && vw.byAddr[vw.chargedTo] == 0 {
			s.recharge(vw, a)
		}
	}
}

// heir is an address other than not that has view vw and can take its
// charge (fewer than Config.ViewsPerAddress charged to it). At most
// MaxViews / ViewsPerAddress addresses are charged that many, so it looks
// at that many and one more at most.
func (s *state) heir(vw *view, not netip.Addr) (netip.Addr, bool) {
	for a := range vw.byAddr {
		if a != not && s.charged[a] < s.cfg.ViewsPerAddress {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// page returns the ids of the tables shown in view key (the first
// key.Tables matching it, in the order of the last flush) and how many
// match.
func (s *state) page(key protocol.LobbyView) (ids []string, total int) {
	if key.State == "" && key.Players == 0 && key.Preset == "" {
		ids = make([]string, 0, min(key.Tables, len(s.sorted)))
		for _, t := range s.sorted[:min(key.Tables, len(s.sorted))] {
			ids = append(ids, t.ID)
		}
		return ids, len(s.sorted)
	}
	for i := range s.sorted {
		t := &s.sorted[i]
		if !t.matches(key) {
			continue
		}
		total++
		if len(ids) < key.Tables {
			ids = append(ids, t.ID)
		}
	}
	return ids, total
}

// sortedTable is a table in the lobby's order: its key and what views
// filter it by. It is small: sorting moves it.
type sortedTable struct {
	protocol.TableKey
	state   protocol.State
	players int
	preset  string
}

// matches reports whether the table passes view key's filters (as
// protocol.LobbyView.Matches).
func (t *sortedTable) matches(key protocol.LobbyView) bool {
	return key.Matches(protocol.Summary{State: t.state, Players: t.players, Preset: t.preset})
}

// follow makes c get its view from version v: the deltas after v, or the
// whole view (paced: see member.limit), then every delta.
func (s *state) follow(c table.Conn, m *member, v uint64) {
	m.following = true
	if m.wholeWaits {
		// Its whole is on its way and brings it up to date: v may be
		// a version of the view it had (the versions are the lobby's),
		// and a delta before the whole would apply to that view.
		return
	}
	vw := m.view
	if v != 0 && v == vw.v {
		vw.followers[c] = struct{}{} // it missed nothing
		return
	}
	if v != 0 {
		for i, d := range vw.ring {
			if d.since == v {
				out := make([]*protocol.Encoded, 0, len(vw.ring)-i)
				for _, d := range vw.ring[i:] {
					out = append(out, d.enc)
				}
				c.Send(out...)
				vw.followers[c] = struct{}{}
				return
			}
		}
	}
	s.whole(c, m)
}

// whole sends c its whole view when its pace allows, else once it does;
// c gets no delta until then (the whole brings it up to date).
func (s *state) whole(c table.Conn, m *member) {
	s.stopDeltas(c, m)
	if m.wholeWaits {
		return // one is on its way
	}
	if m.limit == nil {
		m.limit = rate.NewLimiter(rate.Every(s.cfg.ResyncEvery), resyncBurst)
	}
	now := s.clk.Now()
	r := m.limit.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		m.wholeWaits, m.wholeRes = true, r
		l := s.l
		var tm table.Timer
		tm = s.clk.AfterFunc(d, func() {
			l.act.Post(func(s *state) {
				if s.conns[c] == m && m.wholeWaits && m.wholeTimer == tm { // not stopped, nor another since
					m.wholeWaits, m.wholeTimer, m.wholeRes = false, nil, nil
					s.sendWhole(c, m)
				}
			})
		})
		m.wholeTimer = tm
		return
	}
	s.sendWhole(c, m)
}

// stopDeltas takes c off its view's followers, if it is one: it holds
// the view's version (it got every delta up to it).
func (s *state) stopDeltas(c table.Conn, m *member) {
	if _, ok := m.view.followers[c]; ok {
		delete(m.view.followers, c)
		m.held = m.view.v
	}
}

// sendWhole sends c its whole view, encoded once per view and version,
// and makes c a follower of it.
func (s *state) sendWhole(c table.Conn, m *member) {
	vw := m.view
	if vw.snap == nil || vw.snapV != vw.v {
		// Changes after v are pending and reach c in the next delta.
		vw.snap, vw.snapV = protocol.Encode(s.snapshot(vw)), vw.v
	}
	c.Send(vw.snap)
	vw.followers[c] = struct{}{}
}

// snapshot is view vw whole at its version.
func (s *state) snapshot(vw *view) protocol.Lobby {
	msg := protocol.Lobby{V: vw.v, View: vw.key, Tables: make([]protocol.Summary, 0, len(vw.ids)), Total: vw.total, Counts: vw.counts,
		Online: append([]protocol.Player{}, vw.names...), Players: vw.players, Guests: vw.guests}
	for _, id := range vw.ids {
		if sum, ok := s.summaries[id]; ok { // a table removed since is in the next delta's "removed"
			msg.Tables = append(msg.Tables, sum)
		}
	}
	flushed := s.chat[:len(s.chat)-min(len(s.chatPending), len(s.chat))] // the pending lines come in the next delta
	msg.Chat = append([]protocol.ChatLine{}, flushed...)
	return msg
}

// sortTables puts the tables in the lobby's order and counts them. It
// starts from the order of the last flush, which a few changes barely
// move, and computes each table's key once (a sort comparing whole
// summaries took 5 ms a flush at 3,000 tables).
func (s *state) sortTables() {
	seen := make(map[string]bool, len(s.changed))
	kept := s.sorted[:0]
	for _, t := range s.sorted {
		sum, ok := s.summaries[t.ID]
		if !ok {
			continue // removed
		}
		if s.changed[t.ID] {
			seen[t.ID] = true
			t = sortedOf(sum)
		}
		kept = append(kept, t)
	}
	for id := range s.changed {
		if sum, ok := s.summaries[id]; ok && !seen[id] {
			kept = append(kept, sortedOf(sum)) // new
		}
	}
	s.sorted = kept
	slices.SortFunc(s.sorted, func(a, b sortedTable) int { return a.Compare(b.TableKey) })
	s.counts = protocol.TableCounts{}
	for i := range s.sorted {
		s.counts.Add(s.sorted[i].state)
	}
}

func sortedOf(sum protocol.Summary) sortedTable {
	return sortedTable{TableKey: protocol.KeyOf(sum), state: sum.State, players: sum.Players, preset: sum.Preset}
}

// sortNames lists the players online in their order.
func (s *state) sortNames() {
	names := make([]protocol.Player, 0, len(s.online))
	for _, pr := range s.online {
		names = append(names, pr.p)
	}
	slices.SortFunc(names, protocol.PlayerOrder)
	s.names = names // a new slice: the views keep prefixes of the old one
}

// flushView sends view vw's followers what changed in it at version s.v,
// if anything did.
func (s *state) flushView(vw *view, tables, presence bool) {
	d := protocol.LobbyDelta{V: s.v, Since: vw.v, Chat: s.chatPending}
	if tables {
		ids, total := s.page(vw.key)
		shown := make(map[string]bool, len(ids))
		for _, id := range ids {
			shown[id] = true
			if !vw.shown[id] || s.changed[id] {
				d.Tables = append(d.Tables, s.summaries[id])
			}
		}
		for _, id := range vw.ids {
			if !shown[id] {
				d.Removed = append(d.Removed, id)
			}
		}
		vw.ids, vw.shown = ids, shown
		if total != vw.total {
			vw.total = total
			d.Total = &total
		}
		if counts := s.counts; counts != vw.counts {
			vw.counts = counts
			d.Counts = &counts
		}
	}
	if presence {
		names := s.names[:min(len(s.names), vw.key.Online)]
		was := make(map[string]bool, len(vw.names))
		for _, p := range vw.names {
			was[p.ID] = true
		}
		is := make(map[string]bool, len(names))
		for _, p := range names {
			is[p.ID] = true
			if !was[p.ID] {
				d.Joined = append(d.Joined, p)
			}
		}
		for _, p := range vw.names {
			if !is[p.ID] {
				d.Gone = append(d.Gone, p)
			}
		}
		vw.names = names
		if n := len(s.names); n != vw.players {
			vw.players = n
			d.Players = &n
		}
	}
	if g := s.sentGuests; g != vw.guests {
		vw.guests = g
		d.Guests = &g
	}
	if len(d.Tables)+len(d.Removed)+len(d.Joined)+len(d.Gone)+len(d.Chat) == 0 && d.Total == nil && d.Counts == nil && d.Players == nil && d.Guests == nil {
		return
	}
	vw.v = s.v
	enc := protocol.Encode(d)
	vw.ring = append(vw.ring, viewDelta{since: d.Since, v: d.V, enc: enc})
	vw.ringSize += enc.Len()
	limit := s.cfg.EventBytes
	if vw != s.defView {
		limit /= 8 // the default view is most connections'; the others are bounded together
	}
	n := 0
	for vw.ringSize > limit && n < len(vw.ring)-1 {
		vw.ringSize -= vw.ring[n].enc.Len()
		vw.ring[n] = viewDelta{}
		n++
	}
	vw.ring = append(vw.ring[:0], vw.ring[n:]...)
	s.cfg.Metrics.LobbyBytes(enc.Len())
	for c := range vw.followers {
		c.Send(enc)
	}
}
