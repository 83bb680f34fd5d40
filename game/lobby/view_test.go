package lobby

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
)

// folded is a client's lobby after it applied the lobby messages it got,
// as the page does.
type folded struct {
	v       uint64
	view    protocol.LobbyView
	tables  map[string]protocol.Summary
	total   int
	counts  protocol.TableCounts
	names   map[string]bool
	players int
	guests  int
	chat    int
	wholes  int // "lobby" messages
	deltas  int
	errors  []protocol.Code
}

// fold applies c's messages in order (those it has not applied yet); a
// delta that does not apply to the version folded so far fails the test.
// The maps of what it returns are c's: read them only.
func (c *fakeConn) fold(t *testing.T) folded {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.folded
	if f.tables == nil {
		f = folded{tables: map[string]protocol.Summary{}, names: map[string]bool{}}
	}
	defer func() { c.folded, c.foldedUpTo = f, len(c.msgs) }()
	for _, m := range c.msgs[c.foldedUpTo:] {
		var head struct{ Type string }
		_ = json.Unmarshal([]byte(m), &head)
		switch head.Type {
		case "lobby":
			var l protocol.Lobby
			if err := json.Unmarshal([]byte(m), &l); err != nil {
				t.Fatal(err)
			}
			f = folded{v: l.V, view: l.View, tables: map[string]protocol.Summary{}, names: map[string]bool{}, total: l.Total, counts: l.Counts,
				players: l.Players, guests: l.Guests, chat: len(l.Chat), wholes: f.wholes + 1, deltas: f.deltas, errors: f.errors}
			for _, s := range l.Tables {
				f.tables[s.ID] = s
			}
			for _, p := range l.Online {
				f.names[p.ID] = true
			}
		case "lobby_delta":
			var d protocol.LobbyDelta
			if err := json.Unmarshal([]byte(m), &d); err != nil {
				t.Fatal(err)
			}
			if d.V <= f.v {
				continue
			}
			if d.Since != f.v {
				t.Fatalf("delta v%d since v%d after v%d", d.V, d.Since, f.v)
			}
			f.v = d.V
			f.deltas++
			for _, s := range d.Tables {
				f.tables[s.ID] = s
			}
			for _, id := range d.Removed {
				delete(f.tables, id)
			}
			for _, p := range d.Joined {
				f.names[p.ID] = true
			}
			for _, p := range d.Gone {
				delete(f.names, p.ID)
			}
			if d.Total != nil {
				f.total = *d.Total
			}
			if d.Counts != nil {
				f.counts = *d.Counts
			}
			if d.Players != nil {
				f.players = *d.Players
			}
			if d.Guests != nil {
				f.guests = *d.Guests
			}
			f.chat += len(d.Chat)
		case "error":
			var e protocol.Error
			if err := json.Unmarshal([]byte(m), &e); err != nil {
				t.Fatal(err)
			}
			f.errors = append(f.errors, e.Code)
		}
	}
	return f
}

