package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// On SQLite the write-ahead log is checkpointed (its pages copied into the
// database file, which is then synced) by a goroutine of the store's own,
// on a connection of its own, never by a commit: every connection opens
// with wal_autocheckpoint=0. With SQLite's default a commit that found
// 1,000 pages in the log checkpointed them itself before it returned, and
// at 3,000 tables the moves' writer did so two or three times a second (a
// batch of moves of as many pulkas touches one index page each): the
// commit's p99 went from under 1 ms to 20–280 ms, and every move of the
// batch and of the batches queued behind it waited.
//
// A passive checkpoint copies what the log holds while the writer goes on
// committing. The log restarts from its beginning (so its file stops
// growing) only when a commit begins after a checkpoint that left nothing
// behind, which a checkpoint running beside a busy writer seldom does: once
// the log holds restartPages, the checkpointer takes the write slot for one
// more passive checkpoint, of the pages committed during the last one, and
// the next commit restarts the log. Writers wait for that short one only.

const (
	// checkpointEvery is how often the checkpointer copies the log into
	// the database.
	checkpointEvery = 250 * time.Millisecond
	// restartPages is the log's size, in pages, from which the
	// checkpointer makes the next commit restart it: 32 MB of 4 KB pages
	// (some three seconds of moves at 3,000 tables).
	restartPages = 8192
)

// checkpointer checkpoints SQLite's write-ahead log.
type checkpointer struct {
	s       *Store
	conn    *sql.Conn
	every   time.Duration
	restart int // pages

	stopping chan struct{}
	stopped  chan struct{}
}

// startCheckpointer starts checkpointing s's log on a connection of its
// own, every every, restarting it from restart pages.
func startCheckpointer(ctx context.Context, s *Store, every time.Duration, restart int) (*checkpointer, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: the checkpointer's connection: %w", err)
	}
	c := &checkpointer{s: s, conn: conn, every: every, restart: restart, stopping: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-c.stopping:
			return
		case <-t.C:
			if err := c.checkpoint(); err != nil {
				// The next tick tries again; SQLite's log stays whole
				// meanwhile, only longer.
				c.s.log.Warn("store: checkpoint the write-ahead log", slog.Any("err", err))
			}
		}
	}
}

// checkpoint copies the log into the database and, once the log holds
// c.restart pages, makes the next commit restart it.
func (c *checkpointer) checkpoint() error {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	pages, err := c.passive(ctx)
	if err != nil || pages < c.restart {
		return err
	}
	// Nothing commits while the slot is held: this checkpoint copies the
	// rest of the log, and the next commit starts it anew.
	release, err := c.s.writeSlot(ctx)
	if err != nil {
		return fmt.Errorf("store: wait for the write slot to restart the log: %w", err)
	}
	defer release()
	_, err = c.passive(ctx)
	return err
}

// passive runs one passive checkpoint and returns the log's size in pages.
func (c *checkpointer) passive(ctx context.Context) (pages int, err error) {
	var busy, copied int
	// The statement's context cannot end (see writer.begin: no watcher
	// goroutine a statement); a checkpoint waits for no lock.
	err = c.conn.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &pages, &copied)
	if err != nil {
		return 0, fmt.Errorf("store: checkpoint: %w", err)
	}
	return pages, nil
}

// stop ends the checkpointer and closes its connection (SQLite checkpoints
// the log when the last connection closes).
func (c *checkpointer) stop() error {
	close(c.stopping)
	<-c.stopped
	if err := c.conn.Close(); err != nil {
		return fmt.Errorf("store: close the checkpointer's connection: %w", err)
	}
	return nil
}
