package journal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// BenchmarkRestore measures a start's Restore of 50 pulkas in progress
// (one deal, two moves each) into a new lobby, on SQLite and PostgreSQL.
func BenchmarkRestore(b *testing.B) {
	const pulkas = 50
	for _, e := range engines() {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			st, err := store.Open(ctx, store.Config{URL: e.url(b), Logger: quiet})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			j := journal.New(st, quiet, nil)
			for i := range pulkas {
				botPulka(b, j, fmt.Sprint("t", i+1), uint64(i+1), false)
			}
			for b.Loop() {
				lb := lobby.New(lobby.Config{Logger: quiet, Table: table.Config{Journal: journal.New(st, quiet, nil), BotDelay: time.Hour, Logger: quiet}})
				r, err := journal.New(st, quiet, nil).Restore(ctx, lb, nil)
				if err != nil || r.Tables != pulkas {
					b.Fatalf("restored %+v, %v", r, err)
				}
				lb.Stop()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/pulkas, "µs/pulka")
		})
	}
}
