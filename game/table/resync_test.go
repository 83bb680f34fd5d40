package table

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestAReconnectGetsExactlyWhatItMissed: a spectator drops at version v and
// comes back saying v: it gets the events after v and nothing else, and its
// picture equals that of a spectator who never left. Far behind, it gets
// the whole table; so it does when nobody watched meanwhile (the events
// then had no spectators' encoding).
func TestAReconnectGetsExactlyWhatItMissed(t *testing.T) {
	for _, tc := range []struct {
		name       string
		eventBytes int
		alone      bool // the other spectator leaves too
		wantFull   bool
	}{
		{"a few events behind: the events", 0, false, false},
		{"too far behind: the whole table", 1, false, true},
		{"nobody watched meanwhile: the whole table", 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, clk, anna := playing(t, Config{EventBytes: tc.eventBytes, Options: botTakeover()}, "")
			stayed, left := newConn("Vera"), newConn("Gleb")
			tb.Watch(stayed, 0)
			tb.Watch(left, 0)
			untilAnna(t, tb, clk, anna)
			tb.Detach(left)
			if tc.alone {
				tb.Detach(stayed)
			}
			v, got := awayAndBack(t, tb, clk, left, func() { tb.Chat(anna, "while you were away") })
			full := false
			for _, m := range got {
				f := decodeFrame(t, m)
				full = full || f.Type == "table"
				if f.Type == "table_event" && f.V <= v {
					t.Fatalf("got event v%d again after v%d", f.V, v)
				}
			}
			if full != tc.wantFull {
				t.Fatalf("whole table sent: %v, want %v (%d messages)", full, tc.wantFull, len(got))
			}
			if tc.alone {
				stayed = newConn("Vera")
				tb.Watch(stayed, 0)
				tb.Summary()
			}
			sameView(t, left, stayed)
		})
	}
}

// awayAndBack plays on while c is away: it notes the version c has, runs
// meanwhile (nil for nothing), lets Anna time out and a bot play for her,
// and has c watch again from that version. It returns the version and what
// c got since.
func awayAndBack(t *testing.T, tb *Table, clk *fakeClock, c *fakeConn, meanwhile func()) (uint64, [][]byte) {
	t.Helper()
	v := c.view(t).V
	had := len(c.all())
	if meanwhile != nil {
		meanwhile()
	}
	clk.Advance(DefaultMoveTime) // Anna times out; a bot plays for her
	for range 5 {
		clk.Advance(DefaultBotDelay)
		tb.Summary()
	}
	tb.Watch(c, v)
	tb.Summary()
	return v, c.all()[had:]
}

// sameView fails t unless c's picture of the table is want's, and returns it.
func sameView(t *testing.T, c, want *fakeConn) view {
	t.Helper()
	a, b := want.view(t), c.view(t)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Fatalf("after the reconnect:\n%s\nwant\n%s", jb, ja)
	}
	return a
}

// TestASeatedPlayerReconnectingGetsItsOwnEvents: Anna drops at version v
// while a bot plays her seat, and comes back saying v. She gets the events
// after v as they were made for her seat (her own cards in them), not the
// whole table, and her picture equals that of a new connection of hers.
func TestASeatedPlayerReconnectingGetsItsOwnEvents(t *testing.T) {
	tb, clk, anna := playing(t, Config{Options: botTakeover()}, "")
	untilAnna(t, tb, clk, anna)
	tb.Detach(anna)
	v, got := awayAndBack(t, tb, clk, anna, nil)
	if len(got) == 0 {
		t.Fatal("nothing sent on the reconnect")
	}
	for _, m := range got {
		switch f := decodeFrame(t, m); {
		case f.Type == "table":
			t.Fatalf("the whole table sent, want the %d events missed", len(got))
		case f.Type == "table_event" && f.V <= v:
			t.Fatalf("got event v%d again after v%d", f.V, v)
		case f.Type == "table_event" && f.Deal != nil && f.Deal.Viewer != 0:
			t.Fatalf("event v%d made for viewer %d, want Anna's seat 0", f.V, f.Deal.Viewer)
		}
	}
	fresh := newConn("Anna")
	tb.Watch(fresh, 0)
	tb.Summary()
	if a := sameView(t, anna, fresh); a.Deal == nil || a.Deal.Hands[0] == 0 {
		t.Fatalf("Anna's view has no cards of hers: %+v", a.Deal)
	}
}
