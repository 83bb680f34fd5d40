package sockjs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// leaveBlocker is a MemoryPresence whose Leave, once the hub is closing,
// waits for Hub.Close to return (or for the leave's own deadline), and
// records whether Close returned first.
type leaveBlocker struct {
	*MemoryPresence
	hub             *Hub
	leaveEntered    chan struct{}
	closeReturned   chan struct{}
	closeWentFirst  atomic.Bool
	leavesCompleted atomic.Int32
}

func (p *leaveBlocker) Leave(ctx context.Context, channel string, m Member) error {
	close(p.leaveEntered)
	// Wait, on state, until Close has begun.
	for deadline := time.Now().Add(10 * time.Second); !p.hub.isClosed(); {
		if time.Now().After(deadline) {
			panic("the hub was never closed")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-p.closeReturned:
		p.closeWentFirst.Store(true)
	case <-ctx.Done():
	}
	p.leavesCompleted.Add(1)
	return p.MemoryPresence.Leave(ctx, channel, m)
}

func (h *Hub) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// Hub.Close returns only after the leaves of sessions that closed before it
// are done, so that the caller may close presence and the broker next.
func TestHubCloseWaitsForLeavesOfClosedSessions(t *testing.T) {
	broker := NewMemoryBroker()
	defer broker.Close()
	p := &leaveBlocker{MemoryPresence: NewMemoryPresence(), leaveEntered: make(chan struct{}), closeReturned: make(chan struct{})}
	hub := NewHub(broker, &HubOptions{
		Identity: func(*Session) string { return "ann" },
		Presence: p,
		Logger:   slog.New(slog.DiscardHandler),
	})
	p.hub = hub
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{id: "s1", ctx: ctx, cancel: cancel}
	if err := hub.Subscribe(s, "room"); err != nil {
		t.Fatal(err)
	}
	cancel() // the session closes: its leave starts on its own goroutine
	select {
	case <-p.leaveEntered:
	case <-time.After(10 * time.Second):
		t.Fatal("the closed session's leave never started")
	}
	if err := hub.Close(); err != nil {
		t.Fatal(err)
	}
	close(p.closeReturned)
	if p.closeWentFirst.Load() || p.leavesCompleted.Load() != 1 {
		t.Fatalf("Hub.Close returned while a closed session's leave was running (leaves completed: %d)", p.leavesCompleted.Load())
	}
}
