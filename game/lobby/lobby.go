// Package lobby is the club's lobby: the list of tables with their state
// and seats, setting a table, who is online and lobby chat.
//
// The lobby is an actor (package actor). Changes do not go out one by one:
// the lobby collects them and, at most once per Config.Flush, sends one
// versioned "lobby_delta". A connection gets a view of the lobby, not all
// of it (view.go): a page of tables in the lobby's order, the first names
// online, counts of the rest; its delta holds what changed in that view
// (the tables that changed in it, came into it or left it, the names that
// came or went, the counts, new chat lines), encoded once for everyone
// with that view. A client that reconnects with the version it has gets
// the deltas of its view it missed, or the whole view when it is too far
// behind.
//
// The lobby keeps at most MaxViews different views (each costs a pass over
// the tables at every flush), and a shared bound is one anyone can take: a
// few connections asking for different views used to take them all, and
// everyone else's filters were refused. So each view is charged to the
// client address that made it (and, when that address's last connection
// leaves it, to that of another that has it and has room), and one address
// is charged at most Config.ViewsPerAddress of the views kept (an IPv6
// address counts by its /64); joining a view that exists is free, so the
// views many pages share (a filter, a few "more"s) are there for everyone,
// and filling every view takes MaxViews / ViewsPerAddress addresses.
// Decided against page-sized steps alone: steps of 50 tables and 50 names
// with the filters still make thousands of different views (view.go says
// more).
//
// A connection in the lobby counts as online whether or not it follows
// the lobby; only followers get the deltas. A player at a playing table
// leaves the deltas (Unfollow) and follows again back in the lobby
// (Follow): with thousands of seated players and a delta every Flush,
// the fan-out to them was most of a busy club's sending.
//
// In a club of several processes (game/cluster) each process has its
// lobby: Config.Share tells the others what this one changed (the tables it
// runs, who came and went here, chat said here), and PutRemote, PeerOnline,
// PeerGone and PeerChat bring in what they changed, so every lobby lists
// the same tables, people and chat. A table run elsewhere is listed by its
// summary only (Remote reports it); Disown turns a table of this process
// into such a listing (its lease moved).
package lobby

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/actor"
	"github.com/trelljaz/trelljaz/game/internal/defaults"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// Defaults of Config.
const (
	DefaultMaxTables          = 1000
	DefaultMaxTablesPerPlayer = 2
	DefaultMaxTablesPerIP     = 4
	DefaultFlush              = 250 * time.Millisecond
	DefaultEventBytes         = 256 << 10
	chatKeep                  = 50
)

// Config configures a Lobby. Zero values mean the documented defaults.
type Config struct {
	// Table is the template of every new table's configuration. ID,
	// Creator and OnChange are set by the lobby.
	Table table.Config
	// MaxTables bounds the tables of the club. When it is full, the oldest
	// finished table is reclaimed for a new one. 0 means DefaultMaxTables.
	MaxTables int
	// MaxTablesPerPlayer bounds the tables one player has set that are not
	// finished. 0 means DefaultMaxTablesPerPlayer.
	MaxTablesPerPlayer int
	// MaxTablesPerIP bounds the unfinished tables set from one IP address,
	// whoever signed in there: identities can be cheap (the dev sign-in
	// makes them free), addresses less so. A household or office behind
	// one address shares it, hence the default of twice
	// DefaultMaxTablesPerPlayer. 0 means DefaultMaxTablesPerIP.
	MaxTablesPerIP int
	// Flush is the longest a change waits to be sent; changes within it go
	// out as one delta. 0 means DefaultFlush.
	Flush time.Duration
	// PresenceFlush is the longest a change of presence alone waits: who
	// came online or went, the guests' count, a table's watchers. A
	// presence delta goes to every follower (the counts change in every
	// view), so a storm of sign-ins or watchers that made a delta each
	// Flush made followers × 4 sends a second; a change of anything else
	// brings the flush forward to Flush, and presence rides along. 0 means four times Flush (1 s at
	// DefaultFlush).
	PresenceFlush time.Duration
	// EventBytes bounds the deltas of the default view kept for resync;
	// every other view keeps an eighth of it. 0 means DefaultEventBytes.
	EventBytes int
	// ResyncEvery paces the whole views one connection gets: after a few
	// at once (its sign-in, a "more", a filter), one per ResyncEvery, and
	// asking again while one waits costs nothing. A client that follows
	// with version 0 over and over gets one a second, not one a request.
	// 0 means DefaultResyncEvery.
	ResyncEvery time.Duration
	// ViewsPerAddress bounds the views of the lobby charged to one client
	// address (those it made, or that were passed to it when their
	// maker's address left them: view.go): beyond it, an address asking
	// for a view no one has gets protocol.ErrLobbyBusy, so that a few
	// addresses cannot take every one of the MaxViews views; joining a
	// view that exists is always allowed. 0 means DefaultViewsPerAddress.
	ViewsPerAddress int
	// Metrics, if set, gets tables by state and lobby bytes.
	Metrics *metrics.Metrics
	// Logger receives the lobby's logs. Nil means slog.Default().
	Logger *slog.Logger
	// FirstVersion, if not 0, is the version the lobby starts after,
	// instead of table.FirstVersion of the start: a club of several
	// processes gives each lobby its own range, so that a version of
	// another process's lobby is never taken for one of this one's.
	FirstVersion uint64
	// NewID, if set, names new tables (unique across a club of several
	// processes; "t" and a number keeps Restore's bookkeeping simple). It
	// is called from the lobby's goroutine. Nil means t1, t2, ...
	NewID func() string
	// Share, if set, is told what this process changed in the lobby, for
	// the other processes of a club (see Sharer).
	Share Sharer
}

