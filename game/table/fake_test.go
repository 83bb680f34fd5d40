package table

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// fakeClock is a Clock that moves only when told: Advance fires the timers
// that fall due, in time order, in the caller's goroutine.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// Advance moves the clock by d and runs the timers due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due, keep []*fakeTimer
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case !t.at.After(c.now):
			t.stopped = true
			due = append(due, t)
		default:
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		t.f()
	}
}

// fakeConn records every message the table sends it.
type fakeConn struct {
	p    protocol.Player
	mu   sync.Mutex
	msgs [][]byte
}

func player(name string) protocol.Player { return protocol.Player{ID: "dev:" + name, Name: name} }

func newConn(name string) *fakeConn { return &fakeConn{p: player(name)} }

func (c *fakeConn) Player() protocol.Player { return c.p }

func (c *fakeConn) Send(msgs ...*protocol.Encoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.msgs = append(c.msgs, bytes.Clone(m.Bytes()))
	}
}

func (c *fakeConn) all() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.msgs...)
}

// frame is the part of a message the tests read: a "table" view or a
// "table_event" (its absent parts are zero).
type frame struct {
	Type   string               `json:"type"`
	Code   string               `json:"code"`
	Text   string               `json:"text"`
	V      uint64               `json:"v"`
	Kind   string               `json:"kind"`
	State  string               `json:"state"`
	DealNo int                  `json:"deal_no"`
	Deal   *dealView            `json:"deal"`
	Legal  *[]rules.Move        `json:"legal"`
	Sheet  json.RawMessage      `json:"sheet"`
	Seats  []protocol.Seat      `json:"seats"`
	Clock  *protocol.Clock      `json:"clock"`
	Result *protocol.Settlement `json:"result"`
	Chat   json.RawMessage      `json:"chat"`
}

func decodeFrame(t *testing.T, b []byte) frame {
	t.Helper()
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("frame %s: %v", b, err)
	}
	return f
}

// dealView is the part of a rules.SeatView the tests read.
type dealView struct {
	Viewer   int            `json:"viewer"`
	Players  int            `json:"players"`
	Dealer   int            `json:"dealer"`
	Phase    string         `json:"phase"`
	Actor    int            `json:"actor"`
	Hands    [4]rules.Hand  `json:"hands"`
	HandSize [4]int         `json:"hand_size"`
	Exposed  [4]bool        `json:"exposed"`
	Talon    [2]*rules.Card `json:"talon"`
	Discard  rules.Hand     `json:"discard"`
	Declarer int            `json:"declarer"`
	Played   rules.Hand     `json:"played"`
	TrickNo  int            `json:"trick_no"`
}

// view is a client's picture of the table: the last full view with every
// later event applied, as the page does.
type view struct {
	V      uint64
	State  string
	Seats  []protocol.Seat
	DealNo int
	Deal   *dealView
	Legal  []rules.Move
	Clock  protocol.Clock
	Result *protocol.Settlement
}

// view folds c's table messages into the client's picture; it fails on a
// version gap.
func (c *fakeConn) view(t *testing.T) view {
	t.Helper()
	var v view
	for _, m := range c.all() {
		f := decodeFrame(t, m)
		switch f.Type {
		case "table":
			v = view{V: f.V, State: f.State, Seats: f.Seats, DealNo: f.DealNo, Deal: f.Deal, Clock: *f.Clock, Result: f.Result}
			v.Legal = *f.Legal
		case "table_event":
			if f.V <= v.V {
				continue // a resync may repeat what the client has: it drops it
			}
			if f.V != v.V+1 {
				t.Fatalf("%s: event v%d after v%d", c.p.Name, f.V, v.V)
			}
			v.V = f.V
			if f.State != "" {
				v.State = f.State
			}
			if f.Seats != nil {
				v.Seats = f.Seats
			}
			if f.Deal != nil {
				v.Deal, v.DealNo = f.Deal, f.DealNo
			}
			if f.Legal != nil {
				v.Legal = *f.Legal
			}
			if f.Clock != nil {
				v.Clock = *f.Clock
			}
			if f.Result != nil {
				v.Result = f.Result
			}
		}
	}
	return v
}

// errors returns the codes of the error frames c got.
func (c *fakeConn) errors(t *testing.T) []string {
	var out []string
	for _, m := range c.all() {
		if f := decodeFrame(t, m); f.Type == "error" {
			out = append(out, f.Code)
		}
	}
	return out
}

// testTable sets a table for creator on a fake clock with deterministic
// seeds.
func testTable(t *testing.T, cfg Config, creator *fakeConn) (*Table, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	cfg.Clock = clk
	cfg.Creator = creator.p
	if cfg.ID == "" {
		cfg.ID = "t1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Seeds == nil {
		cfg.Seeds = rand.NewChaCha8([32]byte{1, 2, 3})
	}
	tb, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tb.Stop)
	tb.Watch(creator, 0)
	return tb, clk
}

// waitingTable is a table whose creator chose preset with options; the
// creator sits at seat 0.
func waitingTable(t *testing.T, cfg Config, creator *fakeConn, preset string, options string) (*Table, *fakeClock) {
	t.Helper()
	tb, clk := testTable(t, cfg, creator)
	var opts map[string]json.RawMessage
	if options != "" {
		if err := json.Unmarshal([]byte(options), &opts); err != nil {
			t.Fatal(err)
		}
	}
	tb.SetConventions(creator, preset, opts)
	if s := tb.Summary(); s.State != protocol.StateWaiting {
		t.Fatalf("state %q after the conventions (errors %v)", s.State, creator.errors(t))
	}
	return tb, clk
}

// club returns the club's options (Config.Options) of name, raw JSON
// pairs.
func club(pairs ...string) map[string]json.RawMessage {
	o := map[string]json.RawMessage{}
	for i := 0; i+1 < len(pairs); i += 2 {
		o[pairs[i]] = json.RawMessage(pairs[i+1])
	}
	return o
}

// botTakeover is a club whose timeout_action is bot-takeover.
func botTakeover() map[string]json.RawMessage { return club("timeout_action", `"bot-takeover"`) }
