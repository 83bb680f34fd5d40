package table

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
)

var quiet = slog.New(slog.DiscardHandler)

// logJournal keeps what a store would: the pulka, each deal with the time it
// was dealt and each move with the time it was accepted (on the table's
// clock), and the finished pulka.
type logJournal struct {
	clk    Clock
	mu     sync.Mutex
	start  PulkaStart
	deals  []ResumeDeal
	moves  []MoveEntry
	pulkas []PulkaRecord
}

func (j *logJournal) Begin(p PulkaStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.start = p
	return nil
}

func (j *logJournal) Deal(d DealStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.deals = append(j.deals, ResumeDeal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Started: j.clk.Now()})
	return nil
}

func (j *logJournal) Move(e MoveEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	d := &j.deals[e.Deal-1]
	d.Moves = append(d.Moves, TimedMove{Move: e.Move, At: j.clk.Now()})
	j.moves = append(j.moves, e)
	return nil
}

func (j *logJournal) Pulka(r PulkaRecord) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.pulkas = append(j.pulkas, r)
	return nil
}

// resume is what the store would give back after a crash.
func (j *logJournal) resume() Resume {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := Resume{Table: j.start.Table, Pulka: j.start.Pulka, Players: j.start.Players, Settings: j.start.Settings,
		Started: j.start.Started}
	for _, d := range j.deals {
		d.Moves = slices.Clone(d.Moves)
		r.Deals = append(r.Deals, d)
	}
	return r
}

// threeAtTheTable starts a pulka of Anna, Boris and Vera (seats 0, 1, 2)
// journaled by j on a fake clock.
func threeAtTheTable(t *testing.T, cfg Config) (*Table, *fakeClock, []*fakeConn, *logJournal) {
	t.Helper()
	j := &logJournal{}
	cfg.Journal = j
	conns := []*fakeConn{newConn("Anna"), newConn("Boris"), newConn("Vera")}
	tb, clk := waitingTable(t, cfg, conns[0], "sochi", `{"pool_target": 2}`)
	j.clk = clk
	tb.Sit(conns[1], 1)
	tb.Sit(conns[2], 2)
	if s := tb.Summary(); s.State != protocol.StatePlaying {
		t.Fatalf("state %q with every seat taken", s.State)
	}
	return tb, clk, conns, j
}

// turn returns the seat to move and its legal moves, or -1 when no deal
// is being played.
func turn(tb *Table) (int, []rules.Move) {
	seat, legal := -1, []rules.Move(nil)
	tb.act.Ask(func(t *tbl) {
		if t.state == protocol.StatePlaying && t.dealNo > 0 && !t.deal.Done() {
			seat = t.deal.Actor()
			legal = rules.LegalMoves(&t.deal, nil)
		}
	})
	return seat, legal
}

// playUntil has the players play their first legal move, a second each,
// until done says stop or the pulka is over; it returns the moves played.
func playUntil(t *testing.T, tb *Table, clk *fakeClock, conns []*fakeConn, done func() bool) []rules.Move {
	t.Helper()
	return playSlowly(t, tb, clk, conns, done, func(int) time.Duration { return time.Second })
}

// playSlowly is playUntil with the n-th move (from 0) thought over for
// think(n).
func playSlowly(t *testing.T, tb *Table, clk *fakeClock, conns []*fakeConn, done func() bool, think func(int) time.Duration) []rules.Move {
	t.Helper()
	var played []rules.Move
	for range 5000 {
		if done() || tb.Summary().State != protocol.StatePlaying {
			return played
		}
		seat, legal := turn(tb)
		if seat < 0 {
			clk.Advance(DefaultDealPause)
			continue
		}
		clk.Advance(think(len(played)))
		tb.Move(conns[seat], legal[0])
		played = append(played, legal[0])
	}
	t.Fatal("the pulka never got there")
	return nil
}

// fullView is what a fresh connection of c's player gets: the whole table
// as that player sees it, with the version and the chat left out and the
// seats reduced to who sits there.
func fullView(t *testing.T, tb *Table, c *fakeConn) (map[string]any, uint64) {
	t.Helper()
	fresh := newConn(c.p.Name)
	tb.Watch(fresh, 0)
	tb.Summary()
	msgs := fresh.all()
	if len(msgs) == 0 {
		t.Fatalf("%s got nothing", c.p.Name)
	}
	tb.Detach(fresh)
	return comparable(t, msgs[0])
}