// Sharer hears what this process changes in the lobby. Its methods are
// called from the lobby's goroutine, in order, and must not block.
type Sharer interface {
	// Table is the new summary of a table this process runs; state
	// "free" means the table is gone.
	Table(sum protocol.Summary)
	// Online tells that a player's first connection to this process
	// came (true) or their last one went (false).
	Online(p protocol.Player, online bool)
	// Chat is a lobby chat line said on this process.
	Chat(line protocol.ChatLine)
}

// Lobby is the running lobby. Its methods may be called concurrently.
type Lobby struct {
	act           *actor.Actor[state]
	tableDefaults table.Config
	tables        []*table.Table // handed over by the goroutine when it stops

	// Tables' summaries wait here for the lobby's goroutine, the latest
	// per table: a table never waits on a busy lobby (a watch storm makes
	// a summary per watch), and the lobby's queue holds at most one
	// "take the changes" for all of them.
	changesMu sync.Mutex
	changes   map[string]protocol.Summary
	posted    bool
}

type state struct {
	l         *Lobby
	cfg       Config
	clk       table.Clock
	tables    map[string]*table.Table
	order     []string
	summaries map[string]protocol.Summary
	setFrom   map[string]netip.Addr        // the address each table was set from
	early     map[string]*protocol.Summary // tables being restored: their last summary
	remote    map[string]bool              // listed tables another process runs
	conns     map[table.Conn]*member       // every connection in the lobby (who is online), with its view
	online    map[string]*presence
	guests    int  // connections without a player (guests): counted, not listed
	guestsNew bool // guests changed since the last delta
	chat      []protocol.ChatLine
	next      int

	peerGuests map[string]int // the guests of the club's other processes (peers.go)

	// the views (view.go) and what they are made of, as of the last flush
	views      map[protocol.LobbyView]*view
	defView    *view
	charged    map[netip.Addr]int // the views charged to each client address (addressOf): view.go
	sorted     []sortedTable      // the tables in protocol.TableOrder
	counts     protocol.TableCounts
	names      []protocol.Player // the players online in protocol.PlayerOrder
	sentGuests int

	// what changed since the last flush
	changed     map[string]bool // tables changed
	tablesDirty bool            // a table changed, came or went
	presence    bool            // a player came online or went
	chatPending []protocol.ChatLine

	armed bool
	// urgent: a change other than presence since the last flush (see
	// mark).
	urgent bool
	due    time.Time // when the armed flush runs
	armGen uint64    // the armed flush's number: an earlier-armed, later timer is stale
	v      uint64
}

