package table

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
)

// startLosingJournal loses the answer to the first pulka start when
// loseStart is set (Begin answers ErrUnsettled); Begin again fails while
// startDown is set, answers startErr if set, and otherwise takes the
// start. Pulka (a finished pulka, or a given-up start to abandon) fails
// while pulkaDown is set.
type startLosingJournal struct {
	losingJournal
	loseStart, startDown, pulkaDown bool
	startErr                        error
}

func (j *startLosingJournal) Pulka(r PulkaRecord) error {
	j.mu.Lock()
	down := j.pulkaDown
	j.mu.Unlock()
	if down {
		return errors.New("database unavailable")
	}
	return j.losingJournal.Pulka(r)
}

func (j *startLosingJournal) Begin(p PulkaStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.begun = append(j.begun, p)
	switch {
	case j.loseStart:
		j.loseStart = false
		return errors.Join(errors.New("commit: connection reset"), ErrUnsettled)
	case j.startDown:
		return errors.Join(errors.New("database unavailable"), ErrUnsettled)
	}
	return j.startErr
}

func (j *startLosingJournal) starts() []PulkaStart {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.begun)
}

// advanceUntil moves the fake clock by step until cond holds: the
// journal's answers come from goroutines of their own, so the table's
// state is polled (a minute of wall time at most).
func advanceUntil(t *testing.T, tb *Table, clk *fakeClock, step time.Duration, what string, cond func() bool) {
	t.Helper()
	for give := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(give) {
			t.Fatalf("%s: not after a minute", what)
		}
		clk.Advance(step)
		tb.Summary()
	}
}

// fullTable is a waiting table of Anna's whose last seat her bot takes:
// the pulka starts (or its start is held) from that sit.
func fullTable(t *testing.T, cfg Config) (*Table, *fakeClock, *fakeConn) {
	t.Helper()
	anna := newConn("Anna")
	tb, clk := waitingTable(t, cfg, anna, "sochi", "")
	tb.AddBot(anna, 1)
	tb.AddBot(anna, 2)
	tb.Summary()
	return tb, clk, anna
}

// A pulka start whose write the journal cannot confirm is held: the table
// waits with its seats as they are (standing up and moves are refused with
// code start_pending), begins the same start again — the same key — until
// the journal takes it, and then the pulka starts, once.
func TestAPulkaStartTheJournalCannotConfirmIsHeldUntilSettled(t *testing.T) {
	j := &startLosingJournal{loseStart: true, startDown: true}
	tb, clk, anna := fullTable(t, Config{Journal: j})
	if s := tb.Summary(); s.State != protocol.StateWaiting {
		t.Fatalf("state %q while the start is held, want waiting", s.State)
	}
	if errs := anna.errors(t); len(errs) != 0 {
		t.Fatalf("errors %v for a held start, want none yet", errs)
	}
	tb.Stand(anna)
	tb.Summary()
	if errs := anna.errors(t); !slices.Equal(errs, []string{"start_pending"}) {
		t.Fatalf("errors %v for standing up while the start is held, want start_pending", errs)
	}
	if seats := anna.view(t).Seats; len(seats) != 3 || seats[0].Player.ID != anna.p.ID {
		t.Fatalf("seats %+v while the start is held: Anna's seat was freed", seats)
	}
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the start begun again", func() bool { return len(j.starts()) >= 3 })
	if s := tb.Summary(); s.State != protocol.StateWaiting {
		t.Fatalf("state %q while the journal cannot answer, want waiting", s.State)
	}
	j.mu.Lock()
	j.startDown = false
	j.mu.Unlock()
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the pulka started", func() bool { return anna.view(t).State == "playing" })
	starts := j.starts()
	for _, s := range starts[1:] {
		if s.Key != starts[0].Key || s.Table != starts[0].Table || s.Pulka != starts[0].Pulka || !s.Started.Equal(starts[0].Started) {
			t.Fatalf("the held start was begun again as another start: %+v, first %+v", s, starts[0])
		}
	}
	if starts[0].Key == "" {
		t.Fatal("the start has no key: the journal cannot tell it from another")
	}
	if errs := anna.errors(t); len(errs) != 1 {
		t.Fatalf("errors %v, want only the one for standing up", errs)
	}
}

