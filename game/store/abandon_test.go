package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trelljaz/trelljaz/game/store"
)

// TestAnAbandonedPulkaIsKeptListedAndNeverRestored: a pulka in progress
// whose log is corrupt is reported by InProgress (Unreadable) while the
// others are read back; abandoned, it leaves InProgress for good, the
// archive lists it with its reason and no result, it cannot be finished or
// abandoned again, and it is never deleted.
func TestAnAbandonedPulkaIsKeptListedAndNeverRestored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		ids := make([]store.PulkaID, 3)
		for i := range ids {
			n := []string{fmt.Sprint("A", i), fmt.Sprint("B", i), fmt.Sprint("C", i)}
			p := play(t, uint64(i+11), n, 2)
			var err error
			if ids[i], err = s.BeginPulka(ctx, p.Pulka(fmt.Sprint("t", i+1), signIn(t, s, n...), t0)); err != nil {
				t.Fatal(err)
			}
			writeAhead(t, s, p, ids[i])
		}
		// The second pulka's log is corrupt: a move that does not decode.
		if _, err := s.DB().ExecContext(ctx, "UPDATE moves SET move = $1 WHERE pulka_id = $2 AND deal_no = 0 AND move_no = 2",
			`{"seat":`, int64(ids[1])); err != nil {
			t.Fatal(err)
		}
		got, err := s.InProgress(ctx)
		if err != nil || len(got) != 3 {
			t.Fatalf("InProgress: %d pulkas, %v; want 3 and no error", len(got), err)
		}
		for i, p := range got {
			if bad := p.Unreadable != nil; bad != (i == 1) || bad && !errors.Is(p.Unreadable, store.ErrCorrupt) {
				t.Fatalf("pulka %d: Unreadable = %v, want ErrCorrupt for pulka 1 only", i, p.Unreadable)
			}
		}
		if err := s.Abandon(ctx, ids[1], "deal 1 move 3: "+got[1].Unreadable.Error(), t0.Add(1e9)); err != nil {
			t.Fatal(err)
		}
		got, err = s.InProgress(ctx)
		if err != nil || len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[2] {
			t.Fatalf("InProgress after the abandon: %+v, %v; want pulkas %d and %d", got, err, ids[0], ids[2])
		}
		list, err := s.Pulkas(ctx, store.PulkaQuery{})
		if err != nil || len(list) != 1 {
			t.Fatalf("archive: %+v, %v; want the abandoned pulka", list, err)
		}
		a := list[0]
		if a.ID != ids[1] || !strings.Contains(a.Abandoned, "corrupt") || !a.Finished.Equal(t0.Add(1e9)) || len(a.Seats) != 3 || a.Seats[0].Result != "" || a.Seats[0].Place != 0 {
			t.Fatalf("archive lists %+v, want pulka %d abandoned with its reason, no results", a, ids[1])
		}
		if mine, err := s.Pulkas(ctx, store.PulkaQuery{Player: a.Seats[0].Player}); err != nil || len(mine) != 1 || mine[0].Abandoned == "" {
			t.Fatalf("the player's archive: %+v, %v", mine, err)
		}
		if pr, err := s.Profile(ctx, a.Seats[0].Player); err != nil || pr.Games != 0 {
			t.Fatalf("an abandoned pulka counted as a game: %+v, %v", pr, err)
		}
		if _, err := s.Archived(ctx, ids[1]); !errors.Is(err, store.ErrNoPulka) {
			t.Fatalf("Archived of an abandoned pulka: %v, want ErrNoPulka (it has no record)", err)
		}
		if err := s.Abandon(ctx, ids[1], "again", t0); !errors.Is(err, store.ErrNoPulka) {
			t.Fatalf("abandoning twice: %v, want ErrNoPulka", err)
		}
		if _, err := s.Finish(ctx, store.Finish{Pulka: ids[1], At: t0}); !errors.Is(err, store.ErrNoPulka) {
			t.Fatalf("finishing an abandoned pulka: %v, want ErrNoPulka", err)
		}
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM pulkas WHERE id = $1", int64(ids[1])); err == nil || !strings.Contains(err.Error(), "abandoned pulkas are never deleted") {
			t.Fatalf("deleting an abandoned pulka: %v, want the trigger's refusal", err)
		}
	})
}

func TestAbandonKeepsABoundedReason(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		n := []string{"Anna", "Boris", "Vera"}
		id, err := s.BeginPulka(ctx, play(t, 3, n, 1).Pulka("t1", signIn(t, s, n...), t0))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Abandon(ctx, id, strings.Repeat("é", store.MaxAbandonReason)+"\xff", t0); err != nil {
			t.Fatal(err)
		}
		list, err := s.Pulkas(ctx, store.PulkaQuery{})
		if err != nil || len(list) != 1 {
			t.Fatal(list, err)
		}
		if r := list[0].Abandoned; len(r) > store.MaxAbandonReason || !strings.HasPrefix(r, "éé") || strings.ContainsRune(r, '\uFFFD') {
			t.Fatalf("reason of %d bytes %q..., want at most %d bytes of valid text", len(r), r[:10], store.MaxAbandonReason)
		}
	})
}