type presence struct {
	p     protocol.Player
	n     int             // connections to this process
	peers map[string]bool // other processes the player is connected to
}

func (pr *presence) online() bool { return pr.n > 0 || len(pr.peers) > 0 }

// New starts a lobby.
func New(cfg Config) *Lobby {
	defaults.Positive(&cfg.MaxTables, DefaultMaxTables)
	defaults.Positive(&cfg.MaxTablesPerPlayer, DefaultMaxTablesPerPlayer)
	defaults.Positive(&cfg.MaxTablesPerIP, DefaultMaxTablesPerIP)
	defaults.Positive(&cfg.Flush, DefaultFlush)
	defaults.Positive(&cfg.PresenceFlush, 4*cfg.Flush)
	defaults.Positive(&cfg.EventBytes, DefaultEventBytes)
	defaults.Positive(&cfg.ResyncEvery, DefaultResyncEvery)
	defaults.Positive(&cfg.ViewsPerAddress, DefaultViewsPerAddress)
	defaults.NonZero(&cfg.Logger, slog.Default())
	defaults.NonZero(&cfg.Table.Logger, cfg.Logger)
	defaults.NonZero(&cfg.Table.Metrics, cfg.Metrics)
	clk := cfg.Table.Clock
	if clk == nil {
		clk = table.WallClock{}
	}
	l := &Lobby{tableDefaults: cfg.Table}
	s := &state{
		l: l, cfg: cfg, clk: clk, tables: map[string]*table.Table{}, summaries: map[string]protocol.Summary{}, setFrom: map[string]netip.Addr{},
		early: map[string]*protocol.Summary{}, remote: map[string]bool{}, conns: map[table.Conn]*member{}, online: map[string]*presence{}, changed: map[string]bool{},
	}
	// The lobby's versions start where a table's do (table.FirstVersion):
	// a client coming back after a restart with the version it had never
	// gets a delta of the new lobby's history, it gets the whole lobby.
	s.v = table.FirstVersion(clk.Now())
	if cfg.FirstVersion != 0 {
		s.v = cfg.FirstVersion
	}
	s.views, s.charged = map[protocol.LobbyView]*view{}, map[netip.Addr]int{}
	s.defView = s.makeView(protocol.LobbyView{}.Normal()) // the first view: always there, charged to nobody
	l.act = actor.Start(s, 1024, func(s *state) {
		for _, id := range s.order {
			if t := s.tables[id]; t != nil {
				l.tables = append(l.tables, t)
			}
		}
	})
	return l
}

// Stop stops the lobby and every table. Calling it twice is harmless.
func (l *Lobby) Stop() {
	l.act.Stop()
	// the tables stop after the lobby, so that none waits on it
	for _, t := range l.tables {
		t.Stop()
	}
	l.tables = nil
}

// Join adds c to the lobby, following the default view (see Follow). v
// is the version c has of it (0 for none): c gets the deltas after v, or
// the whole view. A player's first connection makes them online; a
// guest's (a Conn whose player has no id) is counted in the lobby's
// "guests", never listed. c's address is unknown to the lobby: the views
// it makes are charged with those of every other such connection (see
// Config.ViewsPerAddress); JoinView names it.
func (l *Lobby) Join(c table.Conn, v uint64) { l.JoinView(c, netip.Addr{}, v, nil) }

// JoinView is Join from client address from with the view c asks for
// (nil: the default). A view the lobby cannot keep, or one more than
// from's address may make (protocol.ErrLobbyBusy), is refused to c with
// an "error" and c follows the default view.
func (l *Lobby) JoinView(c table.Conn, from netip.Addr, v uint64, want *protocol.LobbyView) {
	l.act.Post(func(s *state) {
		if s.join(c, from) {
			s.followView(c, s.conns[c], v, want)
		}
	})
}

// JoinUnfollowed adds c, connected from client address from, to the
// lobby as JoinView does, but not following it: c is online (or counted
// as a guest) and gets no lobby message until it follows (a player who
// reconnects to a playing table).
func (l *Lobby) JoinUnfollowed(c table.Conn, from netip.Addr) {
	l.act.Post(func(s *state) { s.join(c, from) })
}