// A held move or pulka start that the journal never settles is given up:
// after Config.SettleLimit of asking, or at once when the journal says the
// store holds something else (ErrDiverged). A held move's pulka ends
// unrated with reason "unsettled", handed to the journal as abandoned; a
// held start frees the table; everyone at the table is told, with the
// error code "abandoned" (the settlement's reason is not an error code).
func TestAWriteTheJournalNeverSettlesIsGivenUp(t *testing.T) {
	diverged := errors.Join(errors.New("another move under its number"), ErrDiverged)
	for _, c := range []struct {
		name  string
		start bool  // the pulka's start is held, not a move
		err   error // what the journal says when asked again
		limit time.Duration
	}{
		{"a move the store cannot settle within the limit", false, errors.New("database unavailable"), 30 * time.Second},
		{"a move the store holds another under", false, diverged, 24 * time.Hour},
		{"a start the store cannot settle within the limit", true, errors.Join(errors.New("database unavailable"), ErrUnsettled), 30 * time.Second},
		{"a start whose key holds another pulka", true, diverged, 24 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := &startLosingJournal{loseStart: c.start}
			cfg := Config{Journal: j, SettleLimit: c.limit}
			var tb *Table
			var clk *fakeClock
			var anna *fakeConn
			if c.start {
				j.startErr = c.err
				tb, clk, anna = fullTable(t, cfg)
			} else {
				tb, clk, anna = playing(t, cfg, "")
				v := untilAnna(t, tb, clk, anna)
				j.set(func(j *losingJournal) { j.lose, j.down, j.downErr = true, true, c.err })
				tb.Move(anna, v.Legal[0])
			}
			boris := newConn("Boris") // a spectator is told too
			tb.Watch(boris, 0)
			from := clk.Now()
			end := "finished"
			if c.start {
				end = "free"
			}
			if !errors.Is(c.err, ErrDiverged) {
				asked := func() int {
					j.mu.Lock()
					defer j.mu.Unlock()
					return j.settles + len(j.begun)
				}
				advanceUntil(t, tb, clk, DefaultStoreRetry, "the journal asked again", func() bool { return asked() >= 3 })
				if st := anna.view(t).State; clk.Now().Sub(from) < c.limit && st == end {
					t.Fatalf("given up after %v, before the limit %v", clk.Now().Sub(from), c.limit)
				}
			}
			advanceUntil(t, tb, clk, DefaultStoreRetry, "the write given up", func() bool { return anna.view(t).State == end })
			waited := clk.Now().Sub(from)
			if errors.Is(c.err, ErrDiverged) && waited >= c.limit {
				t.Fatalf("given up after %v: a diverged store should end it at once", waited)
			}
			for _, conn := range []*fakeConn{anna, boris} {
				if errs := conn.errors(t); !slices.Equal(errs, []string{"abandoned"}) {
					t.Errorf("%s was told %v, want [abandoned]", conn.p.Name, errs)
				}
			}
			if c.start {
				j.mu.Lock()
				pulkas, begun := slices.Clone(j.pulkas), slices.Clone(j.begun)
				j.mu.Unlock()
				switch {
				case errors.Is(c.err, ErrDiverged) && len(pulkas) != 0:
					t.Fatalf("the journal got %+v for a start whose key is another pulka's, want nothing to abandon", pulkas)
				case !errors.Is(c.err, ErrDiverged) && (len(pulkas) != 1 || pulkas[0].Abandoned == "" || pulkas[0].Start == nil || pulkas[0].Start.Key != begun[0].Key):
					t.Fatalf("the journal got %+v, want the given-up start (key %q) to abandon, with its reason", pulkas, begun[0].Key)
				}
				return
			}
			if r := anna.view(t).Result; r == nil || r.Reason != "unsettled" || len(r.Rounded) != 0 {
				t.Fatalf("result %+v, want reason unsettled (the wire's word since session 6) and no settlement", r)
			}
			j.mu.Lock()
			pulkas := slices.Clone(j.pulkas)
			j.mu.Unlock()
			if len(pulkas) != 1 || pulkas[0].Abandoned == "" || pulkas[0].Result != nil {
				t.Fatalf("the journal got %+v, want one pulka abandoned with its reason and no result", pulkas)
			}
		})
	}
}

// A table that stops while it holds a pulka start begins it no more: the
// store is not written for a table that no longer runs (its lease may be
// another process's, its store closing). The wait below can only let the
// test pass wrongly on a slow machine, never fail it wrongly.
func TestAStoppedTableBeginsItsHeldStartNoMore(t *testing.T) {
	j := &startLosingJournal{loseStart: true, startDown: true}
	tb, clk, _ := fullTable(t, Config{Journal: j})
	before := len(j.starts())
	tb.Stop()
	<-tb.Done()
	for range 3 {
		clk.Advance(DefaultStoreRetry)
	}
	time.Sleep(50 * time.Millisecond) // a Begin already on its way would be seen by now
	if after := len(j.starts()); after != before {
		t.Fatalf("the journal was asked to begin the held start %d times after the table stopped", after-before)
	}
}

// refusals returns the errors c got, "code: text" each.
func (c *fakeConn) refusals(t *testing.T) []string {
	var out []string
	for _, m := range c.all() {
		if f := decodeFrame(t, m); f.Type == "error" {
			out = append(out, f.Code+": "+f.Text)
		}
	}
	return out
}

