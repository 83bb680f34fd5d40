package journal_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/account"
	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

var quiet = slog.New(slog.DiscardHandler)

// seatConn is a player's connection driven by the test: it keeps what it
// gets and signals each delivery.
type seatConn struct {
	p      protocol.Player
	notify chan struct{}
	mu     sync.Mutex
	msgs   [][]byte
}

func newSeatConn(p protocol.Player, notify chan struct{}) *seatConn {
	return &seatConn{p: p, notify: notify}
}

func (c *seatConn) Player() protocol.Player { return c.p }

func (c *seatConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	for _, m := range msgs {
		c.msgs = append(c.msgs, slices.Clone(m.Bytes()))
	}
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *seatConn) since(n int) [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.msgs[n:])
}

// version is the last version c got.
func (c *seatConn) version(t *testing.T) uint64 {
	var v uint64
	for _, m := range c.since(0) {
		var f struct {
			Type string `json:"type"`
			V    uint64 `json:"v"`
		}
		if err := json.Unmarshal(m, &f); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f.Type, "table") && f.V > v {
			v = f.V
		}
	}
	return v
}

// humanTurn waits until one of the people is to move (their seat and legal
// moves, from replaying the table's records) or the pulka is over (-1).
func humanTurn(ctx context.Context, t *testing.T, tb *table.Table, people map[int]bool, opt rules.Options, notify chan struct{}) (int, []rules.Move) {
	t.Helper()
	for {
		if tb.Summary().State != protocol.StatePlaying {
			return -1, nil
		}
		if recs := tb.Records(); len(recs) > 0 {
			last := recs[len(recs)-1]
			st, err := rules.Replay(rules.Deal{Seed: last.Deal.Seed, Dealer: last.Deal.Dealer, Series: last.Deal.Series, Options: opt}, last.Moves)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Done() && people[st.Actor()] {
				return st.Actor(), rules.LegalMoves(&st, nil)
			}
		}
		select {
		case <-notify:
		case <-ctx.Done():
			t.Fatal("the table never came to a person's decision")
		}
	}
}

// wholeTable is the first message a fresh connection of p gets, with the
// version, the chat, the deadline and who is online left out.
func wholeTable(t *testing.T, msg []byte) (map[string]any, uint64, int64) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatal(err)
	}
	if m["type"] != "table" {
		t.Fatalf("got %s, want the whole table", msg)
	}
	v := uint64(m["v"].(float64))
	clock := m["clock"].(map[string]any)
	deadline := int64(clock["deadline"].(float64))
	delete(clock, "deadline")
	delete(m, "v")
	delete(m, "chat")
	var players []any
	for _, s := range m["seats"].([]any) {
		players = append(players, s.(map[string]any)["player"])
	}
	m["seats"] = players
	return m, v, deadline
}

func firstOf(ctx context.Context, t *testing.T, tb *table.Table, p protocol.Player) []byte {
	t.Helper()
	c := newSeatConn(p, make(chan struct{}, 1))
	tb.Watch(c, 0)
	tb.Summary()
	defer tb.Detach(c)
	if msgs := c.since(0); len(msgs) > 0 {
		return msgs[0]
	}
	t.Fatalf("%s got nothing", p.Name)
	return nil
}

func moves(recs []table.DealRecord) []rules.Move {
	var out []rules.Move
	for _, r := range recs {
		out = append(out, r.Moves...)
	}
	return out
}

// TestAPulkaInProgressComesBackAfterACrash plays part of a pulka (two
// people and a bot) at a real table journaled to SQLite, stops the table
// without finishing it, drops the journal and the store, reopens the
// store, restores the table from InProgress and reconnects the people:
// each sees what they saw before, and playing on archives the whole pulka
// with every move once. On SQLite and on PostgreSQL.
func TestAPulkaInProgressComesBackAfterACrash(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { crashAndRestore(t, e.url(t)) })
	}
}

