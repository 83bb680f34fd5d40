package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store"
)

// TestAPulkaFinedMidDealIsArchived checks a pulka closed by a timeout fine
// in the middle of a deal: its log holds the interrupted deal (dealt, some
// moves made), which is not part of the record. Finish must take it (the
// record's deals and fines), keep the interrupted deal's acknowledged moves
// in the log, and the archive must show the record as finished.
func TestAPulkaFinedMidDealIsArchived(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		names := []string{"Anna", "Boris", "Vera"}
		p, id, _ := writtenAhead(t, s, names)
		// The interrupted deal: dealt and two moves in when the clock fined.
		next := play(t, 6, names, 1)
		n := len(p.Deals)
		start := next.Starts(id, 0, t0)
		start.Deal = n
		if err := s.StartDeal(ctx, start); err != nil {
			t.Fatal(err)
		}
		moves := next.Moves(id, 0, t0)[:2]
		for i := range moves {
			moves[i].Deal = n
		}
		if err := s.Append(ctx, moves...); err != nil {
			t.Fatal(err)
		}

		f := p.Finish(id, t0.Add(time.Hour))
		f.Fines = map[string]int{"Boris": 20}
		if _, err := s.Finish(ctx, f); err != nil {
			t.Fatalf("Finish of a pulka fined mid-deal: %v", err)
		}
		a, err := s.Archived(ctx, id)
		if err != nil {
			t.Fatalf("Archived: %v", err)
		}
		want := p.Record()
		want.Fines = f.Fines
		if got := a.Record(); !reflect.DeepEqual(got, want) {
			t.Errorf("archived record:\n got %+v\nwant %+v", got, want)
		}
		if len(a.Deals) != n {
			t.Errorf("archived deals = %d, want the %d scored ones", len(a.Deals), n)
		}
	})
}

// TestFinishRefusesALogWithMoreDealsThanTheRecordWithoutFines checks that
// the allowance above is for fines only: a pulka that ended by its pool
// hands over every deal its log holds.
func TestFinishRefusesALogWithMoreDealsThanTheRecordWithoutFines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		names := []string{"Anna", "Boris", "Vera"}
		p, id, _ := writtenAhead(t, s, names)
		next := play(t, 6, names, 1)
		start := next.Starts(id, 0, t0)
		start.Deal = len(p.Deals)
		if err := s.StartDeal(ctx, start); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Finish(ctx, p.Finish(id, t0.Add(time.Hour))); err == nil {
			t.Error("Finish without fines took a log with a deal the record lacks")
		}
	})
}
