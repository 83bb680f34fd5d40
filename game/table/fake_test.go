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
	name string
	mu   sync.Mutex
	msgs [][]byte
}

func (c *fakeConn) Player() string { return c.name }

func (c *fakeConn) Send(msgs ...[]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		c.msgs = append(c.msgs, bytes.Clone(m))
	}
}

func (c *fakeConn) all() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.msgs...)
}

// frame is the part of a message the tests read.
type frame struct {
	Type   string          `json:"type"`
	Text   string          `json:"text"`
	Status string          `json:"status"`
	You    int             `json:"you"`
	DealNo int             `json:"deal_no"`
	MoveNo int             `json:"move_no"`
	Deal   json.RawMessage `json:"deal"`
	Legal  []rules.Move    `json:"legal"`
	Sheet  json.RawMessage `json:"sheet"`
	Seats  []struct {
		Name string `json:"name"`
		Bot  bool   `json:"bot"`
	} `json:"seats"`
	Deadline int64 `json:"deadline"`
}

func decodeFrame(t *testing.T, b []byte) frame {
	t.Helper()
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("frame %s: %v", b, err)
	}
	return f
}

// last returns the last "table" frame c got.
func (c *fakeConn) last(t *testing.T) frame {
	t.Helper()
	msgs := c.all()
	for i := len(msgs) - 1; i >= 0; i-- {
		if f := decodeFrame(t, msgs[i]); f.Type == "table" {
			return f
		}
	}
	t.Fatalf("%s got no table frame", c.name)
	return frame{}
}

// errors returns the texts of the error frames c got.
func (c *fakeConn) errors(t *testing.T) []string {
	var out []string
	for _, m := range c.all() {
		if f := decodeFrame(t, m); f.Type == "error" {
			out = append(out, f.Text)
		}
	}
	return out
}

// testTable starts a table on a fake clock with deterministic seeds.
func testTable(t *testing.T, cfg Config) (*Table, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	cfg.Clock = clk
	if cfg.ID == "" {
		cfg.ID = "t1"
	}
	if cfg.Convention == "" {
		cfg.Convention = "sochi"
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
	return tb, clk
}

// step lets the bots and the deal pause run once and waits for the table.
func step(tb *Table, clk *fakeClock) {
	clk.Advance(DefaultDealPause + DefaultBotDelay)
	tb.Summary()
}
