package store

// SyncLogWith makes the writer's log syncs call f instead of fsync (tests
// of the pipelined commit); while no write is in flight.
func (s *Store) SyncLogWith(f func() error) { s.w.sync.syncFile = f }
