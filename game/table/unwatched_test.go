package table

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/trelljaz/trelljaz/game/rules"
)

// TestASpectatorOfAnUnwatchedTableGetsTheWholeTableThenEveryEvent: while
// nobody watches, a table makes no spectators' encoding of its events; a
// spectator who comes then gets the whole table and, from then on, every
// event, each showing the deal as a spectator sees it (never a seat's
// encoding). Leaving and coming back several times, its picture stays that
// of a spectator who came last.
func TestASpectatorOfAnUnwatchedTableGetsTheWholeTableThenEveryEvent(t *testing.T) {
	tb, clk, anna := playing(t, Config{Options: botTakeover()}, "")
	untilAnna(t, tb, clk, anna)
	play := func() { // Anna times out and a bot plays for her: events with a deal
		clk.Advance(DefaultMoveTime)
		for range 5 {
			clk.Advance(DefaultBotDelay)
			tb.Summary()
		}
	}
	play() // nobody watches
	boris := newConn("Boris")
	for round := range 3 {
		had := len(boris.all())
		tb.Watch(boris, boris.view(t).V)
		play()
		got := boris.all()[had:]
		deals := 0
		for i, m := range got {
			f := decodeFrame(t, m)
			if f.Deal != nil {
				deals++
				if f.Deal.Viewer != rules.Spectator {
					t.Fatalf("round %d: message %d shows the deal as seat %d sees it: %s", round, i, f.Deal.Viewer, m)
				}
			}
		}
		if deals < 2 {
			t.Fatalf("round %d: %d messages with a deal, want the whole table's and the events' after it", round, deals)
		}
		tb.Detach(boris)
		play() // nobody watches again
	}
	tb.Watch(boris, boris.view(t).V)
	vera := newConn("Vera")
	tb.Watch(vera, 0)
	tb.Summary()
	if a, b := vera.view(t), boris.view(t); !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Fatalf("a spectator who came and went:\n%s\nwant\n%s", jb, ja)
	}
}