// same reports how a and b differ as lobbies (tables, counts, names),
// "" when they do not.
func same(a, b folded) string {
	switch {
	case a.v != b.v:
		return fmt.Sprintf("version %d, want %d", a.v, b.v)
	case !reflect.DeepEqual(a.tables, b.tables):
		return fmt.Sprintf("tables %v, want %v", slices.Sorted(mapsKeys(a.tables)), slices.Sorted(mapsKeys(b.tables)))
	case a.total != b.total || a.counts != b.counts:
		return fmt.Sprintf("total %d counts %+v, want %d %+v", a.total, a.counts, b.total, b.counts)
	case !reflect.DeepEqual(a.names, b.names) || a.players != b.players:
		return fmt.Sprintf("names %v (%d), want %v (%d)", a.names, a.players, b.names, b.players)
	case a.guests != b.guests:
		return fmt.Sprintf("guests %d, want %d", a.guests, b.guests)
	}
	return ""
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// manualLobby is a lobby that flushes only when told (flush).
func manualLobby(t testing.TB, cfg Config) (*Lobby, *manualClock) {
	t.Helper()
	clk := &manualClock{now: time.Unix(1_800_000_000, 0)}
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Flush, cfg.PresenceFlush = time.Hour, time.Hour
	cfg.Table.Clock = clk
	l := New(cfg)
	t.Cleanup(l.Stop)
	return l, clk
}

func flush(l *Lobby) { l.act.Ask(func(s *state) { s.flush() }) }

// remote is a summary of another process's table: state, players, preset,
// empty seats and watchers as given.
func remote(id string, st protocol.State, players int, preset string, empty, watchers int) protocol.Summary {
	sum := protocol.Summary{ID: id, State: st, Creator: protocol.Player{ID: id + "c", Name: id + "c"}, Preset: preset, Players: players,
		PoolTarget: 10, MoveTime: 60, TimeoutAction: "auto-pass", Watchers: watchers}
	for i := range players {
		seat := protocol.Seat{Player: protocol.Player{ID: fmt.Sprint(id, "p", i), Name: fmt.Sprint(id, "p", i)}, Online: true}
		if i >= players-empty {
			seat = protocol.Seat{}
		}
		sum.Seats = append(sum.Seats, seat)
	}
	return sum
}

// whole is the view v as a new connection (a guest) gets it.
func whole(t *testing.T, l *Lobby, v *protocol.LobbyView) folded {
	t.Helper()
	c := &fakeConn{}
	l.JoinView(c, netip.Addr{}, 0, v)
	l.Leave(c)
	l.Version()
	return c.fold(t)
}

func TestAViewIsTheFirstTablesInTheLobbysOrderAndCountsTheRest(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	var all []protocol.Summary
	for i := range 120 {
		id := fmt.Sprint("r", i)
		var sum protocol.Summary
		switch i % 6 {
		case 0:
			sum = remote(id, protocol.StateWaiting, 3, "sochi", 2, 0)
		case 1:
			sum = remote(id, protocol.StateWaiting, 4, "leningrad", 1, 0)
		case 2:
			sum = remote(id, protocol.StateConvention, 3, "sochi", 3, 0)
		case 3, 4:
			sum = remote(id, protocol.StatePlaying, 3+i%2, "rostov", 0, i%7)
		case 5:
			sum = remote(id, protocol.StateFinished, 3, "sochi", 0, 0)
		}
		all = append(all, sum)
		l.PutRemote(sum)
	}
	flush(l)
	tests := []struct {
		name string
		view *protocol.LobbyView
		want func(protocol.Summary) bool
		n    int
	}{
		{"the default view is the first 50 of every table", nil, func(protocol.Summary) bool { return true }, protocol.DefaultLobbyTables},
		{"a smaller page", &protocol.LobbyView{Tables: 7}, func(protocol.Summary) bool { return true }, 7},
		{"waiting only", &protocol.LobbyView{State: protocol.StateWaiting}, func(s protocol.Summary) bool { return s.State == protocol.StateWaiting }, 40},
		{"playing only, 10", &protocol.LobbyView{State: protocol.StatePlaying, Tables: 10}, func(s protocol.Summary) bool { return s.State == protocol.StatePlaying }, 10},
		{"four players", &protocol.LobbyView{Players: 4}, func(s protocol.Summary) bool { return s.Players == 4 }, 40},
		{"a preset", &protocol.LobbyView{Preset: "leningrad"}, func(s protocol.Summary) bool { return s.Preset == "leningrad" }, 20},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeConn{}
			l.JoinView(c, testAddr(i), 0, tt.view)
			l.Version()
			var got protocol.Lobby
			c.mu.Lock()
			err := json.Unmarshal([]byte(c.msgs[0]), &got)
			c.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			var match []protocol.Summary
			for _, s := range all {
				if tt.want(s) {
					match = append(match, s)
				}
			}
			slices.SortFunc(match, protocol.TableOrder)
			if got.Total != len(match) || len(got.Tables) != tt.n {
				t.Fatalf("%d tables of %d, want %d of %d", len(got.Tables), got.Total, tt.n, len(match))
			}
			for i, s := range got.Tables {
				if s.ID != match[i].ID {
					t.Fatalf("table %d is %s, want %s", i, s.ID, match[i].ID)
				}
			}
			if want := (protocol.TableCounts{Waiting: 40, Convention: 20, Playing: 40, Finished: 20}); got.Counts != want {
				t.Fatalf("counts %+v, want %+v", got.Counts, want)
			}
		})
	}
}