// Follow makes c, a connection in the lobby, get its view's deltas again:
// first the deltas after version v, or the whole view when v is 0 or too
// far behind (a few at once, then one per Config.ResyncEvery); then every
// delta. Following twice sends what v asks for. A connection not in the
// lobby (it left, or never joined) is ignored.
func (l *Lobby) Follow(c table.Conn, v uint64) { l.FollowView(c, v, nil) }

// FollowView is Follow with the view c asks for (nil: the one it has). A
// view other than c's is sent whole, whatever v; one the lobby cannot
// keep, or one more than c's address may make (protocol.ErrLobbyBusy), is
// refused to c with an "error", and c follows the view it had from v.
func (l *Lobby) FollowView(c table.Conn, v uint64, want *protocol.LobbyView) {
	l.act.Post(func(s *state) {
		if m := s.conns[c]; m != nil {
			s.followView(c, m, v, want)
		}
	})
}

// followView makes c follow view want (nil: its own) from version v.
func (s *state) followView(c table.Conn, m *member, v uint64, want *protocol.LobbyView) {
	if want != nil && want.Normal() != m.view.key {
		vw, busy := s.viewFor(*want, m)
		if busy != "" {
			c.Send(protocol.Encode(protocol.Error{Code: protocol.ErrLobbyBusy, Text: busy}))
		} else {
			s.moveTo(c, m, vw)
			v = 0 // a version of another view
		}
	}
	s.follow(c, m, v)
}

// Unfollow stops the lobby's deltas to c, which stays in the lobby
// (online, or counted as a guest). c gets a "lobby_left" with the version
// of its view it holds, the last sent to it (0 when none of this view was),
// whether or not a whole view was on its way: the version to follow again
// from. A connection not in the lobby is ignored.
func (l *Lobby) Unfollow(c table.Conn) {
	l.act.Post(func(s *state) {
		m := s.conns[c]
		if m == nil {
			return
		}
		if m.following {
			m.following = false
			s.stopWhole(m)
			s.stopDeltas(c, m)
		}
		c.Send(protocol.Encode(protocol.LobbyLeft{V: m.held}))
	})
}

// join adds c to the lobby; false when it is there already.
func (s *state) join(c table.Conn, from netip.Addr) bool {
	if _, ok := s.conns[c]; ok {
		return false
	}
	m := &member{from: addressOf(from)}
	s.conns[c] = m
	s.moveTo(c, m, s.defView)
	p := c.Player()
	if p.ID == "" {
		s.guests++
		s.guestsNew = true
		s.mark(false)
		return true
	}
	pr := s.online[p.ID]
	if pr == nil {
		pr = &presence{p: p}
		s.online[p.ID] = pr
		s.presence = true
		s.mark(false)
	}
	if pr.n++; pr.n == 1 && s.cfg.Share != nil {
		s.cfg.Share.Online(p, true)
	}
	return true
}

// Leave removes c from the lobby.
func (l *Lobby) Leave(c table.Conn) {
	l.act.Post(func(s *state) {
		m := s.conns[c]
		if m == nil {
			return
		}
		delete(s.conns, c)
		s.drop(c, m)
		s.stopWhole(m)
		p := c.Player()
		if p.ID == "" {
			s.guests--
			s.guestsNew = true
			s.mark(false)
		} else if pr := s.online[p.ID]; pr != nil {
			if pr.n--; pr.n <= 0 {
				pr.n = 0
				if s.cfg.Share != nil {
					s.cfg.Share.Online(p, false)
				}
				s.offlineCheck(pr)
			}
		}
	})
}

// Chat posts a line of lobby chat from c's player. Rate limits are the
// caller's.
func (l *Lobby) Chat(c table.Conn, text string) {
	l.act.Post(func(s *state) {
		line := protocol.ChatLine{From: c.Player(), Text: text, At: s.clk.Now().UnixMilli()}
		s.addChat(line)
		if s.cfg.Share != nil {
			s.cfg.Share.Chat(line)
		}
	})
}

// offlineCheck tells the lobby a player went offline when no process has a
// connection of theirs left.
func (s *state) offlineCheck(pr *presence) {
	if pr.online() {
		return
	}
	delete(s.online, pr.p.ID)
	s.presence = true
	s.mark(false)
}