func comparable(t *testing.T, msg []byte) (map[string]any, uint64) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatal(err)
	}
	if m["type"] != "table" {
		t.Fatalf("got %s, want the whole table", msg)
	}
	v := uint64(m["v"].(float64))
	delete(m, "v")
	delete(m, "chat")
	var players []any
	for _, s := range m["seats"].([]any) {
		players = append(players, s.(map[string]any)["player"])
	}
	m["seats"] = players
	return m, v
}

func TestARestoredTableShowsEachSeatWhatItShowedBeforeTheCrash(t *testing.T) {
	for _, tc := range []struct {
		name  string
		club  map[string]json.RawMessage
		think func(n int) time.Duration
	}{
		{"fine, no time bank", nil, func(int) time.Duration { return time.Second }},
		{"a time bank: the banks spent come back", club("timeout_action", `"auto-pass"`, "time_bank", "120"), func(n int) time.Duration {
			if n%4 == 1 {
				return DefaultMoveTime + 7*time.Second
			}
			return time.Second
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { restoreEachSeatsView(t, tc.club, tc.think) })
	}
}

func restoreEachSeatsView(t *testing.T, options map[string]json.RawMessage, think func(int) time.Duration) {
	tb, clk, conns, j := threeAtTheTable(t, Config{Options: options})
	before := playSlowly(t, tb, clk, conns, func() bool {
		r := tb.Records()
		return len(r) == 2 && len(r[1].Moves) == 3
	}, think)
	views := make([]map[string]any, len(conns))
	versions := make([]uint64, len(conns))
	for i, c := range conns {
		views[i], _ = fullView(t, tb, c)
		versions[i] = c.view(t).V
	}
	sheet, _ := tb.Sheet()
	tb.Stop() // the crash: nothing is finished, nothing more is written

	clk.Advance(10 * time.Second) // the server is down for a while
	r := j.resume()
	rt, err := Restore(Config{Journal: j, Clock: clk, Logger: quiet}, r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Stop)
	if s := rt.Initial(); s.State != protocol.StatePlaying || s.Creator != conns[0].p || s.ID != "t1" {
		t.Fatalf("restored summary %+v", s)
	}
	for i, s := range rt.Summary().Seats {
		if s.Online || s.Player != conns[i].p {
			t.Errorf("seat %d restored as %+v, want %s absent", i, s, conns[i].p.Name)
		}
	}
	if got, _ := rt.Sheet(); !reflect.DeepEqual(got, sheet) {
		t.Errorf("restored sheet %+v, want %+v", got, sheet)
	}
	for i, c := range conns {
		had := len(c.all())
		rt.Watch(c, versions[i]) // the client reconnects with the version it had
		rt.Summary()
		got := c.all()[had:]
		if len(got) == 0 {
			t.Fatalf("%s got nothing on reconnecting, want the whole table", c.p.Name)
		}
		view, v := comparable(t, got[0]) // then the event of their coming back
		if v <= versions[i] {
			t.Errorf("%s: restored version %d is not past the version %d it had", c.p.Name, v, versions[i])
		}
		if !reflect.DeepEqual(view, views[i]) {
			a, _ := json.Marshal(view)
			b, _ := json.Marshal(views[i])
			t.Errorf("%s after the restore:\n%s\nbefore the crash:\n%s", c.p.Name, a, b)
		}
	}
	for i, s := range rt.Summary().Seats {
		if !s.Online {
			t.Errorf("seat %d is not online after its player reconnected", i)
		}
	}

	after := playUntil(t, rt, clk, conns, func() bool { return false })
	if s := rt.Summary(); s.State != protocol.StateFinished {
		t.Fatalf("state %q after playing on", s.State)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.pulkas) != 1 {
		t.Fatalf("%d finished pulkas journaled, want 1", len(j.pulkas))
	}
	var archived []rules.Move
	for _, d := range j.pulkas[0].Deals {
		archived = append(archived, d.Moves...)
	}
	if want := append(slices.Clone(before), after...); !slices.Equal(archived, want) {
		t.Errorf("the finished pulka has %d moves, %d were played", len(archived), len(want))
	}
	for k, e := range j.moves {
		if k > 0 && e.Deal == j.moves[k-1].Deal && e.Index != j.moves[k-1].Index+1 {
			t.Fatalf("journal entry %d: deal %d move %d after move %d", k, e.Deal, e.Index, j.moves[k-1].Index)
		}
	}
}

func TestARestoredDecisionKeepsTheTimeItHadLeft(t *testing.T) {
	for _, tc := range []struct {
		name string
		down time.Duration // how long the server was down
		// left is the time the player to move has after the restore
		left time.Duration
	}{
		{"down a minute: the deadline stays", time.Minute, DefaultMoveTime - time.Minute},
		{"down past the deadline: a grace", 2 * DefaultMoveTime, RestoreGrace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, clk, conns, j := threeAtTheTable(t, Config{})
			playUntil(t, tb, clk, conns, func() bool { return len(tb.Records()[0].Moves) == 2 })
			tb.Stop()
			clk.Advance(tc.down)
			rt, err := Restore(Config{Journal: j, Clock: clk, Logger: quiet}, j.resume())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(rt.Stop)
			seat, _ := turn(rt)
			watcher := newConn("Gleb")
			rt.Watch(watcher, 0)
			rt.Summary()
			v := watcher.view(t)
			if want := clk.Now().Add(tc.left).UnixMilli(); v.Clock.Seat != seat || v.Clock.Deadline != want {
				t.Fatalf("clock %+v, want seat %d until %d", v.Clock, seat, want)
			}
			clk.Advance(tc.left - time.Second)
			if s := rt.Summary(); s.State != protocol.StatePlaying {
				t.Fatalf("state %q before the deadline", s.State)
			}
			clk.Advance(time.Second)
			if s := rt.Summary(); s.State != protocol.StateFinished {
				t.Fatalf("state %q after the deadline, want the pulka closed by the fine", s.State)
			}
		})
	}
}

