package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// locked opens a second connection pool to the PostgreSQL database at url
// and runs lock (a statement taking a lock: LOCK TABLE, SELECT ... FOR
// UPDATE) in a transaction left open; the test's end rolls it back and
// closes the pool. Writes of the store that need the lock wait on it.
func locked(t *testing.T, url, lock string, args ...any) (*sql.DB, *sql.Tx) {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() }) //nolint:errcheck // ends the lock if the test fails first
	if _, err := tx.ExecContext(context.Background(), lock, args...); err != nil {
		t.Fatalf("%s: %v", lock, err)
	}
	return db, tx
}

// waitingOnLock waits (30 s at most) until a backend of db's database
// runs a query starting with query and waits on a lock, and returns its
// pid.
func waitingOnLock(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var pid int
	for give := time.Now().Add(30 * time.Second); pid == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(give) {
			t.Fatalf("no %q waiting on a lock after 30 s", query)
		}
		err := db.QueryRowContext(context.Background(), "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1 LIMIT 1", query+"%").Scan(&pid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
	}
	return pid
}
