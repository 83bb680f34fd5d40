package journal_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/trelljaz/trelljaz/game/journal"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/rules"
	"github.com/trelljaz/trelljaz/game/store"
	"github.com/trelljaz/trelljaz/game/table"
)

// botPulka writes a pulka of three bots at table id: its first deal and
// the first two moves of it, the second one replaced by repeat of the
// first when illegal is set (a move log the rules refuse).
func botPulka(t testing.TB, j *journal.Journal, id string, seed uint64, illegal bool) {
	t.Helper()
	set, err := table.DefaultSettings("sochi")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Begin(table.PulkaStart{Table: id, Pulka: 1, Players: threeBots, Settings: set, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := j.Deal(table.DealStart{Table: id, Pulka: 1, Deal: 1, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	s, err := rules.New(rules.Deal{Seed: seed, Options: set.Options})
	if err != nil {
		t.Fatal(err)
	}
	var first rules.Move
	for i := range 2 {
		m := rules.LegalMoves(&s, nil)[0]
		if i == 0 {
			first = m
		} else if illegal {
			m = first // the same seat again: not its turn
		}
		if s, err = rules.Apply(s, m); err != nil && !illegal {
			t.Fatal(err)
		}
		if err := j.Move(table.MoveEntry{Table: id, Pulka: 1, Deal: 1, Index: i, Seed: seed, Move: m, By: "bot"}); err != nil {
			t.Fatal(err)
		}
	}
}

// abandonedCount is how many pulkas reg counted abandoned at a restore.
func abandonedCount(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	return finishedCount(t, reg, journal.ReasonAbandoned)
}

// finishedCount is how many pulkas reg counted finished for reason.
func finishedCount(t *testing.T, reg *prometheus.Registry, reason string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "trelljaz_pulkas_finished_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestAPulkaThatCannotBeRestoredIsAbandoned: of four pulkas in progress,
// one is sound; one has a move that does not decode, one a move the rules
// refuse, one a convention nobody knows. Restore rebuilds the sound one
// and abandons the others with their reasons (counted, listed by the
// archive); the next start restores the sound one and tries none of the
// others again. On SQLite and on PostgreSQL.
func TestAPulkaThatCannotBeRestoredIsAbandoned(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			st, err := store.Open(ctx, store.Config{URL: e.url(t), Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			j := journal.New(st, quiet, nil)
			cases := []struct {
				table, reason string // reason: "" for the sound pulka
			}{
				{"t1", ""},
				{"t2", "corrupt"},
				{"t3", "deal 1"},
				{"t4", "convention"},
			}
			for i, c := range cases {
				botPulka(t, j, c.table, uint64(i+5), c.table == "t3")
			}
			ps, err := st.InProgress(ctx)
			if err != nil || len(ps) != 4 {
				t.Fatalf("%d pulkas in progress, %v", len(ps), err)
			}
			if _, err := st.DB().ExecContext(ctx, "UPDATE moves SET move = $1 WHERE pulka_id = $2 AND move_no = 1", "[", int64(ps[1].ID)); err != nil {
				t.Fatal(err)
			}
			if _, err := st.DB().ExecContext(ctx, "UPDATE pulkas SET settings = REPLACE(settings, '\"sochi\"', '\"nowhere\"') WHERE id = $1", int64(ps[3].ID)); err != nil {
				t.Fatal(err)
			}

			start := func() (journal.Restored, *lobby.Lobby, *prometheus.Registry) {
				reg := prometheus.NewRegistry()
				jj := journal.New(st, quiet, nil)
				lb := lobby.New(lobby.Config{Logger: quiet, Table: table.Config{Journal: jj, BotDelay: time.Hour, Logger: quiet}})
				t.Cleanup(lb.Stop)
				r, err := jj.Restore(ctx, lb, metrics.New(reg))
				if err != nil {
					t.Fatalf("Restore: %v", err)
				}
				return r, lb, reg
			}
			r, lb, reg := start()
			if r.Tables != 1 || len(r.Abandoned) != 3 || abandonedCount(t, reg) != 3 {
				t.Fatalf("Restore: %+v, %v counted; want 1 table and 3 abandoned, counted", r, abandonedCount(t, reg))
			}
			if sums := lb.Tables(); len(sums) != 1 || sums[0].ID != "t1" || sums[0].State != protocol.StatePlaying {
				t.Fatalf("the lobby lists %+v, want t1 playing", sums)
			}
			list, err := st.Pulkas(ctx, store.PulkaQuery{})
			if err != nil || len(list) != 3 {
				t.Fatalf("archive: %d pulkas, %v; want the 3 abandoned", len(list), err)
			}
			for _, sm := range list {
				i := slices.IndexFunc(cases, func(c struct{ table, reason string }) bool { return c.table == sm.Table })
				if i < 1 || !slices.Contains(r.Abandoned, sm.ID) || !strings.Contains(sm.Abandoned, cases[i].reason) {
					t.Errorf("archive lists %s abandoned for %q, want the reason to name %q", sm.Table, sm.Abandoned, cases[i].reason)
				}
			}

			r, lb, reg = start() // the next start
			if r.Tables != 1 || len(r.Abandoned) != 0 || abandonedCount(t, reg) != 0 {
				t.Fatalf("the next start: %+v, %v counted; want t1 again and nothing abandoned", r, abandonedCount(t, reg))
			}
			if sums := lb.Tables(); len(sums) != 1 || sums[0].ID != "t1" {
				t.Fatalf("the next start's lobby lists %+v", sums)
			}
		})
	}
}
