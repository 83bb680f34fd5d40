package journal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/journal"
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