func TestRestoreRefusesARecordThatDoesNotReplay(t *testing.T) {
	_, clk, _, j := threeAtTheTable(t, Config{})
	good := j.resume()
	for _, tc := range []struct {
		name   string
		change func(r *Resume)
		want   string
	}{
		{"a deal by the wrong dealer", func(r *Resume) { r.Deals[0].Dealer = 1 }, "dealt by seat 1"},
		{"a missing player", func(r *Resume) { r.Players = r.Players[:2] }, "2 players for 3 seats"},
		{"a player twice", func(r *Resume) { r.Players[2] = r.Players[0] }, "listed twice"},
		{"an illegal move", func(r *Resume) {
			r.Deals[0].Moves = []TimedMove{{Move: rules.Move{Seat: 2, Kind: rules.MovePass}, At: clk.Now()}}
		}, "replay move 0"},
		{"an unfinished deal before another", func(r *Resume) { r.Deals = append(r.Deals, r.Deals[0]) }, "unfinished"},
		{"another table's pulka", func(r *Resume) { r.Table = "t9" }, "played at table t9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			r.Players = slices.Clone(good.Players)
			r.Deals = slices.Clone(good.Deals)
			tc.change(&r)
			tb, err := Restore(Config{ID: "t1", Clock: clk, Logger: quiet}, r)
			if err == nil {
				tb.Stop()
				t.Fatal("restored")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

// A table id given again after a restart is a new life: a client coming
// back with a version of the earlier life gets the whole new table, never
// its events.
func TestATableIDsNextLifeNeverTakesAnEarlierVersion(t *testing.T) {
	tb, clk, conns, _ := threeAtTheTable(t, Config{})
	playUntil(t, tb, clk, conns, func() bool { return len(tb.Records()[0].Moves) == 5 })
	old := conns[0].view(t).V
	tb.Stop()
	clk.Advance(time.Second)
	again, err := New(Config{ID: "t1", Creator: player("Gleb"), Clock: clk, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(again.Stop)
	anna := newConn("Anna")
	again.Watch(anna, old)
	again.Summary()
	if msgs := anna.all(); len(msgs) != 1 || decodeFrame(t, msgs[0]).Type != "table" || decodeFrame(t, msgs[0]).V <= old {
		t.Fatalf("back with v%d of the earlier life: got %d messages, want the whole new table", old, len(msgs))
	}
}

// A server that stopped between two deals deals the next one after the
// pause; one that stopped after the last move, before the finished pulka
// was written, writes it at once.
func TestARestoreBetweenDealsOrAfterTheLastMove(t *testing.T) {
	t.Run("between deals", func(t *testing.T) {
		tb, clk, conns, j := threeAtTheTable(t, Config{})
		playUntil(t, tb, clk, conns, func() bool { s, _ := turn(tb); return s < 0 })
		tb.Stop()
		rt, err := Restore(Config{Journal: j, Clock: clk, Logger: quiet}, j.resume())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(rt.Stop)
		if n := len(rt.Records()); n != 1 {
			t.Fatalf("%d deals at the restore, want 1", n)
		}
		clk.Advance(DefaultDealPause)
		recs := rt.Records()
		sheet, _ := rt.Sheet()
		if len(recs) != 2 || recs[1].Deal.Dealer != 1 || sheet.Deals() != 1 {
			t.Fatalf("after the pause: %d deals, the second dealt by %d, %d on the sheet", len(recs), recs[len(recs)-1].Deal.Dealer, sheet.Deals())
		}
	})
	t.Run("after the last move", func(t *testing.T) {
		tb, clk, conns, j := threeAtTheTable(t, Config{})
		playUntil(t, tb, clk, conns, func() bool { return false })
		j.mu.Lock()
		if len(j.pulkas) != 1 {
			t.Fatalf("%d pulkas journaled", len(j.pulkas))
		}
		want := j.pulkas[0]
		j.pulkas = nil // the crash came before the finished pulka was written
		j.mu.Unlock()
		tb.Stop()
		rt, err := Restore(Config{Journal: j, Clock: clk, Logger: quiet}, j.resume())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(rt.Stop)
		if s := rt.Summary(); s.State != protocol.StateFinished {
			t.Fatalf("state %q, want finished", s.State)
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		if len(j.pulkas) != 1 || !reflect.DeepEqual(j.pulkas[0].Result, want.Result) || !reflect.DeepEqual(j.pulkas[0].Record, want.Record) {
			t.Fatalf("journaled %+v, want %+v", j.pulkas, want)
		}
	})
}

func ExampleRestore() {
	set, _ := DefaultSettings("sochi")
	tb, err := Restore(Config{Logger: quiet}, Resume{
		Table: "t3", Settings: set,
		Players: []protocol.Player{{ID: "17", Name: "Anna"}, {ID: "18", Name: "Boris"}, {ID: "bot:Bot #3", Name: "Bot #3"}},
		Deals:   []ResumeDeal{{Seed: 42, Started: time.Now()}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tb.Stop()
	s := tb.Initial()
	fmt.Println(s.ID, s.State, "set by", s.Creator.Name)
	for i, seat := range s.Seats {
		fmt.Println(i, seat.Player.Name, "bot:", seat.Bot, "online:", seat.Online)
	}
	// Output:
	// t3 playing set by Anna
	// 0 Anna bot: false online: false
	// 1 Boris bot: false online: false
	// 2 Bot #3 bot: true online: false
}

// resumeOf plays deals first legal move first until the sheet has
// finished deals, then half of one more: the Resume of that pulka.
func resumeOf(b testing.TB, deals int) Resume {
	set, err := DefaultSettings("sochi")
	if err != nil {
		b.Fatal(err)
	}
	set.PoolTarget = 1000 // a pool that never ends here
	players := []protocol.Player{player("Anna"), player("Boris"), player("Vera")}
	sheet, err := score.NewSheet(set, 0, "Anna", "Boris", "Vera")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Unix(1_800_000_000, 0)
	r := Resume{Table: "t1", Settings: set, Players: players, Started: at}
	for k := 0; k <= deals; k++ {
		d := ResumeDeal{Seed: uint64(k + 1), Dealer: sheet.Dealer(), Series: sheet.Series(), Started: at}
		s, err := rules.New(rules.Deal{Seed: d.Seed, Dealer: d.Dealer, Series: d.Series, Options: set.Options})
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; !s.Done() && (k < deals || n < 10); n++ {
			m := rules.LegalMoves(&s, nil)[0]
			if s, err = rules.Apply(s, m); err != nil {
				b.Fatal(err)
			}
			at = at.Add(time.Second)
			d.Moves = append(d.Moves, TimedMove{Move: m, At: at})
		}
		r.Deals = append(r.Deals, d)
		if k < deals {
			res, _ := s.Result()
			if err := sheet.Apply(score.DealOf(res)); err != nil {
				b.Fatal(err)
			}
		}
	}
	return r
}

// BenchmarkRestore measures rebuilding the table of a pulka 20 deals in
// (replaying every move), started and stopped.
func BenchmarkRestore(b *testing.B) {
	r := resumeOf(b, 20)
	moves := 0
	for _, d := range r.Deals {
		moves += len(d.Moves)
	}
	clk := newFakeClock()
	b.ReportAllocs()
	for b.Loop() {
		tb, err := Restore(Config{Clock: clk, Logger: quiet}, r)
		if err != nil {
			b.Fatal(err)
		}
		tb.Stop()
	}
	b.ReportMetric(float64(moves), "moves/op")
}
