package table

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// refusingJournal refuses every move once refuse is set.
type refusingJournal struct {
	mu      sync.Mutex
	refuse  bool
	begun   []PulkaStart
	deals   []DealStart
	entries []MoveEntry
	pulkas  []PulkaRecord
}

func (j *refusingJournal) Begin(p PulkaStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.begun = append(j.begun, p)
	return nil
}

func (j *refusingJournal) Deal(d DealStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.deals = append(j.deals, d)
	return nil
}

func (j *refusingJournal) Move(e MoveEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.refuse {
		return errors.New("disk full")
	}
	j.entries = append(j.entries, e)
	return nil
}

func (j *refusingJournal) Pulka(r PulkaRecord) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.pulkas = append(j.pulkas, r)
	return nil
}

func TestTheJournalSeesEveryMoveFirstAndItsErrorRefusesTheMove(t *testing.T) {
	j := &refusingJournal{}
	tb, clk, anna := playing(t, Config{Journal: j}, "")
	v := untilAnna(t, tb, clk, anna)
	rec := tb.Records()
	j.mu.Lock()
	if got, want := len(j.entries), len(rec[len(rec)-1].Moves); got == 0 || got < want {
		t.Fatalf("journal has %d moves, the table %d", got, want)
	}
	last := j.entries[len(j.entries)-1]
	j.refuse = true
	j.mu.Unlock()
	if last.Table != "t1" || last.Pulka != 1 || last.Seed != rec[len(rec)-1].Deal.Seed {
		t.Fatalf("entry %+v", last)
	}
	j.mu.Lock()
	begun, deals := j.begun, j.deals
	j.mu.Unlock()
	if len(begun) != 1 || len(begun[0].Players) != 3 || begun[0].Settings.Players != 3 {
		t.Fatalf("begun %+v", begun)
	}
	if len(deals) != len(rec) || deals[len(deals)-1].Seed != rec[len(rec)-1].Deal.Seed || deals[len(deals)-1].Dealer != rec[len(rec)-1].Deal.Dealer {
		t.Fatalf("deals %+v for records %d", deals, len(rec))
	}
	tb.Move(anna, v.Legal[0])
	tb.Summary()
	if errs := anna.errors(t); !slices.Equal(errs, []string{"journal"}) {
		t.Fatalf("errors %v, want journal", errs)
	}
	if after := anna.view(t); after.V != v.V {
		t.Fatalf("version %d after a refused move, want %d", after.V, v.V)
	}
}

// recordingBot plays the first legal move and remembers what it was shown.
type recordingBot struct {
	seat  int
	calls *int
	bad   bool
}

func (b *recordingBot) Move(v rules.SeatView, legal []rules.Move) rules.Move {
	*b.calls++
	if v.Viewer != b.seat || len(legal) == 0 || !slices.ContainsFunc(legal, func(m rules.Move) bool { return int(m.Seat) == b.seat }) {
		b.bad = true
	}
	return legal[0]
}

func TestBotsArePluggedInOnePerSeat(t *testing.T) {
	calls := 0
	var bots []*recordingBot
	cfg := Config{NewBot: func(seat int, _ rules.Options) Bot {
		b := &recordingBot{seat: seat, calls: &calls}
		bots = append(bots, b)
		return b
	}}
	tb, clk, anna := playing(t, cfg, "")
	untilAnna(t, tb, clk, anna)
	tb.Summary()
	if calls == 0 || len(bots) != 2 {
		t.Fatalf("%d calls to %d bots, want calls to 2", calls, len(bots))
	}
	for _, b := range bots {
		if b.bad {
			t.Fatalf("bot of seat %d was shown another seat or no legal move", b.seat)
		}
	}
}

func ExampleOffer() {
	o := Offer(protocol.Timeout{Policy: protocol.TimeoutFine, Fine: DefaultFine})
	for _, p := range o.Presets {
		fmt.Println(p.Name, p.Options["players"], p.Options["move_time"])
	}
	fmt.Println(o.Choices["raspasy_exit"], o.Policies)
	// Output:
	// codex 3 300
	// sochi 3 300
	// leningrad 3 300
	// rostov 3 300
	// fspr 3 300
	// custom 3 300
	// [6-6-6 6-7-7 6-7-8 7-7-7] [fine bot bank]
}

func TestWatchersAreCappedButSeatedPlayersAlwaysGetIn(t *testing.T) {
	anna, boris := newConn("Anna"), newConn("Boris")
	tb, _ := waitingTable(t, Config{MaxWatchers: 2}, anna, "sochi", `{"players":4}`)
	tb.Sit(boris, 1)
	w := []*fakeConn{newConn("W1"), newConn("W2"), newConn("W3")}
	for _, c := range w {
		tb.Watch(c, 0)
	}
	boris2 := newConn("Boris")
	tb.Watch(boris2, 0)
	tb.Summary()
	if errs := w[2].errors(t); !slices.Equal(errs, []string{"watchers_full"}) {
		t.Fatalf("third watcher: errors %v, want watchers_full", errs)
	}
	if errs := append(w[0].errors(t), boris2.errors(t)...); len(errs) > 0 {
		t.Fatalf("errors %v for a watcher within the cap and a seated player", errs)
	}
}
