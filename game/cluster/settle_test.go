package cluster_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trelljaz/trelljaz/game/store/storetest"
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
			ctl, a, b, ps := heldClub(t, "held")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			id := startPulka(ctx, t, ps, map[string]json.RawMessage{"pool_target": json.RawMessage("2")})
			waitFor(t, time.Minute, "a few moves written", func() bool { return movesWritten(t, b.st, id) >= 4 })

			lock, err := ctl.db.BeginTx(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Rollback() //nolint:errcheck // ends the lock if the test fails first
			if _, err := lock.ExecContext(context.Background(), "LOCK TABLE moves IN EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			waitFor(t, time.Minute, "a move held by its table", func() bool { return len(a.j.moves()) > 0 })
			held := a.j.moves()[0]
			if c.committed {
				ctl.syncStandby(true)
				if err := lock.Commit(); err != nil {
					t.Fatal(err)
				}
				// COMMIT waits for a standby that does not exist: committed
				// locally; killing the connection loses the answer.
				ctl.exec("SELECT pg_terminate_backend($1)", ctl.backend("the owner's COMMIT waiting on replication", committing("moves")))
				ctl.syncStandby(false)
			} else {
				ctl.exec("SELECT pg_terminate_backend($1)", ctl.backend("the owner's INSERT waiting on the lock", "wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO moves%'"))
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
			waitSettled(t, ps)
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

// committing is the pg_stat_activity condition of a backend whose COMMIT
// of a transaction that wrote to table waits on synchronous replication
// (a lease renewal's COMMIT waits too, and is not the one).
func committing(table string) string {
	return "wait_event = 'SyncRep' AND pid IN (SELECT pid FROM pg_locks WHERE relation = '" + table + "'::regclass AND mode = 'RowExclusiveLock')"
}

// A pulka start whose write the owner cannot confirm — its COMMIT lands
// with its answer lost (the connection killed while COMMIT waits on
// synchronous replication), or its INSERT waits on a lock past the
// journal's timeout and is then killed before it commits — is held by its
// table and begun again with the same key: the pulka starts once and is
// played to its end, the store has exactly one pulka of the table, and
// nobody is told the pulka could not start. (The old table told the last
// to sit so; sitting again then wrote a second pulka beside the first,
// in progress for ever.)
func TestAPulkaStartWhoseWriteIsUnconfirmedIsOnePulka(t *testing.T) {
	for _, c := range []struct {
		name      string
		committed bool
	}{
		{"committed, its answer lost", true},
		{"not committed, the connection killed", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctl, _, b, ps := heldClub(t, "start")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for _, p := range ps {
				p.proc.lobby.Join(p, 0)
				go p.play(ctx, t)
			}
			id := seatAll(t, ps[:2], map[string]json.RawMessage{"pool_target": json.RawMessage("1")})
			vera := ps[2]
			pulkas := func() int { return ctl.count("SELECT COUNT(*) FROM pulkas WHERE table_id = $1", id) }
			dealt := func() bool {
				return ctl.count("SELECT COUNT(*) FROM deals JOIN pulkas ON pulkas.id = deals.pulka_id WHERE table_id = $1", id) > 0
			}
			refusedStart := func() bool {
				for _, r := range vera.refusals() {
					if strings.Contains(r, "could not start") {
						return true
					}
				}
				return false
			}
			var lock *sql.Tx
			if c.committed {
				ctl.syncStandby(true)
			} else {
				var err error
				if lock, err = ctl.db.BeginTx(context.Background(), nil); err != nil {
					t.Fatal(err)
				}
				defer lock.Rollback() //nolint:errcheck // ends the lock if the test fails first
				if _, err := lock.ExecContext(context.Background(), "LOCK TABLE pulkas IN EXCLUSIVE MODE"); err != nil {
					t.Fatal(err)
				}
			}
			sit(t, vera, id, 2) // the last seat: the pulka starts
			if c.committed {
				ctl.exec("SELECT pg_terminate_backend($1)", ctl.backend("the start's COMMIT waiting on replication", committing("pulkas")))
				ctl.syncStandby(false)
			} else {
				// Held past the journal's timeout: the table begins the start
				// again (a second INSERT waits), or, as the old table did,
				// refuses it.
				waiting := func() int {
					return ctl.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO pulkas%'")
				}
				waitFor(t, time.Minute, "the start begun again or refused", func() bool { return waiting() >= 2 || refusedStart() })
				ctl.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO pulkas%'")
				if err := lock.Rollback(); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, time.Minute, "the pulka dealt, or its start refused", func() bool { return dealt() || refusedStart() })
			if refusedStart() {
				// As a player told so would: stand up and sit again.
				stand(t, vera)
				sit(t, vera, id, 2)
			}
			waitSettled(t, ps)
			storetest.CheckArchived(t, b.st, id, ps[0].settled())
			if n := pulkas(); n != 1 {
				t.Errorf("the store has %d pulkas of the table, want 1", n)
			}
			if refusedStart() {
				t.Errorf("Vera was told the pulka could not start: %q", vera.refusals())
			}
		})
	}
}