func TestTheLobbysOrder(t *testing.T) {
	tests := []struct {
		name  string
		first protocol.Summary
		then  protocol.Summary
	}{
		{"a waiting table before one being set", remote("t9", protocol.StateWaiting, 3, "sochi", 2, 0), remote("t1", protocol.StateConvention, 3, "sochi", 3, 0)},
		{"the fuller waiting table first", remote("t9", protocol.StateWaiting, 4, "sochi", 1, 0), remote("t1", protocol.StateWaiting, 3, "sochi", 2, 0)},
		{"a table being set before a playing one", remote("t9", protocol.StateConvention, 3, "sochi", 3, 0), remote("t1", protocol.StatePlaying, 3, "sochi", 0, 9)},
		{"the more watched playing table first", remote("t9", protocol.StatePlaying, 3, "sochi", 0, 5), remote("t1", protocol.StatePlaying, 3, "sochi", 0, 4)},
		{"a playing table before a finished one", remote("t9", protocol.StatePlaying, 3, "sochi", 0, 0), remote("t1", protocol.StateFinished, 3, "sochi", 0, 9)},
		{"else t9 before t10", remote("t9", protocol.StatePlaying, 3, "sochi", 0, 1), remote("t10", protocol.StatePlaying, 3, "sochi", 0, 1)},
	}
	for _, tt := range tests {
		if protocol.TableOrder(tt.first, tt.then) >= 0 || protocol.TableOrder(tt.then, tt.first) <= 0 {
			t.Errorf("%s: %s is not before %s", tt.name, tt.first.ID, tt.then.ID)
		}
	}
}

// Whatever changes, a follower's view folded from its deltas is the view
// a new connection gets whole: tables, counts, names and guests.
func TestAFollowersFoldedViewIsTheWholeView(t *testing.T) {
	views := []*protocol.LobbyView{nil, {Tables: 5}, {State: protocol.StateWaiting, Tables: 3}, {Online: 3, Players: 4}, {Preset: "rostov", Tables: 2, Online: 1}}
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			l, _ := manualLobby(t, Config{})
			rng := rand.New(rand.NewPCG(seed, 8))
			followers := make([]*fakeConn, len(views))
			for i, v := range views {
				followers[i] = &fakeConn{}
				l.JoinView(followers[i], netip.Addr{}, 0, v)
			}
			states := []protocol.State{protocol.StateWaiting, protocol.StateConvention, protocol.StatePlaying, protocol.StateFinished, protocol.StateFree}
			presets := []string{"sochi", "rostov", "leningrad"}
			for round := range 60 {
				for range 1 + rng.IntN(8) {
					switch rng.IntN(4) {
					case 0, 1:
						players := 3 + rng.IntN(2)
						l.PutRemote(remote(fmt.Sprint("r", rng.IntN(30)), states[rng.IntN(len(states))], players, presets[rng.IntN(3)], rng.IntN(players+1), rng.IntN(6)))
					case 2:
						n := rng.IntN(12)
						l.PeerOnline("b", protocol.Player{ID: fmt.Sprint("p", n), Name: fmt.Sprint("Name ", n%5)}, rng.IntN(2) == 0)
					case 3:
						l.PeerGuests("b", rng.IntN(3))
					}
				}
				flush(l)
				for i, v := range views {
					got, want := followers[i].fold(t), whole(t, l, v)
					if d := same(got, want); d != "" {
						t.Fatalf("round %d, view %+v: the follower has %s", round, v, d)
					}
				}
			}
			for i := range views {
				if f := followers[i].fold(t); f.wholes != 1 || f.deltas == 0 {
					t.Fatalf("view %+v: %d wholes and %d deltas, want 1 whole then deltas", views[i], f.wholes, f.deltas)
				}
			}
		})
	}
}