// A held pulka start given up is abandoned in the store before its table
// is freed; while the journal cannot do that yet, the table refuses
// standing up and moves with what is true — the start was given up (code
// "abandoned") — not that it is being confirmed.
func TestAGivenUpStartRefusesWithWhatIsTrue(t *testing.T) {
	j := &startLosingJournal{loseStart: true, startDown: true, pulkaDown: true}
	tb, clk, anna := fullTable(t, Config{Journal: j, SettleLimit: 30 * time.Second})
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the start given up", func() bool { return len(anna.errors(t)) > 0 })
	if s := tb.Summary(); s.State != protocol.StateWaiting {
		t.Fatalf("state %q while the journal cannot abandon the start, want waiting", s.State)
	}
	told := len(anna.refusals(t))
	tb.Stand(anna)
	tb.Move(anna, rules.Pass(0))
	tb.Summary()
	refused := anna.refusals(t)[told:]
	if len(refused) != 2 {
		t.Fatalf("answers %q to standing up and a move, want two refusals", refused)
	}
	for _, r := range refused {
		if !strings.HasPrefix(r, "abandoned: ") || !strings.Contains(r, "given up") {
			t.Errorf("refused with %q, want code abandoned and a text that says the start was given up", r)
		}
	}
	j.mu.Lock()
	j.pulkaDown = false
	j.mu.Unlock()
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the table freed once the start is abandoned", func() bool { return tb.Summary().State == protocol.StateFree })
}

// A player who leaves a table whose pulka's start is held goes, but keeps
// the seat — no seat can be given up until the store answers — and is
// told so (code start_pending), never silently; everyone still sees them
// seated, and once the store takes the start the pulka starts with them.
func TestLeavingWhileTheStartIsHeldKeepsTheSeatAndSaysSo(t *testing.T) {
	j := &startLosingJournal{loseStart: true, startDown: true}
	tb, clk, anna := fullTable(t, Config{Journal: j})
	boris := newConn("Boris")
	tb.Watch(boris, 0)
	tb.Leave(anna)
	tb.Summary()
	refused := anna.refusals(t)
	if len(refused) != 1 || !strings.HasPrefix(refused[0], "start_pending: ") || !strings.Contains(refused[0], "keep seat 0") {
		t.Fatalf("Anna was told %q on leaving, want one start_pending that says she keeps seat 0", refused)
	}
	msgs := anna.all()
	if f := decodeFrame(t, msgs[len(msgs)-1]); f.Type != "left" {
		t.Fatalf("Anna's last message is %q, want left (her connection goes)", f.Type)
	}
	if seats := boris.view(t).Seats; len(seats) != 3 || seats[0].Player.ID != anna.p.ID {
		t.Fatalf("seats %+v after Anna left while the start is held, want her at seat 0", seats)
	}
	j.mu.Lock()
	j.startDown = false
	j.mu.Unlock()
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the pulka started", func() bool { return boris.view(t).State == "playing" })
	if seats := boris.view(t).Seats; seats[0].Player.ID != anna.p.ID {
		t.Fatalf("seats %+v once the pulka started, want Anna at seat 0", seats)
	}
}

// dealDownJournal is a startLosingJournal whose Deal always fails: the
// store takes the pulka's start, then is down for its first deal.
type dealDownJournal struct {
	startLosingJournal
	tries int // calls of Deal
}

func (j *dealDownJournal) Deal(DealStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.tries++
	return errors.New("database unavailable")
}

// A player who left while the start was held, for longer than the grace
// period, keeps the seat only while the start is held: when the held start
// is then taken but the pulka cannot begin (its first deal is not
// written), the table waits again, and the absent player's seat is freed
// after a grace period as any absent player's is — never held forever (a
// table whose only human left would otherwise never be freed).
func TestAnAbsentPlayersSeatKeptByAHeldStartIsFreedWhenTheTableWaitsAgain(t *testing.T) {
	j := &dealDownJournal{startLosingJournal: startLosingJournal{loseStart: true, startDown: true}}
	tb, clk, anna := fullTable(t, Config{Journal: j, SettleLimit: time.Hour})
	boris := newConn("Boris")
	tb.Watch(boris, 0)
	tb.Leave(anna)
	tb.Summary()
	clk.Advance(2 * DefaultGrace) // the grace runs out while the start is held
	if seats := boris.view(t).Seats; seats[0].Player.ID != anna.p.ID {
		t.Fatalf("seats %+v while the start is held, want Anna's kept", seats)
	}
	j.mu.Lock()
	j.startDown = false // the store takes the start, not its first deal
	j.mu.Unlock()
	advanceUntil(t, tb, clk, DefaultStoreRetry, "the start taken, its first deal tried", func() bool {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.tries > 0
	})
	if s := tb.Summary(); s.State != protocol.StateWaiting {
		t.Fatalf("state %q once the first deal could not be written, want waiting", s.State)
	}
	advanceUntil(t, tb, clk, DefaultGrace/4, "the absent Anna's seat freed (the table has no other human: freed)", func() bool {
		return tb.Summary().State == protocol.StateFree
	})
}
