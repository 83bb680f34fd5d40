package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
)

// tableRun is one table the generator plays: its players, and the send
// times of the moves in flight so that every seat's receipt of the move's
// event is measured against the moment it was sent.
type tableRun struct {
	mu      sync.Mutex
	tableID string
	players []*player
	sent    map[tableV]time.Time // event a move should produce → when it was sent
	seen    map[tableV]int       // how many seats received that event
	changed chan struct{}        // closed when tableID changes
}

// tableV names one event: a table's version. The players of a run may
// still read the last events of the previous table after the first player
// set the next one.
type tableV struct {
	table string
	v     uint64
}

func newTableRun() *tableRun { return &tableRun{changed: make(chan struct{})} }

// setID records the table the first player set, and wakes the players
// waiting for it. Moves in flight at tables older than the previous one are
// forgotten (a seat that never got their events has left).
func (t *tableRun) setID(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.sent {
		if k.table != t.tableID {
			delete(t.sent, k)
			delete(t.seen, k)
		}
	}
	t.tableID = id
	close(t.changed)
	t.changed = make(chan struct{})
}

// id returns the table the first player set last ("" before).
func (t *tableRun) id() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tableID
}

// next returns the table's id once it differs from old, or "" when ctx
// ends first.
func (t *tableRun) next(ctx context.Context, old string) string {
	for {
		t.mu.Lock()
		id, ch := t.tableID, t.changed
		t.mu.Unlock()
		if id != old {
			return id
		}
		select {
		case <-ctx.Done():
			return ""
		case <-ch:
		}
	}
}

// acted records that a move expected to produce version v of table was
// sent at now.
func (t *tableRun) acted(table string, v uint64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sent == nil {
		t.sent, t.seen = map[tableV]time.Time{}, map[tableV]int{}
	}
	t.sent[tableV{table, v}] = now
}

// observe records one seat's receipt of version v of table at got: the
// latency from the move's send to this seat's receipt (and to its socket).
func (t *tableRun) observe(table string, v uint64, got stamp, s *stats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := tableV{table, v}
	at, ok := t.sent[k]
	if !ok {
		return // a bot's or a timeout's move: nobody here sent it
	}
	s.latency(got.at.Sub(at), got.sock.Sub(at), !got.sock.IsZero())
	t.seen[k]++
	if t.seen[k] >= len(t.players) {
		delete(t.sent, k)
		delete(t.seen, k)
	}
}

// check looks at one frame's deal of table as seat viewer received it:
// another seat's cards may show only when that hand lies face up, and the
// discard only to the declarer.
func check(table string, viewer int, d *rules.SeatView) error {
	if d.Viewer != viewer {
		return fmt.Errorf("table %s: seat %d got the view of viewer %d", table, viewer, d.Viewer)
	}
	for o := 0; o < d.Players && o < len(d.Hands); o++ {
		if o == viewer || d.Exposed[o] {
			continue
		}
		if d.Hands[o] != 0 {
			return fmt.Errorf("table %s: seat %d saw %d hidden cards of seat %d", table, viewer, d.Hands[o].Len(), o)
		}
	}
	if d.Discard != 0 && d.Declarer != viewer {
		return fmt.Errorf("table %s: seat %d (not the declarer) saw the discard", table, viewer)
	}
	return nil
}