// A change outside a view sends its followers nothing; one inside sends
// that table alone; a table that climbs into the page pushes the last out.
func TestADeltaHoldsOnlyWhatChangedInTheView(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	for i := range 10 {
		l.PutRemote(remote(fmt.Sprint("r", i), protocol.StatePlaying, 3, "sochi", 0, 10-i)) // r0 the most watched
	}
	flush(l)
	c := &fakeConn{}
	l.JoinView(c, netip.Addr{}, 0, &protocol.LobbyView{Tables: 3}) // r0, r1, r2
	flush(l)                                                       // c counted as a guest
	base := len(c.deltas(t))
	deltas := func() []protocol.LobbyDelta { return c.deltas(t)[base:] }

	sum := remote("r8", protocol.StatePlaying, 3, "sochi", 0, 2)
	sum.Deals = 4
	l.PutRemote(sum) // outside the page: nothing the view shows changed
	flush(l)
	if ds := deltas(); len(ds) != 0 {
		t.Fatalf("a change outside the view sent %+v", ds)
	}

	sum = remote("r1", protocol.StatePlaying, 3, "sochi", 0, 9)
	sum.Deals = 1
	l.PutRemote(sum)
	flush(l)
	ds := deltas()
	if len(ds) != 1 || len(ds[0].Tables) != 1 || ds[0].Tables[0].ID != "r1" || ds[0].Removed != nil || ds[0].Total != nil || ds[0].Counts != nil {
		t.Fatalf("a change of r1 sent %+v, want r1 alone", ds)
	}

	l.PutRemote(remote("r9", protocol.StatePlaying, 3, "sochi", 0, 50)) // now the most watched
	flush(l)
	ds = deltas()
	if len(ds) != 2 || len(ds[1].Tables) != 1 || ds[1].Tables[0].ID != "r9" || !slices.Equal(ds[1].Removed, []string{"r2"}) {
		t.Fatalf("r9 climbing sent %+v, want r9 in and r2 out", ds[1:])
	}

	l.PutRemote(remote("r10", protocol.StateFinished, 3, "sochi", 0, 0)) // past the page: the counts change
	flush(l)
	ds = deltas()
	if len(ds) != 3 || ds[2].Tables != nil || ds[2].Total == nil || *ds[2].Total != 11 || ds[2].Counts == nil || ds[2].Counts.Finished != 1 {
		t.Fatalf("a table past the page sent %+v, want the counts alone", ds[2:])
	}
}

// The names listed are the first Online by name; the rest is a count, and
// a delta carries the names that came into the list or left it, never
// more than twice the list.
func TestOnlineIsTheFirstNamesAndACount(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	c := &fakeConn{}
	l.JoinView(c, netip.Addr{}, 0, &protocol.LobbyView{Online: 3})
	for _, n := range []string{"Dora", "Boris", "Gleb", "Vera", "Egor"} {
		l.PeerOnline("b", protocol.Player{ID: n, Name: n}, true)
	}
	flush(l)
	f := c.fold(t)
	if want := map[string]bool{"Boris": true, "Dora": true, "Egor": true}; !reflect.DeepEqual(f.names, want) || f.players != 5 {
		t.Fatalf("names %v of %d, want %v of 5", f.names, f.players, want)
	}
	l.PeerOnline("b", protocol.Player{ID: "Anna", Name: "Anna"}, true)
	flush(l)
	ds := c.deltas(t)
	last := ds[len(ds)-1]
	if len(last.Joined) != 1 || last.Joined[0].ID != "Anna" || len(last.Gone) != 1 || last.Gone[0].ID != "Egor" || last.Players == nil || *last.Players != 6 {
		t.Fatalf("Anna came: %+v, want Anna in, Egor out, 6 online", last)
	}
	l.PeerOnline("b", protocol.Player{ID: "Zoya", Name: "Zoya"}, true)
	flush(l)
	ds = c.deltas(t)
	if last := ds[len(ds)-1]; last.Joined != nil || last.Gone != nil || last.Players == nil || *last.Players != 7 {
		t.Fatalf("Zoya came past the list: %+v, want the count alone", last)
	}
}

// stormBytes is the lobby bytes n named players get as they sign in one
// after another into an empty lobby, over ten presence flushes (a storm
// lasts seconds whatever its size, and presence goes out once a second).
func stormBytes(t *testing.T, n int) int {
	l, _ := manualLobby(t, Config{})
	total := 0
	for _, c := range signinStorm(l, n) {
		total += c.bytes
	}
	return total
}

// A sign-in storm of named players costs each of them about the same
// bytes however many sign in (a count and a bounded list of names), where
// listing every name to everyone made it grow with the storm (N² bytes).
func TestASigninStormsBytesGrowWithThePlayersNotTheirSquare(t *testing.T) {
	small, big := stormBytes(t, 200)/200, stormBytes(t, 1600)/1600
	if float64(big) > 1.5*float64(small) {
		t.Fatalf("bytes per player: %d at 200 players, %d at 1,600", small, big)
	}
}

