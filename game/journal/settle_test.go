package journal_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// A finished pulka the table could not settle (PulkaRecord.Result nil)
// is refused, with the reason, and stays in progress in the store: the
// table keeps it and retries, nothing is archived without its settlement.
func TestAPulkaWithoutItsSettlementIsRefused(t *testing.T) {
	ctx := context.Background()
	st, players := sqliteClub(t, "Anna", "Boris", "Vera")
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	j := journal.New(st, nil, nil)
	if err := j.Begin(table.PulkaStart{Table: "t1", Pulka: 1, Players: players, Settings: set, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	err = j.Pulka(table.PulkaRecord{Table: "t1", Pulka: 1, Players: players})
	if err == nil || !strings.Contains(err.Error(), "could not settle") {
		t.Fatalf("a pulka without its settlement: %v, want refused as not settled", err)
	}
	if ps, err := st.InProgressAt(ctx, "t1"); err != nil || len(ps) != 1 {
		t.Fatalf("in progress at t1: %d pulkas, %v; want the refused one still there", len(ps), err)
	}
}

// unsettlingJournal is the real journal but for one thing: the answer to
// every move's write is lost once lose is set (the move is written, Move
// says table.ErrUnsettled), and Settle then fails for ever, as a store
// whose Written keeps failing would.
type unsettlingJournal struct {
	*journal.Journal
	mu   sync.Mutex
	lose bool
	held []table.MoveEntry
}

func (j *unsettlingJournal) Move(m table.MoveEntry) error {
	if err := j.Journal.Move(m); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.lose {
		return nil
	}
	j.held = append(j.held, m)
	return fmt.Errorf("commit: connection reset (%w)", table.ErrUnsettled)
}

func (j *unsettlingJournal) Settle(table.MoveEntry) (bool, error) {
	return false, errors.New("written: the database is not answering")
}

// A move the store never settles ends its pulka after the table's
// SettleLimit: the pulka is abandoned in the real store with the reason
// (no result, no rating change; never restored), and the pulka is counted
// finished for that reason.
func TestAPulkaWhoseMoveNeverSettlesIsAbandonedInTheStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, players := sqliteClub(t, "Anna")

	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	finished := make(chan store.PulkaID, 1)
	j := &unsettlingJournal{Journal: journal.New(st, quiet, func(id store.PulkaID) { finished <- id })}
	anna := &player{p: players[0], in: make(chan []byte, 1<<16)}
	tb, err := table.New(table.Config{ID: "t1", Creator: anna.p, Journal: j, Metrics: m, Logger: quiet,
		BotDelay: time.Millisecond, DealPause: time.Millisecond, StoreRetry: 5 * time.Millisecond, SettleLimit: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Stop()
	anna.tbl = tb
	tb.Watch(anna, 0)
	tb.SetConventions(anna, "sochi", nil)
	tb.AddBot(anna, 1)
	tb.AddBot(anna, 2)
	tb.Summary() // the pulka began with the last seat
	ps, err := st.InProgressAt(ctx, "t1")
	if err != nil || len(ps) != 1 {
		t.Fatalf("in progress at t1: %d pulkas, %v; want the pulka begun", len(ps), err)
	}
	j.mu.Lock()
	j.lose = true
	j.mu.Unlock()
	go anna.play(ctx)
	var id store.PulkaID
	select {
	case id = <-finished:
	case <-ctx.Done():
		t.Fatal("the pulka of a move never settled did not end")
	}
	if id != ps[0].ID {
		t.Fatalf("pulka %d ended, the table's is %d", id, ps[0].ID)
	}
	if rest, err := st.InProgressAt(ctx, "t1"); err != nil || len(rest) != 0 {
		t.Fatalf("in progress at t1 after it was given up: %d pulkas, %v", len(rest), err)
	}
	list, err := st.Pulkas(ctx, store.PulkaQuery{})
	if err != nil || len(list) != 1 || !strings.Contains(list[0].Abandoned, "could not confirm") {
		t.Fatalf("the archive lists %+v (%v), want the pulka abandoned with its reason", list, err)
	}
	if s := tb.Summary(); s.State != protocol.StateFinished {
		t.Fatalf("state %q, want finished", s.State)
	}
	if got := finishedCount(t, reg, string(protocol.ReasonUnsettled)); got != 1 {
		t.Fatalf("%v pulkas counted finished %q, want 1", got, protocol.ReasonUnsettled)
	}
}

// A start begun again with its key (the table does when the store's answer
// was lost) is the pulka begun first; another start under that key is a
// store that diverged (table.ErrDiverged), never a second pulka.
func TestAStartBegunAgainWithItsKeyIsOnePulka(t *testing.T) {
	ctx := context.Background()
	st, players := sqliteClub(t, "Anna", "Boris", "Vera", "Gleb")
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	start := table.PulkaStart{Table: "t1", Pulka: 1, Players: players[:3], Settings: set, Started: time.Now(), Key: "k1"}
	j := journal.New(st, nil, nil)
	for range 2 {
		if err := j.Begin(start); err != nil {
			t.Fatal(err)
		}
	}
	if ps, err := st.InProgressAt(ctx, "t1"); err != nil || len(ps) != 1 {
		t.Fatalf("in progress at t1: %d pulkas, %v; want one for a start begun twice", len(ps), err)
	}
	other := start
	other.Players = []protocol.Player{players[0], players[1], players[3]}
	if err := j.Begin(other); !errors.Is(err, table.ErrDiverged) {
		t.Fatalf("another start under the key: %v, want ErrDiverged", err)
	}
}
