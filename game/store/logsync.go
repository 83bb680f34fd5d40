package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/game/metrics"
)

// On SQLite the moves' group commit is pipelined: the writer commits on a
// connection of its own with synchronous=NORMAL, so a commit puts its
// frames in the write-ahead log without syncing it, hands its batch to the
// log's syncer, and goes on with the next batch while the syncer syncs the
// log file (fsync). A batch's callers are answered only after a sync that
// began once their commit had returned, so Append still returns only when
// its moves are on disk: what synchronous=FULL gave, without the writer
// waiting for the disk between two batches. Measured before (3,000 tables,
// a 5 s execution trace): the writer spent 36 % of its time in that fsync
// and was 75–80 % busy, and moves queued behind it (at-table p99 0.9 s).
//
// Every other connection stays synchronous=FULL (a pulka's start and end,
// sign-ups, leases sync in their own commit), and SQLite syncs the log
// before each checkpoint whatever the setting. A sync that fails leaves
// the log's durability unknown (the kernel may have dropped the pages it
// could not write): its batches are answered ErrUncertain and the writer
// refuses every write after it, so nothing is acknowledged that a crash
// could lose; the process must be restarted.

// logSync syncs SQLite's write-ahead log for the writer's committed batches.
type logSync struct {
	file *os.File // the -wal file, opened for its fsync
	// syncFile syncs it: file.Sync, or a test's.
	syncFile func() error
	m        *metrics.Metrics

	mu      sync.Mutex
	waiting []*request // committed, to be answered after the next sync
	failed  error      // the first failed sync: every later write is refused

	wake     chan struct{}
	taken    chan struct{} // the syncer took the waiting batches (ready)
	stopping chan struct{}
	stopped  chan struct{}
}

// writerConn opens the writer's own connection to the database at path
// with synchronous=NORMAL, and the log syncer of its commits.
func writerConn(ctx context.Context, db *sql.DB, path string, m *metrics.Metrics) (*sql.Conn, *logSync, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("store: the writer's connection: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=NORMAL"); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("store: the writer's connection: %w", err)
	}
	// The log exists while the database is open in WAL mode (Open's
	// migrations and this connection keep it).
	f, err := os.Open(path + "-wal")
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("store: open the write-ahead log for its syncs: %w", err)
	}
	y := &logSync{file: f, syncFile: f.Sync, m: m, wake: make(chan struct{}, 1), taken: make(chan struct{}, 1), stopping: make(chan struct{}), stopped: make(chan struct{})}
	go y.run()
	return conn, y, nil
}

// after answers rs once the log has been synced after their commit.
func (y *logSync) after(rs ...*request) {
	y.mu.Lock()
	if y.failed != nil {
		err := y.failed
		y.mu.Unlock()
		for _, r := range rs {
			r.done <- err
		}
		return
	}
	y.waiting = append(y.waiting, rs...)
	y.mu.Unlock()
	select {
	case y.wake <- struct{}{}:
	default:
	}
}

// ready returns once no committed batch waits for a sync that has not
// begun: the writer commits at most one batch ahead of the sync in
// progress, and what arrives meanwhile joins the next batch (committing
// every few writes while a sync runs wrote the same pages to the log over
// and over: 3 writes a commit at 3,000 tables, against 9 without the
// pipeline).
func (y *logSync) ready() {
	for {
		y.mu.Lock()
		n := len(y.waiting)
		y.mu.Unlock()
		if n == 0 {
			return
		}
		<-y.taken
	}
}

// err is the failed sync that refuses every later write, nil while every
// sync succeeded.
func (y *logSync) err() error {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.failed
}

func (y *logSync) run() {
	defer close(y.stopped)
	for {
		select {
		case <-y.wake:
			y.syncWaiting()
		case <-y.stopping:
			y.syncWaiting()
			return
		}
	}
}

// syncWaiting syncs the log and answers every request committed before.
func (y *logSync) syncWaiting() {
	y.mu.Lock()
	batch := y.waiting
	y.waiting = nil
	y.mu.Unlock()
	select {
	case y.taken <- struct{}{}:
	default:
	}
	if len(batch) == 0 {
		return
	}
	at := time.Now()
	err := y.syncFile()
	y.m.Synced(time.Since(at))
	if err != nil {
		err = fmt.Errorf("store: sync the write-ahead log: %w (%w)", err, ErrUncertain)
		y.mu.Lock()
		if y.failed == nil {
			y.failed = err
		}
		y.mu.Unlock()
	}
	for _, r := range batch {
		r.done <- err
	}
}

// stop answers what is waiting (after a last sync) and ends the syncer;
// the writer has stopped (nothing is added any more).
func (y *logSync) stop() error {
	close(y.stopping)
	<-y.stopped
	if err := y.file.Close(); err != nil {
		return fmt.Errorf("store: close the write-ahead log: %w", err)
	}
	return nil
}