func TestRepeatedWholeViewsArePaced(t *testing.T) {
	l, clk := manualLobby(t, Config{ResyncEvery: time.Second})
	l.PutRemote(remote("r1", protocol.StateWaiting, 3, "sochi", 1, 0))
	flush(l)
	c := conn("Anna")
	l.Join(c, 0)
	for range 20 {
		l.Follow(c, 0)
	}
	l.Version()
	if f := c.fold(t); f.wholes != resyncBurst {
		t.Fatalf("a join and 20 follows with v 0 at once: %d wholes, want %d", f.wholes, resyncBurst)
	}
	clk.advance(time.Second)
	l.Version()
	if f := c.fold(t); f.wholes != resyncBurst+1 {
		t.Fatalf("a second later: %d wholes, want %d (the ones asked meanwhile are one)", f.wholes, resyncBurst+1)
	}
	clk.advance(time.Minute)
	l.Version()
	if f := c.fold(t); f.wholes != resyncBurst+1 {
		t.Fatalf("a minute later, nothing asked: %d wholes, want %d", f.wholes, resyncBurst+1)
	}
	v := c.fold(t).v
	for range 10 {
		l.Follow(c, v) // up to date: nothing to send
	}
	l.Version()
	if f := c.fold(t); f.wholes != resyncBurst+1 || f.deltas != 0 {
		t.Fatalf("follows with the version it has: %d wholes %d deltas, want nothing sent", f.wholes, f.deltas)
	}
	// it still gets its deltas
	l.PutRemote(remote("r2", protocol.StateWaiting, 3, "sochi", 1, 0))
	flush(l)
	if f := c.fold(t); f.deltas != 1 || len(f.tables) != 2 {
		t.Fatalf("after the follows: %d deltas, tables %v", f.deltas, f.tables)
	}
}

// A client that leaves its view and follows it again from its version
// gets the deltas of its view it missed, or the whole view when they are
// no longer kept (the kept deltas are bounded by Config.EventBytes).
func TestARefollowGetsTheMissedDeltasOfItsViewOrTheWhole(t *testing.T) {
	for _, tt := range []struct {
		name       string
		eventBytes int
		wantWhole  bool
	}{
		{"the deltas are kept", 0, false},
		{"the deltas are gone", 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := manualLobby(t, Config{EventBytes: tt.eventBytes})
			view := &protocol.LobbyView{Tables: 4, State: protocol.StateWaiting}
			c, other := &fakeConn{}, &fakeConn{}
			l.JoinView(c, netip.Addr{}, 0, view)
			l.JoinView(other, netip.Addr{}, 0, view) // keeps the view's deltas coming
			l.PutRemote(remote("r0", protocol.StateWaiting, 3, "sochi", 1, 0))
			flush(l)
			l.Unfollow(c)
			l.Version()
			var left protocol.LobbyLeft
			c.mu.Lock()
			_ = json.Unmarshal([]byte(c.msgs[len(c.msgs)-1]), &left)
			c.mu.Unlock()
			if left.V != c.fold(t).v {
				t.Fatalf("lobby_left at v%d, want the version it had, v%d", left.V, c.fold(t).v)
			}
			for i := range 3 {
				l.PutRemote(remote(fmt.Sprint("r", i+1), protocol.StateWaiting, 3, "sochi", 1, 0))
				l.PutRemote(remote(fmt.Sprint("x", i), protocol.StatePlaying, 3, "sochi", 0, 0)) // not in the view
				flush(l)
			}
			if f := c.fold(t); f.deltas != 1 {
				t.Fatalf("%d deltas while not following, want the one before", f.deltas)
			}
			l.FollowView(c, left.V, view)
			l.Version()
			f := c.fold(t)
			if d := same(f, whole(t, l, view)); d != "" {
				t.Fatalf("after following again the client has %s", d)
			}
			if gotWhole := f.wholes == 2; gotWhole != tt.wantWhole {
				t.Fatalf("%d wholes and %d deltas after following again; want whole %v", f.wholes, f.deltas, tt.wantWhole)
			}
			l.act.Ask(func(s *state) {
				vw := s.views[view.Normal()]
				if limit := max(s.cfg.EventBytes/8, vw.ring[len(vw.ring)-1].enc.Len()); vw.ringSize > limit {
					t.Errorf("the view keeps %d bytes of deltas, over %d", vw.ringSize, limit)
				}
			})
		})
	}
}

