package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store"
)

// A live lease is one owner's; the fencing token grows with each
// acquisition; a release lets another owner in at once.
func TestLeaseIsOneOwnersAndTheFenceGrows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		a, ok, err := s.AcquireLease(ctx, "t1", "A", time.Minute)
		if err != nil || !ok || a.Token != 1 {
			t.Fatalf("first acquisition: %+v %v %v, want fence 1", a, ok, err)
		}
		if _, ok, err := s.AcquireLease(ctx, "t1", "B", time.Minute); err != nil || ok {
			t.Fatalf("B took A's live lease: %v %v", ok, err)
		}
		if _, ok, err := s.AcquireLease(ctx, "t1", "A", time.Minute); err != nil || ok {
			t.Fatalf("A acquired its own live lease again: %v %v", ok, err)
		}
		if l, ok, err := s.LiveLease(ctx, "t1"); err != nil || !ok || l.Owner != "A" || l.Fence != 1 {
			t.Fatalf("live lease of t1: %+v %v %v, want A's with fence 1", l, ok, err)
		}
		if _, ok, err := s.LiveLease(ctx, "t2"); err != nil || ok {
			t.Fatalf("live lease of t2: %v %v, want none", ok, err)
		}
		held, err := s.RenewLeases(ctx, "A", time.Minute)
		if err != nil || !slices.Equal(held, []store.Fence{a}) {
			t.Fatalf("A renews %v (%v), want %v", held, err, a)
		}
		if err := s.ReleaseLease(ctx, a); err != nil {
			t.Fatal(err)
		}
		if held, err := s.RenewLeases(ctx, "A", time.Minute); err != nil || len(held) != 0 {
			t.Fatalf("A still renews a released lease: %v %v", held, err)
		}
		if _, ok, err := s.LiveLease(ctx, "t1"); err != nil || ok {
			t.Fatalf("a released lease is live: %v %v", ok, err)
		}
		if ids, err := s.Claimable(ctx); err != nil || !slices.Equal(ids, []string{"t1"}) {
			t.Fatalf("claimable after the release: %v %v, want [t1]", ids, err)
		}
		b, ok, err := s.AcquireLease(ctx, "t1", "B", time.Minute)
		if err != nil || !ok || b.Token != 2 {
			t.Fatalf("B after the release: %+v %v %v, want fence 2", b, ok, err)
		}
		if err := s.DropLease(ctx, a); err != nil { // a stale drop is a no-op
			t.Fatal(err)
		}
		ls, err := s.Leases(ctx)
		if err != nil || len(ls) != 1 || ls[0].Owner != "B" || ls[0].Fence != 2 {
			t.Fatalf("leases %+v (%v), want t1 held by B with fence 2", ls, err)
		}
		if err := s.DropLease(ctx, b); err != nil {
			t.Fatal(err)
		}
		if ls, err := s.Leases(ctx); err != nil || len(ls) != 0 {
			t.Fatalf("leases after the drop: %+v %v", ls, err)
		}
	})
}

// An expired lease is claimable and taken with the next fence; its old
// owner no longer renews it.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		if _, ok, err := s.AcquireLease(ctx, "t1", "A", time.Millisecond); err != nil || !ok {
			t.Fatalf("acquire: %v %v", ok, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			ids, err := s.Claimable(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(ids, []string{"t1"}) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a 1 ms lease is not claimable after 10 s: %v", ids)
			}
			time.Sleep(5 * time.Millisecond)
		}
		b, ok, err := s.AcquireLease(ctx, "t1", "B", time.Minute)
		if err != nil || !ok || b.Token != 2 {
			t.Fatalf("take over: %+v %v %v", b, ok, err)
		}
		if held, err := s.RenewLeases(ctx, "A", time.Minute); err != nil || len(held) != 0 {
			t.Fatalf("A renews a lease B took: %v %v", held, err)
		}
	})
}

// A pulka in progress whose table has no lease is claimable: its process
// died before leasing it, or it was written by a club of one process.
func TestPulkaInProgressWithoutLeaseIsClaimable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		p := play(t, 7, []string{"A", "B", "C"}, 1)
		if _, err := s.BeginPulka(ctx, p.Pulka("t9", signIn(t, s, "A", "B", "C"), t0)); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.Claimable(ctx); err != nil || !slices.Equal(ids, []string{"t9"}) {
			t.Fatalf("claimable: %v %v, want [t9]", ids, err)
		}
		if _, ok, err := s.AcquireLease(ctx, "t9", "A", time.Minute); err != nil || !ok {
			t.Fatalf("acquire: %v %v", ok, err)
		}
		if ids, err := s.Claimable(ctx); err != nil || len(ids) != 0 {
			t.Fatalf("claimable once leased: %v %v", ids, err)
		}
		if ps, err := s.InProgressAt(ctx, "t9"); err != nil || len(ps) != 1 || ps[0].Table != "t9" {
			t.Fatalf("in progress at t9: %+v %v", ps, err)
		}
		if ps, err := s.InProgressAt(ctx, "t8"); err != nil || len(ps) != 0 {
			t.Fatalf("in progress at t8: %+v %v", ps, err)
		}
	})
}

