package sockjs

import (
	"context"
	"sync"
)

// goroutines counts the goroutines a Server started, so that Shutdown can
// wait for them. Unlike sync.WaitGroup it allows a goroutine to start while
// another is waiting for the count to reach zero (a session's writer or
// OnClose may start while Shutdown waits), and waiting honours a context.
type goroutines struct {
	mu      sync.Mutex
	n       int
	drained chan struct{} // closed when n reaches zero; nil until a waiter asks
}

// Go runs f on a new goroutine, counted.
func (g *goroutines) Go(f func()) {
	g.Add()
	go func() {
		defer g.Done()
		f()
	}()
}

// Add counts a goroutine the caller starts itself; it must call Done.
func (g *goroutines) Add() {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
}

// Done marks a counted goroutine finished.
func (g *goroutines) Done() {
	g.mu.Lock()
	g.n--
	if g.n == 0 && g.drained != nil {
		close(g.drained)
		g.drained = nil
	}
	g.mu.Unlock()
}

// Wait blocks until no counted goroutine runs, or ctx is done.
func (g *goroutines) Wait(ctx context.Context) error {
	g.mu.Lock()
	if g.n == 0 {
		g.mu.Unlock()
		return nil
	}
	if g.drained == nil {
		g.drained = make(chan struct{})
	}
	drained := g.drained
	g.mu.Unlock()
	select {
	case <-drained:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
