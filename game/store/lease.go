package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrFenced: a write carried a fencing token that is no longer its table's
// (another process took the table's lease since): it was refused and
// nothing of it was written.
var ErrFenced = errors.New("store: the table's lease has moved (stale fencing token)")

// Fence is a table's fencing token: the number of the lease a process
// holds on it (AcquireLease). A Move or DealStart that carries one is
// written only if the token is still the table's, checked in the very
// transaction that writes it, so a process that lost its lease (paused,
// partitioned, presumed dead) can never write after the table's new owner
// has read the store. The zero Fence checks nothing (one process).
type Fence struct {
	Table string
	Token int64
}

// Lease is one table's lease as the store has it.
type Lease struct {
	Table string
	// Owner is the process that holds it; "" once released.
	Owner string
	// Fence is the lease's fencing token: it grows by one at each
	// acquisition.
	Fence int64
	// Expires is when the lease ends unless renewed (the database's clock).
	Expires time.Time
}

// nowMS is the SQL of the database's clock in Unix milliseconds: one clock
// for every process, whatever their own.
func (s *Store) nowMS() string {
	if s.engine == Postgres {
		return "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"
	}
	return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
}

// forShare is the shared row-lock clause of a SELECT (see forUpdate).
func (s *Store) forShare() string {
	if s.engine == Postgres {
		return " FOR SHARE"
	}
	return ""
}

// AcquireLease takes table's lease for owner for ttl, when nobody holds
// it: no lease yet, an expired one, or a released one. The fencing token
// grows by one each time the lease is taken. ok is false (and the error
// nil) while another owner holds a live lease, or owner itself does (use
// RenewLeases).
func (s *Store) AcquireLease(ctx context.Context, table, owner string, ttl time.Duration) (f Fence, ok bool, err error) {
	if table == "" || owner == "" || ttl <= 0 {
		return Fence{}, false, fmt.Errorf("%w: lease of table %q for %q, ttl %v", ErrBadInput, table, owner, ttl)
	}
	now := s.nowMS()
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return Fence{}, false, fmt.Errorf("store: acquire lease of %s: %w", table, err)
	}
	defer done()
	defer rollback(tx)
	var token int64
	err = tx.QueryRowContext(ctx, `INSERT INTO table_leases (table_id, owner, fence, expires_ms) VALUES ($1, $2, 1, `+now+` + $3)
ON CONFLICT (table_id) DO UPDATE SET owner = excluded.owner, fence = table_leases.fence + 1, expires_ms = excluded.expires_ms
WHERE table_leases.owner = '' OR table_leases.expires_ms < `+now+`
RETURNING fence`, table, owner, ttl.Milliseconds()).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return Fence{}, false, nil
	}
	if err != nil {
		return Fence{}, false, fmt.Errorf("store: acquire lease of %s: %w", table, err)
	}
	if err := tx.Commit(); err != nil {
		return Fence{}, false, fmt.Errorf("store: acquire lease of %s: %w", table, err)
	}
	return Fence{Table: table, Token: token}, true, nil
}

// RenewLeases extends every live lease owner holds by ttl, in one
// statement, and returns them: a lease that is not among them was lost
// (it expired and another owner took it, or it was released).
func (s *Store) RenewLeases(ctx context.Context, owner string, ttl time.Duration) ([]Fence, error) {
	if owner == "" || ttl <= 0 {
		return nil, fmt.Errorf("%w: renew the leases of %q, ttl %v", ErrBadInput, owner, ttl)
	}
	now := s.nowMS()
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: renew leases: %w", err)
	}
	defer done()
	defer rollback(tx)
	rows, err := tx.QueryContext(ctx, `UPDATE table_leases SET expires_ms = `+now+` + $2
WHERE owner = $1 AND expires_ms >= `+now+` RETURNING table_id, fence`, owner, ttl.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("store: renew leases: %w", err)
	}
	var out []Fence
	for rows.Next() {
		var f Fence
		if err := rows.Scan(&f.Table, &f.Token); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: renew leases: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: renew leases: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: renew leases: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: renew leases: %w", err)
	}
	return out, nil
}

// ReleaseLease gives up f's lease (owner ""), so another process may take
// it at once (a process stopping hands its tables over). Releasing a lease
// that moved on is a no-op.
func (s *Store) ReleaseLease(ctx context.Context, f Fence) error {
	return s.leaseExec(ctx, "release lease", `UPDATE table_leases SET owner = '', expires_ms = 0 WHERE table_id = $1 AND fence = $2`, f.Table, f.Token)
}

// DropLease deletes f's lease: its table is gone (free or finished and
// reclaimed). Dropping a lease that moved on is a no-op.
func (s *Store) DropLease(ctx context.Context, f Fence) error {
	return s.leaseExec(ctx, "drop lease", `DELETE FROM table_leases WHERE table_id = $1 AND fence = $2`, f.Table, f.Token)
}