func TestAnotherViewComesWholeWhateverTheVersion(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	for i := range 5 {
		l.PutRemote(remote(fmt.Sprint("r", i), protocol.StatePlaying, 3, "sochi", 0, i))
	}
	flush(l)
	c := &fakeConn{}
	l.Join(c, 0)
	l.Version()
	v := c.fold(t).v
	more := &protocol.LobbyView{Tables: 2}
	l.FollowView(c, v, more)
	l.Version()
	f := c.fold(t)
	if f.wholes != 2 || f.view != more.Normal() || len(f.tables) != 2 {
		t.Fatalf("another view: %d wholes, view %+v with %d tables; want it whole", f.wholes, f.view, len(f.tables))
	}
}

// testAddr is the i-th address of TEST-NET-1 (192.0.2.0/24).
func testAddr(i int) netip.Addr { return netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}) }

// The lobby keeps at most MaxViews views (each costs a pass over the
// tables at every flush); a connection asking for one more gets
// lobby_busy and keeps its own. A view nobody has any more goes.
func TestViewsAreBounded(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	var conns []*fakeConn
	for i := range MaxViews - 1 { // the default view is the first
		c := &fakeConn{}
		l.JoinView(c, testAddr(i), 0, &protocol.LobbyView{Tables: 100 + i}) // the default view has 50
		conns = append(conns, c)
	}
	extra := &fakeConn{}
	l.JoinView(extra, testAddr(200), 0, &protocol.LobbyView{Tables: 400})
	l.Version()
	f := extra.fold(t)
	if !slices.Equal(f.errors, []protocol.Code{protocol.ErrLobbyBusy}) || f.view != (protocol.LobbyView{}).Normal() {
		t.Fatalf("view %d: errors %v, view %+v; want lobby_busy and the default view", MaxViews+1, f.errors, f.view)
	}
	l.Leave(conns[0])
	l.FollowView(extra, 0, &protocol.LobbyView{Tables: 400})
	l.Version()
	if f := extra.fold(t); len(f.errors) != 1 || f.view.Tables != 400 {
		t.Fatalf("after a view went: errors %v, view %+v; want the view asked", f.errors, f.view)
	}
	l.act.Ask(func(s *state) {
		if len(s.views) != MaxViews {
			t.Errorf("%d views, want %d", len(s.views), MaxViews)
		}
	})
}

