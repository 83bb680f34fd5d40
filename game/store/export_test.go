package store

import (
	"context"
	"time"
)

// SyncLogWith makes the writer's log syncs call f instead of fsync (tests
// of the pipelined commit); while no write is in flight.
func (s *Store) SyncLogWith(f func() error) { s.w.sync.syncFile = f }

// Queued is the number of writes handed to the writer and not yet taken.
func (s *Store) Queued() int {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	return len(s.w.queue)
}

// WriterClosed reports whether Close has stopped the writer taking writes
// (ErrClosed from here on).
func (s *Store) WriterClosed() bool {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	return s.w.closed
}

// CheckpointEvery replaces the store's checkpointer with one that runs
// every every and restarts the log from restart pages.
func (s *Store) CheckpointEvery(every time.Duration, restart int) error {
	if err := s.ckpt.stop(); err != nil {
		return err
	}
	c, err := startCheckpointer(context.Background(), s, every, restart)
	s.ckpt = c
	return err
}
