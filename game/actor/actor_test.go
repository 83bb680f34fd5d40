package actor_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/trelljaz/trelljaz/game/actor"
)

type counter struct{ n int }

func TestPostRunsInOrderOnOneGoroutine(t *testing.T) {
	c := &counter{}
	a := actor.Start(c, 4, nil)
	defer a.Stop()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				a.Post(func(c *counter) { c.n++ })
			}
		}()
	}
	wg.Wait()
	var got int
	a.Ask(func(c *counter) { got = c.n })
	if got != 800 {
		t.Fatalf("n = %d after 800 posts, want 800", got)
	}
}

func TestAfterStopPostAndAskReportFalse(t *testing.T) {
	stopped := false
	a := actor.Start(&counter{}, 0, func(*counter) { stopped = true })
	a.Stop()
	a.Stop() // twice is harmless
	if !stopped {
		t.Fatal("onStop did not run")
	}
	if a.Post(func(*counter) {}) {
		t.Error("Post after Stop reported true")
	}
	if a.Ask(func(*counter) {}) {
		t.Error("Ask after Stop reported true")
	}
	if a.TryPost(func(*counter) {}) {
		t.Error("TryPost after Stop reported true")
	}
}

func TestTryPostNeverBlocksOnAFullQueue(t *testing.T) {
	c := &counter{}
	a := actor.Start(c, 1, nil)
	defer a.Stop()
	hold, running := make(chan struct{}), make(chan struct{})
	a.Post(func(*counter) { close(running); <-hold }) // the goroutine is busy
	<-running
	if !a.TryPost(func(c *counter) { c.n++ }) {
		t.Fatal("TryPost refused with room in the queue")
	}
	if a.TryPost(func(c *counter) { c.n += 10 }) {
		t.Fatal("TryPost queued past the queue's size")
	}
	close(hold)
	a.Ask(func(c *counter) {
		if c.n != 1 {
			t.Errorf("n = %d, want 1 (the refused function dropped)", c.n)
		}
	})
}

func ExampleActor() {
	a := actor.Start(&counter{}, 0, nil)
	defer a.Stop()
	a.Post(func(c *counter) { c.n += 2 })
	a.Ask(func(c *counter) { fmt.Println(c.n) })
	// Output: 2
}