func crashAndRestore(t *testing.T, path string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, store.Config{URL: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var people []protocol.Player
	for i, name := range []string{"Anna", "Boris"} {
		a, err := st.SignIn(ctx, account.Identity{Provider: "github", ProviderUserID: strconv.Itoa(i + 1), Name: name})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, protocol.Player{ID: strconv.FormatInt(int64(a.ID), 10), Name: name})
	}
	notify := make(chan struct{}, 1)
	conns := []*seatConn{newSeatConn(people[0], notify), newSeatConn(people[1], notify)}
	isPerson := map[int]bool{0: true, 1: true}
	cfg := table.Config{ID: "t7", Creator: people[0], BotDelay: time.Millisecond, DealPause: time.Millisecond, Logger: quiet}
	cfg.Journal = journal.New(st, quiet, nil)
	tb, err := table.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Stop()
	tb.SetConventions(conns[0], "sochi", map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
	tb.Sit(conns[1], 1)
	tb.AddBot(conns[0], 2)
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		if n > 1000 {
			t.Fatal("no crash point in 1000 moves")
		}
		recs := tb.Records()
		seat, legal := humanTurn(ctx, t, tb, isPerson, set.Options, notify)
		if seat < 0 {
			t.Fatal("the pulka ended before the crash")
		}
		if len(recs) >= 2 && len(recs[len(recs)-1].Moves) >= 3 {
			break
		}
		tb.Move(conns[seat], legal[0])
	}
	before := tb.Records()
	views := make([]map[string]any, len(conns))
	versions := make([]uint64, len(conns))
	var deadlineBefore int64
	for i, c := range conns {
		views[i], _, deadlineBefore = wholeTable(t, firstOf(ctx, t, tb, c.p))
		versions[i] = c.version(t)
	}
	tb.Stop() // the crash: the journal and the store are dropped unfinished
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := store.Open(ctx, store.Config{URL: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	finished := make(chan store.PulkaID, 1)
	j2 := journal.New(st2, quiet, func(id store.PulkaID) { finished <- id })
	rs, err := j2.InProgress(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%d pulkas in progress (%v), want 1", len(rs), err)
	}
	r := rs[0]
	if !slices.Equal(r.Players[:2], people) || r.Players[2].ID != "bot:Bot #3" {
		t.Fatalf("restored players %+v", r.Players)
	}
	rt, err := table.Restore(table.Config{Journal: j2, BotDelay: time.Millisecond, DealPause: time.Millisecond, Logger: quiet}, r)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Stop()
	if got := rt.Records(); !reflect.DeepEqual(got, before) {
		t.Fatalf("restored %d deals, %d moves; before the crash %d deals, %d moves", len(got), len(moves(got)), len(before), len(moves(before)))
	}
	last := r.Deals[len(r.Deals)-1]
	wantDeadline := last.Moves[len(last.Moves)-1].At.Add(table.DefaultMoveTime).UnixMilli()
	for i, c := range conns {
		had := len(c.since(0))
		rt.Watch(c, versions[i])
		rt.Summary()
		got := c.since(had)
		if len(got) == 0 {
			t.Fatalf("%s got nothing on reconnecting", c.p.Name)
		}
		view, v, deadline := wholeTable(t, got[0])
		if v <= versions[i] {
			t.Errorf("%s: restored version %d is not past the %d it had", c.p.Name, v, versions[i])
		}
		if deadline != wantDeadline || deadline > deadlineBefore {
			t.Errorf("%s: deadline %d, want the last move's time + the move time, %d (before the crash %d)", c.p.Name, deadline, wantDeadline, deadlineBefore)
		}
		if !reflect.DeepEqual(view, views[i]) {
			a, _ := json.Marshal(view)
			b, _ := json.Marshal(views[i])
			t.Errorf("%s after the restore:\n%s\nbefore the crash:\n%s", c.p.Name, a, b)
		}
	}

	for n := 0; ; n++ {
		seat, legal := humanTurn(ctx, t, rt, isPerson, set.Options, notify)
		if seat < 0 {
			break
		}
		if n > 5000 || ctx.Err() != nil {
			t.Fatalf("the pulka is not over after %d moves of the people", n)
		}
		rt.Move(conns[seat], legal[0])
	}
	var id store.PulkaID
	select {
	case id = <-finished:
	case <-ctx.Done():
		t.Fatal("the restored pulka was not archived")
	}
	all := rt.Records()
	if !slices.Equal(moves(all)[:len(moves(before))], moves(before)) {
		t.Fatal("the moves after the restore do not continue the ones before")
	}
	a, err := st2.Archived(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var archived []rules.Move
	for _, d := range a.Deals {
		for _, m := range d.Moves {
			archived = append(archived, m.Move)
		}
	}
	if want := moves(all); !slices.Equal(archived, want) {
		t.Errorf("archived %d moves, %d were played (%d before the crash)", len(archived), len(want), len(moves(before)))
	}
	if rest, err := st2.InProgress(ctx); err != nil || len(rest) != 0 {
		t.Errorf("%d pulkas still in progress (%v)", len(rest), err)
	}
}

// A journal that did not begin a pulka refuses its moves until it adopts
// it; then they are written to that pulka.
func TestAnAdoptedPulkaGoesOnBeingWritten(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	st, begun := beginBots(t, set)
	ps := []store.Progress{begun}
	d, err := rules.New(rules.Deal{Seed: 9, Options: set.Options})
	if err != nil {
		t.Fatal(err)
	}
	m := rules.LegalMoves(&d, nil)[0]
	deal := table.DealStart{Table: "t1", Pulka: 1, Deal: 1, Seed: 9}
	move := table.MoveEntry{Table: "t1", Pulka: 1, Deal: 1, Seed: 9, Move: m, By: "bot"}

	second := journal.New(st, quiet, nil)
	if err := second.Deal(deal); err == nil || !strings.Contains(err.Error(), "not begun") {
		t.Fatalf("a deal of a pulka the journal does not know: %v", err)
	}
	second.Adopt("t1", 1, ps[0].ID)
	if err := second.Deal(deal); err != nil {
		t.Fatal(err)
	}
	if err := second.Move(move); err != nil {
		t.Fatal(err)
	}
	ps, err = st.InProgress(ctx)
	if err != nil || len(ps) != 1 || len(ps[0].Deals) != 1 || len(ps[0].Deals[0].Moves) != 1 || ps[0].Deals[0].Moves[0].Move != m {
		t.Fatalf("in progress after the adopted writes: %+v (%v)", ps, err)
	}
	r, err := second.Resume(ctx, ps[0])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Players, threeBots) || r.Settings != set || len(r.Deals) != 1 || r.Deals[0].Moves[0].Move != m {
		t.Fatalf("resumed %+v", r)
	}
}

// The rows of pulkas begun before the timeout settings were RULES §14
// options carry the table's own policy in their config: resumed, each gets
// the timeout_action, timeout_fine and time_bank that policy meant.
func TestAnOlderPulkaKeepsItsTimeoutPolicyAsTheSection14Settings(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	set, err := score.Preset("sochi") // an old row's record: the preset's timeout_action
	if err != nil {
		t.Fatal(err)
	}
	st, begun := beginBots(t, set)
	ps := []store.Progress{begun}
	j := journal.New(st, quiet, nil)
	for _, tc := range []struct {
		name, config string
		action       score.TimeoutAction
		fine, bank   int
		err          string
	}{
		{"fine is the seed's rule with no bank", `{"move_time":60,"timeout":{"policy":"fine","fine":15,"bank":120}}`, score.TimeoutFineAndClose, 15, 0, ""},
		{"bot is bot-takeover with no bank", `{"move_time":60,"timeout":{"policy":"bot","fine":20,"bank":120}}`, score.TimeoutBotTakeover, 20, 0, ""},
		{"bank is auto-pass after the time bank", `{"move_time":60,"timeout":{"policy":"bank","fine":20,"bank":90}}`, score.TimeoutAutoPass, 20, 90, ""},
		{"a new row has no policy: its record's options stand", `{"move_time":60}`, score.TimeoutBotTakeover, 20, 0, ""},
		{"an unknown policy cannot be resumed", `{"move_time":60,"timeout":{"policy":"pray"}}`, 0, 0, 0, "not fine, bot or bank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ps[0]
			p.Config = []byte(tc.config)
			r, err := j.Resume(ctx, p)
			if tc.err != "" {
				if err == nil || !errors.Is(err, journal.ErrUnresumable) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("resumed with %v, want ErrUnresumable %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := r.Settings
			if s.TimeoutAction != tc.action || s.TimeoutFine != tc.fine || s.TimeBank != tc.bank || s.MoveTime != 60 {
				t.Fatalf("timeout_action %v timeout_fine %d time_bank %d move_time %d, want %v %d %d 60",
					s.TimeoutAction, s.TimeoutFine, s.TimeBank, s.MoveTime, tc.action, tc.fine, tc.bank)
			}
		})
	}
}

// threeBots are the players of the journal tests' pulkas of bots.
var threeBots = []protocol.Player{{ID: "bot:A", Name: "A"}, {ID: "bot:B", Name: "B"}, {ID: "bot:C", Name: "C"}}

// beginBots opens a SQLite store in the test's directory (closed when the
// test ends), begins pulka 1 of threeBots at table t1 with set through a
// journal of its own, and returns the store and the pulka as the store has
// it in progress.
func beginBots(t *testing.T, set score.Settings) (*store.Store, store.Progress) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: "sqlite:" + t.TempDir() + "/club.db", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close the store: %v", err)
		}
	})
	if err := journal.New(st, quiet, nil).Begin(table.PulkaStart{Table: "t1", Pulka: 1, Players: threeBots, Settings: set, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ps, err := st.InProgress(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("%d pulkas in progress (%v)", len(ps), err)
	}
	return st, ps[0]
}