// One client address makes at most Config.ViewsPerAddress views: the
// views of the lobby are few (MaxViews), and a few connections asking for
// different ones took them all. Joining a view that exists is free.
func TestViewsPerAddress(t *testing.T) {
	a, b := testAddr(1), testAddr(2)
	page := func(n int) *protocol.LobbyView { return &protocol.LobbyView{Tables: 100 + n} }
	// a step: a new connection from an address asks for a view ("join"),
	// connection conn asks for another ("move"), or leaves ("leave");
	// busy: the answer is lobby_busy and the connection keeps its view.
	type step struct {
		op   string
		conn int
		from netip.Addr
		view *protocol.LobbyView
		busy bool
	}
	join := func(from netip.Addr, view *protocol.LobbyView, busy bool) step {
		return step{op: "join", from: from, view: view, busy: busy}
	}
	fourOf := func(from netip.Addr, first int) []step {
		var out []step
		for i := range DefaultViewsPerAddress {
			out = append(out, join(from, page(first+i), false))
		}
		return out
	}
	v6 := netip.MustParseAddr
	tests := []struct {
		name  string
		steps []step
	}{
		{"an address makes at most ViewsPerAddress views", append(fourOf(a, 0), join(a, page(9), true), join(b, page(9), false))},
		{"a view that exists is free to join", append(append(fourOf(a, 0), join(b, page(9), false)), join(a, page(9), false), join(a, nil, false))},
		{"a view gone frees its place", append(fourOf(a, 0), step{op: "leave", conn: 0}, join(a, page(9), false))},
		// The charge follows the view to an address that has it: charged
		// to its maker for as long as anyone had it, a view the whole club
		// shares (a filter, a "more") would leave its maker without a view
		// of its own to make, after the maker left it, for hours.
		{"a view shared lives on, charged to an address that has it", append(append(append(fourOf(a, 0), join(b, page(0), false), step{op: "leave", conn: 0}, join(a, page(9), false)),
			join(b, page(20), false), join(b, page(21), false), join(b, page(22), false)), join(b, page(23), true))},
		{"moving on from a view of its own frees it", append(fourOf(a, 0), step{op: "move", conn: 0, view: page(9)}, join(a, page(10), true))},
		{"moving on from a view shared frees its place", append(append(fourOf(a, 0), join(b, page(0), false), step{op: "move", conn: 0, view: page(9)}, join(a, page(10), true)),
			join(b, page(20), false), join(b, page(21), false), join(b, page(22), false), join(b, page(23), true))},
		// Passed to anyone who has it, two addresses would take every
		// view: one makes views, the other joins them, the first leaves
		// them and makes more.
		{"a view is passed only to an address with room for it", append(append(append(append(append(append(
			fourOf(a, 0), join(b, page(0), false), join(b, page(1), false), join(b, page(2), false), join(b, page(3), false)),
			step{op: "leave", conn: 0}, step{op: "leave", conn: 1}, step{op: "leave", conn: 2}, step{op: "leave", conn: 3}),
			fourOf(a, 4)...), join(b, page(4), false), join(b, page(5), false)),
			step{op: "leave", conn: 8}, step{op: "leave", conn: 9}),
			join(a, page(20), true), join(b, page(20), true))},
		{"a view stays charged to its maker while the maker's address has it", append(fourOf(a, 0), join(a, page(0), false), join(b, page(0), false), step{op: "leave", conn: 0}, join(a, page(9), true))},
		{"an IPv6 address counts by its /64", []step{
			join(v6("2001:db8::1"), page(0), false), join(v6("2001:db8::1"), page(1), false),
			join(v6("2001:db8::2"), page(2), false), join(v6("2001:db8::ffff:2"), page(3), false),
			join(v6("2001:db8::3"), page(4), true), join(v6("2001:db8:0:1::1"), page(4), false),
		}},
		{"an IPv4-mapped IPv6 address is its IPv4 address", append(fourOf(a, 0), join(netip.AddrFrom16(a.As16()), page(9), true))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := manualLobby(t, Config{})
			var conns []*fakeConn
			for i, st := range tt.steps {
				var c *fakeConn
				switch st.op {
				case "join":
					c = &fakeConn{}
					conns = append(conns, c)
					l.JoinView(c, st.from, 0, st.view)
				case "move":
					c = conns[st.conn]
					l.FollowView(c, 0, st.view)
				case "leave":
					l.Leave(conns[st.conn])
					continue
				}
				l.Version()
				f := c.fold(t)
				busy := slices.Contains(f.errors, protocol.ErrLobbyBusy)
				want := protocol.LobbyView{}.Normal()
				if !st.busy && st.view != nil {
					want = st.view.Normal()
				}
				if busy != st.busy || (st.op == "join" && f.view != want) || (!st.busy && f.view != want) {
					t.Fatalf("step %d (%s from %v for %+v): busy %v, view %+v; want busy %v", i, st.op, st.from, st.view, busy, f.view, st.busy)
				}
			}
		})
	}
}

