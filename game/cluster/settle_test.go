package cluster_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store/storetest"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// A move whose write the owner cannot confirm — its INSERT waits on a
// lock past the journal's timeout, then either commits with its answer
// lost (the owner's connection killed while COMMIT waits on synchronous
// replication: committed locally, the client never hears) or is killed
// before it commits — is never told refused when the store has it: the
// table holds it, settles it from the store (store.Written), tells the
// mover what happened, and after the owner hands the table over the
// survivor's pulka, rebuilt from the store, has the move exactly once, or
// not at all, as the mover was told.
func TestAMoveWhoseWriteIsUnconfirmedIsAnsweredWithWhatTheStoreHolds(t *testing.T) {
	for _, c := range []struct {
		name      string
		committed bool
	}{
		{"committed, its answer lost", true},
		{"not committed, the connection killed", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd := redistest.Start(t)
			_, db := ownDatabase(t, "held")
			// Only the owner's commits wait on synchronous replication.
			local := db + "&synchronous_commit=local"
			ctl, err := sql.Open("pgx", local)
			if err != nil {
				t.Fatal(err)
			}
			defer ctl.Close()
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := ctl.ExecContext(context.Background(), q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// The owner's lease outlives the wait, so it settles the move
			// itself before it hands the table over.
			a := startProcessWith(t, "a", rd.URL(), db, time.Minute)
			b := startProcess(t, "b", rd.URL(), local)
			ps := signIn(t, []*process{a, b}, "Anna", "Boris", "Vera")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for _, p := range ps {
				p.proc.lobby.Join(p, 0)
			}
			id := seatAll(t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
			for _, p := range ps {
				go p.play(ctx, t)
			}
			waitFor(t, time.Minute, "a few moves written", func() bool { return movesWritten(t, b.st, id) >= 4 })

			lock, err := ctl.BeginTx(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Rollback() //nolint:errcheck // ends the lock if the test fails first
			if _, err := lock.ExecContext(context.Background(), "LOCK TABLE moves IN EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, time.Minute, "a move held by its table", func() bool { return len(a.j.moves()) > 0 })
			held := a.j.moves()[0]
			backend := func(what, where string) int {
				var pid int
				waitFor(t, time.Minute, what, func() bool {
					err := ctl.QueryRowContext(context.Background(),
						"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "+where+" LIMIT 1").Scan(&pid)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						t.Fatal(err)
					}
					return err == nil
				})
				return pid
			}
			if c.committed {
				exec("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
				exec("SELECT pg_reload_conf()")
				if err := lock.Commit(); err != nil {
					t.Fatal(err)
				}
				// COMMIT waits for a standby that does not exist: committed
				// locally; killing the connection loses the answer.
				exec("SELECT pg_terminate_backend($1)", backend("the owner's COMMIT waiting on replication", "wait_event = 'SyncRep' AND query ILIKE 'commit%'"))
				exec("ALTER SYSTEM RESET synchronous_standby_names")
				exec("SELECT pg_reload_conf()")
			} else {
				exec("SELECT pg_terminate_backend($1)", backend("the owner's INSERT waiting on the lock", "wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO moves%'"))
				if err := lock.Rollback(); err != nil {
					t.Fatal(err)
				}
			}
			atRelease := movesWritten(t, b.st, id)
			waitFor(t, time.Minute, "the pulka going on on its owner", func() bool { return movesWritten(t, b.st, id) >= atRelease+3 })
			a.stop()
			for _, p := range ps {
				if p.proc == a {
					p.moveTo(b)
				}
			}
			waitFor(t, 2*time.Minute, "the pulka's settlement at every seat", func() bool {
				for _, p := range ps {
					if p.settled() == nil {
						return false
					}
				}
				return true
			})
			archived := storetest.CheckArchived(t, b.st, id, ps[1].settled())

			which := fmt.Sprintf("deal %d move %d:", held.Deal, held.Index)
			var told []string
			for _, p := range ps {
				for _, r := range p.refusals() {
					if strings.Contains(r, which) {
						told = append(told, p.p.Name+": "+r)
					}
				}
			}
			if c.committed && len(told) > 0 {
				t.Errorf("the move %+v is in the store, yet its player was told %q", held, told)
			}
			if !c.committed && (len(told) != 1 || !strings.Contains(told[0], "the store did not take it")) {
				t.Errorf("the move %+v never reached the store; its player was told %q, want one refusal", held, told)
			}
			if c.committed {
				deals := archived.Deals
				if held.Deal > len(deals) || held.Index >= len(deals[held.Deal-1].Moves) {
					t.Fatalf("the archive has no move %d of deal %d", held.Index, held.Deal)
				}
				if got := deals[held.Deal-1].Moves[held.Index].Move; got != held.Move {
					t.Errorf("the store has %+v as move %d of deal %d, the held move was %+v", got, held.Index, held.Deal, held.Move)
				}
			}
		})
	}
}