// addChat keeps a lobby chat line and sends it at the next flush.
func (s *state) addChat(line protocol.ChatLine) {
	s.chat = append(s.chat, line)
	if len(s.chat) > chatKeep {
		s.chat = append(s.chat[:0], s.chat[len(s.chat)-chatKeep:]...)
	}
	s.chatPending = append(s.chatPending, line)
	s.mark(true)
}

// Set sets a new table for player p, connected from address from: it is
// in the convention state at once and the lobby shows it with its
// countdown. A player has at most MaxTablesPerPlayer unfinished tables,
// and one address at most MaxTablesPerIP, whoever set them (an invalid
// from, an unknown address, is not counted). The error is a
// protocol.Error.
func (l *Lobby) Set(p protocol.Player, from netip.Addr) (*table.Table, error) {
	var t *table.Table
	err := error(protocol.Error{Code: protocol.ErrInternal, Text: "the lobby is closed"})
	l.act.Ask(func(s *state) { t, err = s.set(p, from) })
	return t, err
}

func (s *state) set(p protocol.Player, from netip.Addr) (*table.Table, error) {
	mine, here := 0, 0
	for id, sum := range s.summaries {
		if sum.State == protocol.StateFinished {
			continue
		}
		if sum.Creator.ID == p.ID {
			mine++
		}
		if from.IsValid() && s.setFrom[id] == from {
			here++
		}
	}
	if mine >= s.cfg.MaxTablesPerPlayer {
		return nil, protocol.Error{Code: protocol.ErrTableLimit, Text: fmt.Sprintf("you have set %d tables already", mine)}
	}
	if here >= s.cfg.MaxTablesPerIP {
		return nil, protocol.Error{Code: protocol.ErrTableLimit, Text: fmt.Sprintf("%d tables were set from your address already", here)}
	}
	if len(s.tables) >= s.cfg.MaxTables {
		s.reclaimFinished()
	}
	if len(s.tables) >= s.cfg.MaxTables {
		return nil, protocol.Error{Code: protocol.ErrClubFull, Text: "the club has no room for another table"}
	}
	id := s.newID()
	for s.tables[id] != nil || s.early[id] != nil || s.remote[id] { // a restored or remote table's id
		id = s.newID()
	}
	cfg := s.tableConfig(id)
	cfg.Creator = p
	t, err := table.New(cfg)
	if err != nil {
		s.cfg.Logger.Error("cannot set a table", "err", err)
		return nil, protocol.Error{Code: protocol.ErrInternal, Text: "the table could not be set"}
	}
	s.add(t)
	if from.IsValid() {
		s.setFrom[id] = from
	}
	s.cfg.Logger.Info("table set", "table", id, "by", p.ID)
	return t, nil
}

// newID names a new table.
func (s *state) newID() string {
	if s.cfg.NewID != nil {
		return s.cfg.NewID()
	}
	s.next++
	return fmt.Sprintf("t%d", s.next)
}

// tableConfig returns the configuration of table id: the template with
// the id and the lobby's OnChange.
func (s *state) tableConfig(id string) table.Config {
	cfg := s.cfg.Table
	cfg.ID = id
	l := s.l
	cfg.OnChange = l.tableChanged
	return cfg
}

// tableChanged keeps a table's new summary for the lobby's goroutine. It
// never blocks on the lobby: the one post that takes the changes is made
// only when none is pending, and from a goroutine of its own when the
// lobby's queue is full.
func (l *Lobby) tableChanged(sum protocol.Summary) {
	l.changesMu.Lock()
	if l.changes == nil {
		l.changes = map[string]protocol.Summary{}
	}
	l.changes[sum.ID] = sum
	post := !l.posted
	l.posted = true
	l.changesMu.Unlock()
	if post {
		take := func(s *state) { s.takeChanges() }
		if !l.act.TryPost(take) {
			go l.act.Post(take) // full (or stopped: Post returns at once)
		}
	}
}

// takeChanges records the summaries the tables reported since the last time.
func (s *state) takeChanges() {
	l := s.l
	l.changesMu.Lock()
	changes := l.changes
	l.changes, l.posted = nil, false
	l.changesMu.Unlock()
	for _, sum := range changes {
		s.update(sum)
	}
}

