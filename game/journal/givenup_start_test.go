package journal_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// startLosingJournal is the real journal but for one thing: the first
// pulka start is written and its answer lost (Begin says
// table.ErrUnsettled), and every start begun again then finds the store
// not answering (table.ErrUnsettled too), as a database that went away
// right after the commit would.
type startLosingJournal struct {
	*journal.Journal
	mu     sync.Mutex
	begins int
}

func (j *startLosingJournal) Begin(p table.PulkaStart) error {
	j.mu.Lock()
	j.begins++
	n := j.begins
	j.mu.Unlock()
	if n > 1 {
		return fmt.Errorf("begin: the database is not answering (%w)", table.ErrUnsettled)
	}
	if err := j.Journal.Begin(p); err != nil {
		return err
	}
	return fmt.Errorf("commit: connection reset (%w)", table.ErrUnsettled)
}

func (j *startLosingJournal) Settle(table.MoveEntry) (bool, error) {
	return false, errors.New("written: the database is not answering")
}

// A held start the table gives up (Config.SettleLimit) frees the table
// and tells its players the pulka did not start; the store must not keep
// that pulka in progress, or the next start (journal.Restore) or a
// takeover (Store.Claimable, RestoreTable) brings back a pulka its
// players were told never began, and plays it on their clocks.
func TestAStartGivenUpLeavesNoPulkaInProgress(t *testing.T) {
	ctx := context.Background()
	st, players := sqliteClub(t, "Anna")
	j := &startLosingJournal{Journal: journal.New(st, quiet, nil)}
	anna := &player{p: players[0], in: make(chan []byte, 1<<16)}
	tb, err := table.New(table.Config{ID: "t1", Creator: anna.p, Journal: j, Logger: quiet,
		StoreRetry: time.Millisecond, SettleLimit: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Stop()
	anna.tbl = tb
	tb.Watch(anna, 0)
	tb.SetConventions(anna, "sochi", nil)
	tb.AddBot(anna, 1)
	tb.AddBot(anna, 2)
	for give := time.Now().Add(time.Minute); tb.Summary().State != protocol.StateFree; time.Sleep(time.Millisecond) {
		if time.Now().After(give) {
			t.Fatal("the held start was not given up in a minute")
		}
	}
	if ps, err := st.InProgressAt(ctx, "t1"); err != nil || len(ps) != 0 {
		t.Fatalf("the table was freed (its start given up) but the store has %d pulkas in progress at t1 (%v): a restart or takeover restores it", len(ps), err)
	}
	list, err := st.Pulkas(ctx, store.PulkaQuery{})
	if err != nil || len(list) != 1 || !strings.Contains(list[0].Abandoned, "could not confirm the pulka's start") {
		t.Fatalf("the archive lists %+v (%v), want the one start abandoned with its reason", list, err)
	}
}
