package sockjs

// DrainQueue empties s's send queue as a writer would, without a network,
// and reports how many messages it took. For benchmarks of the hub path.
func DrainQueue(s *Session) int {
	s.mu.Lock()
	o := s.takeLocked()
	s.mu.Unlock()
	s.release(o.batch)
	return len(o.batch)
}

// SyncBuffer is the goroutine-safe log sink of the tests, for the external
// test package too.
type SyncBuffer = syncBuffer

// restPending reports whether a direct write left part of its frames for
// the writer (wsdirect.go).
func (s *Session) restPending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rest != nil
}
