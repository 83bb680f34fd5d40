package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
)

// benchPulka begins a pulka with one deal started and returns its id.
func benchPulka(b *testing.B, s *store.Store, n int) store.PulkaID {
	b.Helper()
	names := []string{fmt.Sprint("P", n), fmt.Sprint("Q", n), fmt.Sprint("R", n)}
	p := play(b, 1, names, 1)
	id, err := s.BeginPulka(context.Background(), p.Pulka("bench", signIn(b, s, names...), t0))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.StartDeal(context.Background(), store.DealStart{Pulka: id, Seed: 1, At: t0}); err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkAppend measures the write-ahead cost of one move: "serial" is one
// table appending alone (every move pays a commit), "tables=N" has N
// tables appending at once (moves share group commits). ns/op is per move.
func BenchmarkAppend(b *testing.B) {
	for _, e := range engines() {
		b.Run(e.name+"/serial", func(b *testing.B) {
			s := open(b, e.url(b))
			id := benchPulka(b, s, 0)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				if err := s.Append(ctx, store.Move{Pulka: id, No: i, Move: rules.Pass(i % 3), At: t0}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, tables := range []int{32, 1000} {
			b.Run(fmt.Sprintf("%s/tables=%d", e.name, tables), func(b *testing.B) { appendParallel(b, open(b, e.url(b)), tables) })
		}
	}
}

// appendParallel appends moves of tables pulkas at once (each goroutine
// its own pulka), sharing group commits; with many pulkas every move of a
// commit lands on another page of the moves' index.
func appendParallel(b *testing.B, s *store.Store, tables int) {
	ids := make(chan store.PulkaID, tables)
	for i := range tables {
		ids <- benchPulka(b, s, i)
	}
	ctx := context.Background()
	b.SetParallelism(max(1, tables/runtime.GOMAXPROCS(0))) // a goroutine a table
	before := s.Stats()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := <-ids
		for no := 0; pb.Next(); no++ {
			if err := s.Append(ctx, store.Move{Pulka: id, No: no, Move: rules.Pass(no % 3), At: t0}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if st := s.Stats(); st.Commits > before.Commits {
		b.ReportMetric(float64(st.Moves-before.Moves)/float64(st.Commits-before.Commits), "moves/commit")
	}
}

// BenchmarkFinish measures the commit of a finished pulka (played until its
// pools closed, at most 20 deals) whose moves are already in the
// write-ahead log, the usual case: scores, settlement and ratings in one
// transaction.
func BenchmarkFinish(b *testing.B) {
	for _, e := range engines() {
		b.Run(e.name, func(b *testing.B) {
			s := open(b, e.url(b))
			names := []string{"Anna", "Boris", "Vera"}
			ids := signIn(b, s, names...)
			p := play(b, 3, names, 20)
			ctx := context.Background()
			moves := 0
			for _, d := range p.Deals {
				moves += len(d.Moves)
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				id, err := s.BeginPulka(ctx, p.Pulka("bench", ids, t0))
				if err != nil {
					b.Fatal(err)
				}
				writeAhead(b, s, p, id)
				b.StartTimer()
				if _, err := s.Finish(ctx, p.Finish(id, t0.Add(time.Hour))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(p.Deals)), "deals")
			b.ReportMetric(float64(moves), "moves")
		})
	}
}