// A move, deal or abandon carrying a stale fence is refused and not written, in a
// batch or alone; the new owner's writes go through.
func TestStaleFenceCannotWrite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		p := play(t, 7, []string{"A", "B", "C"}, 2)
		id, err := s.BeginPulka(ctx, p.Pulka("t1", signIn(t, s, "A", "B", "C"), t0))
		if err != nil {
			t.Fatal(err)
		}
		old, _, err := s.AcquireLease(ctx, "t1", "A", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		start := p.Starts(id, 0, t0)
		start.Fence = old
		if err := s.StartDeal(ctx, start); err != nil {
			t.Fatalf("the owner's deal: %v", err)
		}
		moves := p.Moves(id, 0, t0)
		for i := range moves {
			moves[i].Fence = old
		}
		if err := s.Append(ctx, moves[0]); err != nil {
			t.Fatalf("the owner's move: %v", err)
		}
		if err := s.ReleaseLease(ctx, old); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := s.AcquireLease(ctx, "t1", "B", time.Minute)
		if err != nil || !ok {
			t.Fatalf("take over: %v %v", ok, err)
		}
		if err := s.Append(ctx, moves[1]); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("a stale owner's move: %v, want ErrFenced", err)
		}
		next := p.Starts(id, 1, t0)
		next.Fence = old
		if err := s.StartDeal(ctx, next); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("a stale owner's deal: %v, want ErrFenced", err)
		}
		moves[1].Fence = cur
		if err := s.Append(ctx, moves[1]); err != nil {
			t.Fatalf("the new owner's move: %v", err)
		}
		ps, err := s.InProgress(ctx)
		if err != nil || len(ps) != 1 || len(ps[0].Deals) != 1 || len(ps[0].Deals[0].Moves) != 2 {
			t.Fatalf("in progress: %+v %v, want one deal with the 2 moves of the owners", ps, err)
		}
		if err := s.AbandonFenced(ctx, id, "given up", t0, old); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("a stale owner abandons the pulka: %v, want ErrFenced", err)
		}
		if n := len(mustInProgress(t, s)); n != 1 {
			t.Fatalf("%d pulkas in progress after a stale owner's abandon, want 1", n)
		}
		if err := s.AbandonFenced(ctx, id, "given up", t0, cur); err != nil {
			t.Fatalf("the owner abandons the pulka: %v", err)
		}
		if n := len(mustInProgress(t, s)); n != 0 {
			t.Fatalf("%d pulkas in progress after the owner's abandon, want 0", n)
		}
	})
}

// mustInProgress is s.InProgress, failing the test on an error.
func mustInProgress(t *testing.T, s *store.Store) []store.Progress {
	t.Helper()
	ps, err := s.InProgress(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// A pulka started with a stale fence is refused and not written (the
// same transaction checks the fence); the new owner's start goes through.
func TestStaleFenceCannotStartAPulka(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		seats := signIn(t, s, "A", "B", "C")
		p := play(t, 7, []string{"A", "B", "C"}, 2)
		old, ok, err := s.AcquireLease(ctx, "t1", "A", time.Minute)
		if err != nil || !ok {
			t.Fatalf("lease: %v %v", ok, err)
		}
		first := p.Pulka("t1", seats, t0)
		first.Fence = old
		if _, err := s.BeginPulka(ctx, first); err != nil {
			t.Fatalf("the owner's pulka: %v", err)
		}
		if err := s.ReleaseLease(ctx, old); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := s.AcquireLease(ctx, "t1", "B", time.Minute)
		if err != nil || !ok {
			t.Fatalf("take over: %v %v", ok, err)
		}
		stale := p.Pulka("t1", seats, t0.Add(time.Minute))
		stale.Fence = old
		if _, err := s.BeginPulka(ctx, stale); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("a stale owner's pulka: %v, want ErrFenced", err)
		}
		unleased := p.Pulka("t2", seats, t0)
		unleased.Fence = store.Fence{Table: "t2", Token: 1}
		if _, err := s.BeginPulka(ctx, unleased); !errors.Is(err, store.ErrFenced) {
			t.Fatalf("a pulka at a table without a lease: %v, want ErrFenced", err)
		}
		ps, err := s.InProgress(ctx)
		if err != nil || len(ps) != 1 {
			t.Fatalf("in progress: %d pulkas %v, want the owner's one", len(ps), err)
		}
		next := p.Pulka("t1", seats, t0.Add(2*time.Minute))
		next.Fence = cur
		if _, err := s.BeginPulka(ctx, next); err != nil {
			t.Fatalf("the new owner's pulka: %v", err)
		}
	})
}

// Reserved version ranges never overlap and start at the floor or after.
func TestReservedVersionRangesDoNotOverlap(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store, _ string) {
		ctx := context.Background()
		tests := []struct {
			name        string
			floor, want uint64
		}{
			{"the first range starts at the floor", 1000, 1000},
			{"a lower floor starts after the last range", 500, 1100},
			{"a higher floor starts at the floor", 5000, 5000},
		}
		for _, tt := range tests {
			got, err := s.ReserveVersions(ctx, tt.floor, 100)
			if err != nil || got != tt.want {
				t.Errorf("%s: %d %v, want %d", tt.name, got, err, tt.want)
			}
		}
		if _, err := s.ReserveVersions(ctx, 1<<53, 100); !errors.Is(err, store.ErrBadInput) {
			t.Errorf("a range past 2^53: %v, want ErrBadInput", err)
		}
	})
}
