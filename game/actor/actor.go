// Package actor runs a state value on one goroutine: every change to it is
// a function sent over a channel and run there, one at a time, so the state
// needs no lock. Package table and package lobby are both actors.
//
// The shape is Hewitt's actor reduced to what the club needs: Post queues a
// function, Ask runs one and waits for it, Stop ends the goroutine. A
// function must not call Ask on its own actor (it would wait for itself).
package actor

import "sync"

// Actor owns a *S on its goroutine. Its methods may be called concurrently.
type Actor[S any] struct {
	cmds    chan func(*S)
	once    sync.Once
	quit    chan struct{}
	stopped chan struct{}
}

// Start runs the actor for state s with a queue of size queue (the number of
// functions Post can queue before it blocks; 0 means 64). onStop, if set,
// runs on the actor's goroutine after its last function.
func Start[S any](s *S, queue int, onStop func(*S)) *Actor[S] {
	if queue <= 0 {
		queue = 64
	}
	a := &Actor[S]{cmds: make(chan func(*S), queue), quit: make(chan struct{}), stopped: make(chan struct{})}
	go a.run(s, onStop)
	return a
}

func (a *Actor[S]) run(s *S, onStop func(*S)) {
	defer close(a.stopped)
	for {
		select {
		case f := <-a.cmds:
			f(s)
		case <-a.quit:
			if onStop != nil {
				onStop(s)
			}
			return
		}
	}
}

// Post queues f to run on the actor's goroutine, in the order posted. It
// blocks while the queue is full and reports false (dropping f) once the
// actor has stopped.
func (a *Actor[S]) Post(f func(*S)) bool {
	select {
	case <-a.stopped:
		return false
	default:
	}
	select {
	case a.cmds <- f:
		return true
	case <-a.stopped:
		return false
	}
}

// TryPost queues f as Post does but never blocks: it reports false, and
// drops f, when the queue is full or the actor has stopped.
func (a *Actor[S]) TryPost(f func(*S)) bool {
	select {
	case <-a.stopped:
		return false
	default:
	}
	select {
	case a.cmds <- f:
		return true
	default:
		return false
	}
}

// Ask runs f on the actor's goroutine and waits for it. It reports false
// when the actor stopped before f ran.
func (a *Actor[S]) Ask(f func(*S)) bool {
	done := make(chan struct{})
	if !a.Post(func(s *S) { f(s); close(done) }) {
		return false
	}
	select {
	case <-done:
		return true
	case <-a.stopped:
		// f may have run just before the stop.
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

// Stop ends the actor's goroutine after the function it is running and
// waits for it. Functions still queued are dropped. Calling Stop twice, or
// concurrently, is harmless.
func (a *Actor[S]) Stop() {
	a.once.Do(func() { close(a.quit) })
	<-a.stopped
}

// Done is closed once the actor has stopped.
func (a *Actor[S]) Done() <-chan struct{} { return a.stopped }