func (s *Store) leaseExec(ctx context.Context, what, q string, args ...any) error {
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer done()
	defer rollback(tx)
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// Claimable returns the tables no process holds a live lease on that a
// process should take: those with an expired or released lease, and those
// with a pulka in progress and no lease at all (written before leases, or
// by a process that died before leasing). Sorted by id.
func (s *Store) Claimable(ctx context.Context) ([]string, error) {
	now := s.nowMS()
	rows, err := s.db.QueryContext(ctx, `SELECT table_id FROM table_leases WHERE owner = '' OR expires_ms < `+now+`
UNION
SELECT table_id FROM pulkas WHERE finished_ms IS NULL AND abandoned_ms IS NULL AND table_id NOT IN (SELECT table_id FROM table_leases)
ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("store: claimable tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: claimable tables: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claimable tables: %w", err)
	}
	return out, nil
}

// Leases returns every lease, sorted by table: for tests and tools.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT table_id, owner, fence, expires_ms FROM table_leases ORDER BY table_id")
	if err != nil {
		return nil, fmt.Errorf("store: leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var exp int64
		if err := rows.Scan(&l.Table, &l.Owner, &l.Fence, &exp); err != nil {
			return nil, fmt.Errorf("store: leases: %w", err)
		}
		l.Expires = fromMS(exp)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: leases: %w", err)
	}
	return out, nil
}

// checkFences makes sure, inside tx, that every fence in fs is still its
// table's. On PostgreSQL the lease rows are share-locked until tx ends, so
// an acquisition of one of them waits for tx: a move is either committed
// before the new owner's fence exists, or refused.
func (s *Store) checkFences(ctx context.Context, tx *sql.Tx, fs []Fence) error {
	seen := map[Fence]bool{}
	for _, f := range fs {
		if f.Token == 0 || seen[f] {
			continue
		}
		seen[f] = true
		var token int64
		err := tx.QueryRowContext(ctx, "SELECT fence FROM table_leases WHERE table_id = $1"+s.forShare(), f.Table).Scan(&token)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: table %s has no lease (fence %d)", ErrFenced, f.Table, f.Token)
		case err != nil:
			return fmt.Errorf("store: check the lease of %s: %w", f.Table, err)
		case token != f.Token:
			return fmt.Errorf("%w: table %s has fence %d, the write %d", ErrFenced, f.Table, token, f.Token)
		}
	}
	return nil
}

// InProgressAt returns the pulkas in progress of one table (a table a
// process takes over), oldest first, with their deals and moves, as
// InProgress does for every table (a log that does not read back is
// Unreadable).
func (s *Store) InProgressAt(ctx context.Context, table string) ([]Progress, error) {
	return s.inProgress(ctx, "WHERE finished_ms IS NULL AND abandoned_ms IS NULL AND table_id = $1 ORDER BY id", table)
}

// ReserveVersions reserves n version numbers no other caller gets, at
// floor or after (a process passes its start time in microseconds, so its
// versions also follow every earlier process's) and returns the first.
func (s *Store) ReserveVersions(ctx context.Context, floor, n uint64) (uint64, error) {
	if n == 0 || floor+n < floor || floor+n > 1<<53 {
		return 0, fmt.Errorf("%w: reserve %d versions from %d", ErrBadInput, n, floor)
	}
	greatest := "GREATEST"
	if s.engine == SQLite {
		greatest = "MAX"
	}
	tx, done, err := s.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: reserve versions: %w", err)
	}
	defer done()
	defer rollback(tx)
	var next int64
	err = tx.QueryRowContext(ctx, `INSERT INTO version_ranges (id, next) VALUES (1, CAST($1 AS BIGINT) + CAST($2 AS BIGINT))
ON CONFLICT (id) DO UPDATE SET next = `+greatest+`(version_ranges.next, CAST($1 AS BIGINT)) + CAST($2 AS BIGINT)
RETURNING next`, int64(floor), int64(n)).Scan(&next)
	if err != nil {
		return 0, fmt.Errorf("store: reserve versions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: reserve versions: %w", err)
	}
	return uint64(next) - n, nil
}

// LiveLease returns table's lease while someone holds it (not released,
// not expired); ok is false otherwise.
func (s *Store) LiveLease(ctx context.Context, table string) (l Lease, ok bool, err error) {
	var exp int64
	err = s.db.QueryRowContext(ctx, "SELECT table_id, owner, fence, expires_ms FROM table_leases WHERE table_id = $1 AND owner <> '' AND expires_ms >= "+s.nowMS(), table).
		Scan(&l.Table, &l.Owner, &l.Fence, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("store: lease of %s: %w", table, err)
	}
	l.Expires = fromMS(exp)
	return l, true, nil
}
