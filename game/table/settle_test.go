package table

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// losingJournal loses the answer to every move once lose is set: the move
// is written (written) or not, and Move returns ErrUnsettled either way;
// Settle fails while down is set (with downErr, if set) and otherwise
// tells the truth.
type losingJournal struct {
	refusingJournal
	lose, written, down bool
	downErr             error
	settles             int
}

func (j *losingJournal) Move(e MoveEntry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.lose {
		j.entries = append(j.entries, e)
		return nil
	}
	j.lose = false
	if j.written {
		j.entries = append(j.entries, e)
	}
	return errors.Join(errors.New("commit: connection reset"), ErrUnsettled)
}

func (j *losingJournal) Settle(e MoveEntry) (bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.settles++
	if j.down && j.downErr != nil {
		return false, j.downErr
	}
	if j.down {
		return false, errors.New("database unavailable")
	}
	return slices.Contains(j.entries, e), nil
}

func (j *losingJournal) set(f func(j *losingJournal)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j)
}

// A move whose write the journal cannot confirm is neither applied nor
// refused until the journal settles it; meanwhile every other move is
// refused, and the mover's clock stands still. Then the mover is told what
// the store holds: the move's event, or a refusal.
func TestAMoveTheJournalCannotConfirmIsAnsweredWithWhatTheStoreHolds(t *testing.T) {
	for _, c := range []struct {
		name    string
		written bool
	}{
		{"written: the move is applied", true},
		{"not written: the move is refused", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := &losingJournal{}
			// The store is down longer than a move's time, not than SettleLimit.
			tb, clk, anna := playing(t, Config{Journal: j, SettleLimit: time.Hour}, "")
			v := untilAnna(t, tb, clk, anna)
			moves := len(tb.Records()[len(tb.Records())-1].Moves)
			j.set(func(j *losingJournal) { j.lose, j.written, j.down = true, c.written, true })
			tb.Move(anna, v.Legal[0])
			tb.Summary()
			if errs := anna.errors(t); len(errs) != 0 {
				t.Fatalf("errors %v for a held move, want none yet", errs)
			}
			tb.Move(anna, v.Legal[len(v.Legal)-1])
			tb.Summary()
			if errs := anna.errors(t); !slices.Equal(errs, []string{"journal"}) {
				t.Fatalf("errors %v for a move while one is held, want journal", errs)
			}
			// The store stays down past the mover's whole time: no timeout move.
			for range 3 {
				clk.Advance(time.Duration(v.Clock.Deadline-clk.Now().UnixMilli())*time.Millisecond + time.Second)
				tb.Summary()
			}
			if after := anna.view(t); after.V != v.V {
				t.Fatalf("version %d while the move is held, want %d", after.V, v.V)
			}
			j.set(func(j *losingJournal) { j.down, j.settles = false, 0 })
			for give := time.Now().Add(time.Minute); ; { // the journal's answer comes from another goroutine
				if time.Now().After(give) {
					t.Fatal("the held move was never settled")
				}
				settles := 0
				j.set(func(j *losingJournal) { settles = j.settles })
				if settles == 0 {
					clk.Advance(DefaultStoreRetry)
				}
				tb.Summary()
				if anna.view(t).V != v.V || len(anna.errors(t)) == 2 {
					break
				}
				time.Sleep(time.Millisecond) // polling state
			}
			after := anna.view(t)
			recs := tb.Records()
			got := recs[len(recs)-1].Moves
			if c.written {
				if after.V <= v.V || len(got) != moves+1 || got[moves] != v.Legal[0] {
					t.Fatalf("version %d→%d, %d→%d moves: the written move is not applied", v.V, after.V, moves, len(got))
				}
				if errs := anna.errors(t); len(errs) != 1 {
					t.Fatalf("errors %v, want only the one for the move made while held", errs)
				}
				return
			}
			if after.V != v.V || len(got) != moves {
				t.Fatalf("version %d→%d, %d→%d moves: a move not written was applied", v.V, after.V, moves, len(got))
			}
			if errs := anna.errors(t); !slices.Equal(errs, []string{"journal", "journal"}) {
				t.Fatalf("errors %v, want the refusal of the held move", errs)
			}
			tb.Move(anna, v.Legal[0])
			tb.Summary()
			if recs := tb.Records(); len(recs[len(recs)-1].Moves) != moves+1 {
				t.Fatal("Anna cannot move after her held move was refused: her clock ran out while the store was down")
			}
		})
	}
}

// dealLosingJournal refuses deal start number refuse once (as a store
// whose answer was lost would), then takes it.
type dealLosingJournal struct {
	refusingJournal
	refuse int
}

func (j *dealLosingJournal) Deal(d DealStart) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.deals = append(j.deals, d)
	if d.Deal == j.refuse {
		j.refuse = 0
		return errors.New("commit: connection reset")
	}
	return nil
}

// A deal the journal refused is dealt again as it was — the same seed,
// dealer and series — since its write may have landed: the store takes
// the same deal twice, never another under its number.
func TestADealTheJournalRefusedIsDealtAgainTheSame(t *testing.T) {
	j := &dealLosingJournal{refuse: 2}
	tb, clk, anna := playing(t, Config{Journal: j}, "")
	var tries []DealStart
	for i := 0; len(tries) < 2; i++ {
		if i == 5000 {
			t.Fatalf("deal 2 was not dealt again: %+v", tries)
		}
		if v := anna.view(t); v.State == "playing" && v.Clock.Seat == 0 && len(v.Legal) > 0 {
			tb.Move(anna, v.Legal[0])
		} else {
			clk.Advance(DefaultBotDelay)
			clk.Advance(DefaultDealPause)
		}
		tb.Summary()
		j.mu.Lock()
		tries = tries[:0]
		for _, d := range j.deals {
			if d.Deal == 2 {
				tries = append(tries, d)
			}
		}
		j.mu.Unlock()
	}
	if tries[0] != tries[1] {
		t.Fatalf("deal 2 was refused as %+v and dealt again as %+v", tries[0], tries[1])
	}
	if recs := tb.Records(); len(recs) < 2 || recs[1].Deal.Seed != tries[0].Seed {
		t.Fatalf("the table plays deal 2 from another seed than the one refused")
	}
}