// add lists a new table.
func (s *state) add(t *table.Table) {
	s.tables[t.ID()] = t
	s.order = append(s.order, t.ID())
	s.update(t.Initial())
}

// Restore adopts the tables of the pulkas in progress when the server
// stopped (journal.Journal.InProgress), rebuilt with table.Restore and the
// lobby's table template: they are listed as playing, and SeatedAt finds
// them for their players when they sign in again. Call it at start, before
// the first Set: new tables never take a restored table's id. A pulka
// whose table cannot be rebuilt (or whose id is taken) is left out and
// named in the error; the others are adopted all the same.
//
// Each table is rebuilt outside the lobby's goroutine (a table tells the
// lobby its changes, and must never wait on a lobby that waits on it); its
// id is reserved first, and the changes it reports before it is listed are
// kept, so the lobby lists its latest summary.
func (l *Lobby) Restore(rs []table.Resume) error {
	var errs []error
	for _, r := range rs {
		if err := l.restore(r); err != nil {
			l.tableDefaults.Logger.Error("cannot restore a table", "table", r.Table, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (l *Lobby) restore(r table.Resume) error {
	closed := fmt.Errorf("lobby: restore table %q: the lobby is closed", r.Table)
	var cfg table.Config
	err := closed
	l.act.Ask(func(s *state) {
		if r.Table == "" || s.tables[r.Table] != nil || s.early[r.Table] != nil {
			err = fmt.Errorf("lobby: restore table %q: no id or the id is taken", r.Table)
			return
		}
		s.early[r.Table] = &protocol.Summary{}
		if n, e := strconv.Atoi(strings.TrimPrefix(r.Table, "t")); e == nil && strings.HasPrefix(r.Table, "t") && n > s.next {
			s.next = n
		}
		cfg, err = s.tableConfig(r.Table), nil
	})
	if err != nil {
		return err
	}
	t, rerr := table.Restore(cfg, r)
	listed := false
	l.act.Ask(func(s *state) {
		early := s.early[r.Table]
		delete(s.early, r.Table)
		if rerr != nil {
			return
		}
		s.tables[r.Table] = t
		if s.remote[r.Table] {
			delete(s.remote, r.Table) // taken over: listed already
		} else {
			s.order = append(s.order, r.Table)
		}
		sum := t.Initial()
		if early.ID != "" {
			sum = *early // newer than Initial
		}
		s.update(sum)
		listed = true
		s.cfg.Logger.Info("table restored", "table", r.Table, "state", sum.State)
	})
	switch {
	case rerr != nil:
		return fmt.Errorf("lobby: %w: %w", ErrUnrestorable, rerr)
	case !listed:
		t.Stop()
		return closed
	}
	return nil
}

// Table returns the table with the given id.
func (l *Lobby) Table(id string) (*table.Table, bool) {
	var t *table.Table
	l.act.Ask(func(s *state) { t = s.tables[id] })
	return t, t != nil
}

// SeatedAt returns the tables where player id sits, as the lobby last
// heard from them.
func (l *Lobby) SeatedAt(id string) []*table.Table {
	var out []*table.Table
	l.act.Ask(func(s *state) {
		for _, tid := range s.order {
			if s.tables[tid] == nil {
				continue // run by another process: SeatedAtIDs
			}
			for _, seat := range s.summaries[tid].Seats {
				if !seat.Bot && seat.Player.ID == id {
					out = append(out, s.tables[tid])
					break
				}
			}
		}
	})
	return out
}

// SeatedAtIDs returns the ids of the tables where player id sits, those
// run by other processes included, as the lobby last heard from them.
func (l *Lobby) SeatedAtIDs(id string) []string {
	var out []string
	l.act.Ask(func(s *state) {
		for _, tid := range s.order {
			for _, seat := range s.summaries[tid].Seats {
				if !seat.Bot && seat.Player.ID == id {
					out = append(out, tid)
					break
				}
			}
		}
	})
	return out
}

// Tables returns the summaries of every table, oldest first.
func (l *Lobby) Tables() []protocol.Summary {
	var out []protocol.Summary
	l.act.Ask(func(s *state) {
		for _, id := range s.order {
			out = append(out, s.summaries[id])
		}
	})
	return out
}

// Version returns the version of the last delta sent.
func (l *Lobby) Version() uint64 {
	var v uint64
	l.act.Ask(func(s *state) { v = s.v })
	return v
}

// update records a table's new summary; a free table is reclaimed.
func (s *state) update(sum protocol.Summary) {
	if _, ok := s.tables[sum.ID]; !ok {
		if early := s.early[sum.ID]; early != nil {
			*early = sum // a table being restored: listed once rebuilt
		}
		return
	}
	if sum.State == protocol.StateFree {
		s.remove(sum.ID)
		return
	}
	if s.cfg.Share != nil {
		s.cfg.Share.Table(sum)
	}
	s.put(sum)
}

// put lists table sum's summary, a change to flush: a change of its
// watchers alone is presence (see mark). It reports whether the table was
// listed before.
func (s *state) put(sum protocol.Summary) (listed bool) {
	old, listed := s.summaries[sum.ID]
	s.summaries[sum.ID] = sum
	s.changed[sum.ID] = true
	s.tablesDirty = true
	s.mark(!listed || !watchersOnly(old, sum))
	return listed
}

// watchersOnly reports whether summaries a and b differ in their watchers
// at most. It compares the fields one by one: it runs for every summary a
// table reports (a watch storm makes one per watch), where reflection cost
// more than the rest of the update (TestWatchersOnlyComparesEveryField
// fails when a field is added to protocol.Summary and not here).
func watchersOnly(a, b protocol.Summary) bool {
	return a.ID == b.ID && a.State == b.State && a.Creator == b.Creator && a.Preset == b.Preset &&
		a.Players == b.Players && a.PoolTarget == b.PoolTarget && a.MoveTime == b.MoveTime &&
		a.TimeoutAction == b.TimeoutAction && a.Deals == b.Deals && a.Deadline == b.Deadline &&
		a.Unstored == b.Unstored && slices.Equal(a.Seats, b.Seats)
}

// remove reclaims table id.
func (s *state) remove(id string) {
	t := s.tables[id]
	delete(s.tables, id)
	delete(s.remote, id)
	delete(s.summaries, id)
	delete(s.setFrom, id)
	delete(s.changed, id)
	for i, x := range s.order {
		if x == id {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	s.tablesDirty = true
	s.mark(true)
	if t == nil {
		return // run by another process
	}
	if s.cfg.Share != nil {
		s.cfg.Share.Table(protocol.Summary{ID: id, State: protocol.StateFree})
	}
	// stopped in its own goroutine: the table may be waiting to tell the lobby
	go t.Stop()
	s.cfg.Logger.Info("table reclaimed", "table", id)
}

// reclaimFinished removes the oldest finished table nobody watches, or
// else the oldest finished one; never one whose pulka is not stored yet
// (Summary.Unstored), which the table keeps until it is.
func (s *state) reclaimFinished() {
	for _, watched := range []bool{false, true} {
		for _, id := range s.order {
			if sum := s.summaries[id]; s.tables[id] != nil && sum.State == protocol.StateFinished && !sum.Unstored && (watched || sum.Watchers == 0) {
				s.remove(id)
				return
			}
		}
	}
}

// mark notes a change to flush: urgent (a table came, went or changed
// more than its watchers; a chat line) within Config.Flush, else (presence
// alone: guests, who came online or went, tables whose watchers alone
// changed) within Config.PresenceFlush, unless a flush is due sooner.
// Every change of the lobby is marked here, and nowhere else decides
// its urgency.
func (s *state) mark(urgent bool) {
	s.urgent = s.urgent || urgent
	s.arm()
}

// arm schedules a flush of what is pending (see mark).
func (s *state) arm() {
	d := s.cfg.PresenceFlush
	if s.urgent {
		d = s.cfg.Flush
	}
	due := s.clk.Now().Add(d)
	if s.armed && !due.Before(s.due) {
		return
	}
	s.armed, s.due = true, due
	s.armGen++
	gen, l := s.armGen, s.l
	s.clk.AfterFunc(d, func() {
		l.act.Post(func(s *state) {
			if s.armed && s.armGen == gen {
				s.flush()
			}
		})
	})
}

// flush sends each view's followers what changed in it since the last
// flush, as one delta at the next version.
func (s *state) flush() {
	s.armed, s.urgent = false, false
	tables, presence, guests := s.tablesDirty, s.presence, s.guestsNew
	if !tables && !presence && !guests && len(s.chatPending) == 0 {
		return
	}
	s.v++
	if tables {
		s.sortTables()
	}
	if presence {
		s.sortNames()
	}
	s.sentGuests = s.allGuests()
	for _, vw := range s.views {
		s.flushView(vw, tables, presence)
	}
	clear(s.changed)
	s.tablesDirty, s.presence, s.guestsNew, s.chatPending = false, false, false, nil
	if s.cfg.Metrics != nil && tables {
		s.cfg.Metrics.Tables(map[string]int{
			string(protocol.StateWaiting): s.counts.Waiting, string(protocol.StateConvention): s.counts.Convention,
			string(protocol.StatePlaying): s.counts.Playing, string(protocol.StateFinished): s.counts.Finished,
		})
	}
}

// Offer returns what the conventions dialog offers at this club's tables.
func (l *Lobby) Offer() protocol.Offer {
	return table.Offer(l.tableDefaults.Options)
}

// PutRemote lists sum, the summary of a table another process runs (state
// "free": the table is gone). A table this process runs keeps its own
// summary.
func (l *Lobby) PutRemote(sum protocol.Summary) {
	l.act.Post(func(s *state) {
		if sum.ID == "" || s.tables[sum.ID] != nil || s.early[sum.ID] != nil {
			return
		}
		if sum.State == protocol.StateFree {
			if s.remote[sum.ID] {
				s.remove(sum.ID)
			}
			delete(s.setFrom, sum.ID) // an address told before a summary
			return
		}
		s.remote[sum.ID] = true
		if !s.put(sum) {
			s.order = append(s.order, sum.ID)
		}
	})
}

// Remote reports whether table id is listed as run by another process.
func (l *Lobby) Remote(id string) bool {
	var r bool
	l.act.Ask(func(s *state) { r = s.remote[id] })
	return r
}

// Disown stops table id of this process (its lease moved to another
// process) and keeps listing it as a remote table until its new owner
// reports. It returns false when the process does not run id.
func (l *Lobby) Disown(id string) bool {
	var t *table.Table
	l.act.Ask(func(s *state) {
		if t = s.tables[id]; t != nil {
			delete(s.tables, id)
			s.remote[id] = true
		}
	})
	if t == nil {
		return false
	}
	t.Stop()
	return true
}

// Local returns the ids of the tables this process runs.
func (l *Lobby) Local() []string {
	var out []string
	l.act.Ask(func(s *state) {
		for _, id := range s.order {
			if s.tables[id] != nil {
				out = append(out, id)
			}
		}
	})
	return out
}

// PeerOnline tells that player p's first connection to process peer came
// (online) or its last one went.
func (l *Lobby) PeerOnline(peer string, p protocol.Player, online bool) {
	l.act.Post(func(s *state) {
		pr := s.online[p.ID]
		switch {
		case online && pr == nil:
			s.online[p.ID] = &presence{p: p, peers: map[string]bool{peer: true}}
			s.presence = true
			s.mark(false)
		case online:
			if pr.peers == nil {
				pr.peers = map[string]bool{}
			}
			pr.peers[peer] = true
		case pr != nil:
			delete(pr.peers, peer)
			s.offlineCheck(pr)
		}
	})
}

// PeerGone forgets every connection of process peer (it stopped or
// died): who was online only there goes offline.
func (l *Lobby) PeerGone(peer string) {
	l.act.Post(func(s *state) {
		for _, pr := range s.online {
			if pr.peers[peer] {
				delete(pr.peers, peer)
				s.offlineCheck(pr)
			}
		}
	})
}

// PeerChat adds a lobby chat line said on another process.
func (l *Lobby) PeerChat(line protocol.ChatLine) {
	l.act.Post(func(s *state) { s.addChat(line) })
}