// Whatever connections do (join with a view, move to another, unfollow,
// follow, leave), every view but the default is charged to exactly one
// address, one that a connection having the view is from unless every
// address having it is charged Config.ViewsPerAddress views already; no
// address is charged more than that, no count goes below one, and when
// everyone has left nothing is charged and only the default view is left.
func TestAViewIsChargedToAnAddressThatHasIt(t *testing.T) {
	addrs := []netip.Addr{testAddr(1), testAddr(2), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")}
	views := []*protocol.LobbyView{nil, {State: protocol.StateWaiting}, {State: protocol.StatePlaying}}
	for i := range 6 {
		views = append(views, &protocol.LobbyView{Tables: 100 + 50*i})
	}
	const perAddress = 2
	l, _ := manualLobby(t, Config{ViewsPerAddress: perAddress})
	rnd := rand.New(rand.NewPCG(8, 64))
	conns := make([]*fakeConn, 12)
	in := make([]bool, len(conns))
	check := func(step int, what string) {
		t.Helper()
		l.act.Ask(func(s *state) {
			charged := map[netip.Addr]int{}
			for key, vw := range s.views {
				if vw == s.defView {
					continue
				}
				charged[vw.chargedTo]++
				members, has, room := 0, false, false
				for _, m := range s.conns {
					if m.view == vw {
						members++
						has = has || m.from == vw.chargedTo
						room = room || s.charged[m.from] < perAddress
					}
				}
				if members != vw.members || !has && room {
					t.Fatalf("step %d (%s): view %+v has %d members (counted %d), charged to %v, one of them from it: %v, one with room: %v", step, what, key, members, vw.members, vw.chargedTo, has, room)
				}
			}
			for a, n := range s.charged {
				if n <= 0 || n > perAddress {
					t.Fatalf("step %d (%s): %v charged %d views", step, what, a, n)
				}
			}
			if !reflect.DeepEqual(charged, s.charged) && (len(charged) > 0 || len(s.charged) > 0) {
				t.Fatalf("step %d (%s): charged %v, the views say %v", step, what, s.charged, charged)
			}
		})
	}
	for step := range 3000 {
		i := rnd.IntN(len(conns))
		view := views[rnd.IntN(len(views))]
		var what string
		switch op := rnd.IntN(10); {
		case !in[i]:
			conns[i], in[i] = &fakeConn{}, true
			from := addrs[rnd.IntN(len(addrs))]
			what = fmt.Sprintf("%d joins from %v with %+v", i, from, view)
			l.JoinView(conns[i], from, 0, view)
		case op < 5:
			what = fmt.Sprintf("%d moves to %+v", i, view)
			l.FollowView(conns[i], 0, view)
		case op < 7:
			what = fmt.Sprintf("%d unfollows", i)
			l.Unfollow(conns[i])
		case op < 8:
			what = fmt.Sprintf("%d follows", i)
			l.Follow(conns[i], 0)
		default:
			what = fmt.Sprintf("%d leaves", i)
			l.Leave(conns[i])
			in[i] = false
		}
		check(step, what)
	}
	for i, c := range conns {
		if in[i] {
			l.Leave(c)
		}
	}
	l.act.Ask(func(s *state) {
		if len(s.views) != 1 || len(s.charged) != 0 {
			t.Fatalf("everyone left: %d views, charged %v", len(s.views), s.charged)
		}
	})
}

// A few connections of one address asking for many views take their
// address's share and no more: another address still gets its filter
// (they took all MaxViews views, and everyone else's filter was answered
// lobby_busy).
func TestAFewConnectionsLeaveEveryoneTheirFilters(t *testing.T) {
	l, _ := manualLobby(t, Config{})
	for i := range 2 * MaxViews {
		l.JoinView(&fakeConn{}, testAddr(1), 0, &protocol.LobbyView{Tables: 100 + i%4, Online: 1 + i/4})
	}
	c := &fakeConn{}
	waiting := &protocol.LobbyView{State: protocol.StateWaiting}
	l.JoinView(c, testAddr(2), 0, waiting)
	l.Version()
	if f := c.fold(t); len(f.errors) != 0 || f.view != waiting.Normal() {
		t.Fatalf("another address asking for the waiting tables: errors %v, view %+v", f.errors, f.view)
	}
	l.act.Ask(func(s *state) {
		if want := 1 + DefaultViewsPerAddress + 1; len(s.views) != want {
			t.Errorf("%d views, want %d (the default, the first address's share, the waiting tables)", len(s.views), want)
		}
	})
}

// watchersOnly decides whether a table's change is presence alone; a
// field of protocol.Summary it did not compare would make a real change
// wait for the presence flush.
func TestWatchersOnlyComparesEveryField(t *testing.T) {
	base := remote("r1", protocol.StateWaiting, 3, "sochi", 1, 2)
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		other := base
		other.Seats = slices.Clone(base.Seats)
		f := reflect.ValueOf(&other).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int, reflect.Int64:
			f.SetInt(f.Int() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Struct:
			other.Creator.Name += "x"
		case reflect.Slice:
			other.Seats[0].Online = false
		default:
			t.Fatalf("field %s: kind %s not covered by this test", typ.Field(i).Name, f.Kind())
		}
		want := typ.Field(i).Name == "Watchers"
		if got := watchersOnly(base, other); got != want {
			t.Errorf("a change of %s alone: watchersOnly = %v, want %v", typ.Field(i).Name, got, want)
		}
	}
	if !watchersOnly(base, base) {
		t.Error("the same summary: watchersOnly = false")
	}
}

var _ table.Conn = (*fakeConn)(nil)
