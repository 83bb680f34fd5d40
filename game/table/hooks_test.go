package table

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/score"
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
	cfg := Config{NewBot: func(seat int, _ score.Settings) Bot {
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
	o := Offer(nil)
	for _, p := range o.Presets {
		fmt.Println(p.Name, p.Options["players"], p.Options["move_time"])
	}
	fmt.Println(o.Choices["raspasy_exit"], o.Choices["timeout_action"], o.Presets[0].Options["timeout_action"])
	// Output:
	// codex 3 300
	// sochi 3 300
	// leningrad 3 300
	// rostov 3 300
	// fspr 3 300
	// custom 3 300
	// [6-6-6 6-7-7 6-7-8 7-7-7] [bot-takeover auto-pass fine] fine
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

// failingPulkaJournal refuses the first failures finished pulkas handed to
// it, then stores them.
type failingPulkaJournal struct {
	refusingJournal
	failures int
	tries    int
}

func (j *failingPulkaJournal) Pulka(r PulkaRecord) error {
	j.mu.Lock()
	j.tries++
	if j.tries <= j.failures {
		j.mu.Unlock()
		return errors.New("database is locked")
	}
	j.mu.Unlock()
	return j.refusingJournal.Pulka(r)
}

// metricValue returns the value of the metric name in reg (0 if none).
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			m := mf.GetMetric()[0]
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

func TestAFinishedPulkaTheJournalRefusesIsRetriedUntilStored(t *testing.T) {
	const failures = 3
	j := &failingPulkaJournal{failures: failures}
	reg := prometheus.NewRegistry()
	cfg := Config{Journal: j, Metrics: metrics.New(reg), StoreRetry: time.Second, FinishedKeep: time.Second,
		Options: club("timeout_fine", "10")}
	tb, clk, anna := playing(t, cfg, "")
	untilAnna(t, tb, clk, anna)
	clk.Advance(DefaultMoveTime) // fined: the pulka is over, the journal refuses it
	if s := tb.Summary(); s.State != protocol.StateFinished || !s.Unstored {
		t.Fatalf("summary %+v, want finished and unstored", s)
	}
	if !slices.Contains(anna.errors(t), string(protocol.ErrNotStored)) {
		t.Fatalf("Anna's errors %v, want not_stored", anna.errors(t))
	}
	vera := newConn("Vera")
	tb.Watch(vera, 0)
	tb.Summary()
	if !slices.Contains(vera.errors(t), string(protocol.ErrNotStored)) {
		t.Fatalf("a watcher coming later is not told: %v", vera.errors(t))
	}
	if got := metricValue(t, reg, "trelljaz_pulkas_unstored"); got != 1 {
		t.Fatalf("unstored gauge %v, want 1", got)
	}
	// Retries after 1 s, 2 s, 4 s: the third succeeds. FinishedKeep (1 s)
	// passes meanwhile, and the table is kept all the same.
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		clk.Advance(wait)
		tb.Summary()
		s := tb.Summary()
		stored := i == failures-1
		if s.State != protocol.StateFinished || s.Unstored == stored {
			t.Fatalf("after retry %d: state %q unstored %v", i+1, s.State, s.Unstored)
		}
	}
	j.mu.Lock()
	tries, stored := j.tries, len(j.pulkas)
	j.mu.Unlock()
	if tries != failures+1 || stored != 1 {
		t.Fatalf("%d attempts, %d stored; want %d attempts and the pulka stored once", tries, stored, failures+1)
	}
	if got := metricValue(t, reg, "trelljaz_pulka_store_failures_total"); got != failures {
		t.Fatalf("failures counted %v, want %d", got, failures)
	}
	if got := metricValue(t, reg, "trelljaz_pulkas_unstored"); got != 0 {
		t.Fatalf("unstored gauge %v after the pulka was stored, want 0", got)
	}
	clk.Advance(time.Second) // stored: now FinishedKeep frees it
	if s := tb.Summary(); s.State != protocol.StateFree {
		t.Fatalf("state %q after FinishedKeep once stored, want free", s.State)
	}
}

// A player's move the table plays is timed (metrics: its time at the
// table); a refused one and the bots' moves are not.
func TestAPlayersMoveIsTimedAtItsTable(t *testing.T) {
	reg := prometheus.NewRegistry()
	tb, clk, anna := playing(t, Config{Metrics: metrics.New(reg)}, "")
	v := untilAnna(t, tb, clk, anna)
	timed := func() uint64 {
		t.Helper()
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "trelljaz_move_seconds" {
				return mf.GetMetric()[0].GetHistogram().GetSampleCount()
			}
		}
		return 0
	}
	if n := timed(); n != 0 {
		t.Fatalf("%d moves timed before Anna moved (the bots' moves are not a player's)", n)
	}
	tb.Move(anna, rules.Pass(1)) // not her seat: refused
	tb.Summary()
	if n := timed(); n != 0 {
		t.Fatalf("a refused move was timed (%d)", n)
	}
	tb.Move(anna, v.Legal[0])
	tb.Summary()
	if n := timed(); n != 1 {
		t.Fatalf("%d moves timed after Anna's move, want 1", n)
	}
}
