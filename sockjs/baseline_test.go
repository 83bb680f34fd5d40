package sockjs

// Baselines for BenchmarkBroadcast and BenchmarkIdleSessionMemory, measured
// in the same run and over the same clients as this package's server:
//
//   - a bare gorilla/websocket hub in the shape of gorilla's chat example: a
//     reader and a writer goroutine per client, a buffered channel of 256
//     per client, one websocket.PreparedMessage per broadcast (no SockJS
//     framing, one websocket message per broadcast message);
//   - igm/sockjs-go v3.0.3 with the naive loop over its sessions' Send.

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	igm "github.com/igm/sockjs-go/v3/sockjs"
)

// benchHub is the bare gorilla/websocket hub.
type benchHub struct {
	upgrader websocket.Upgrader
	wg       sync.WaitGroup // reader and writer goroutines

	mu      sync.Mutex
	clients map[*benchHubClient]struct{}
	list    []*benchHubClient // clients in a slice, for the broadcast loop
	dirty   bool              // list is out of date
}

type benchHubClient struct {
	ws   *websocket.Conn
	send chan *websocket.PreparedMessage
}

func newBenchHub() *benchHub {
	return &benchHub{
		// As gorilla's chat example.
		upgrader: websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024},
		clients:  make(map[*benchHubClient]struct{}),
	}
}

func (h *benchHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &benchHubClient{ws: ws, send: make(chan *websocket.PreparedMessage, 256)}
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.dirty = true
	h.mu.Unlock()
	h.wg.Go(func() { h.writePump(c) })
	h.wg.Go(func() { h.readPump(c) })
}

// readPump reads until the connection ends, then unregisters the client,
// which ends its writer.
func (h *benchHub) readPump(c *benchHubClient) {
	c.ws.SetReadLimit(64 << 10)
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			break
		}
	}
	h.unregister(c)
	_ = c.ws.Close()
}

func (h *benchHub) unregister(c *benchHubClient) {
	h.mu.Lock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		h.dirty = true
		close(c.send)
	}
	h.mu.Unlock()
}

// writePump writes every prepared message, with a write deadline.
func (h *benchHub) writePump(c *benchHubClient) {
	for pm := range c.send {
		_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := c.ws.WritePreparedMessage(pm); err != nil {
			_ = c.ws.Close()
			for range c.send { // until readPump unregisters c
			}
			return
		}
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""),
		time.Now().Add(time.Second))
}

// broadcast prepares payload once and queues it for every client; a client
// whose channel is full is dropped, as in the chat example.
func (h *benchHub) broadcast(payload string) {
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(payload))
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dirty {
		h.list = h.list[:0]
		for c := range h.clients {
			h.list = append(h.list, c)
		}
		h.dirty = false
	}
	for _, c := range h.list {
		select {
		case c.send <- pm:
		default:
			delete(h.clients, c)
			h.dirty = true
			close(c.send)
		}
	}
}

func (h *benchHub) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// shutdown closes every connection and waits for the hub's goroutines.
func (h *benchHub) shutdown() error {
	h.mu.Lock()
	for c := range h.clients {
		_ = c.ws.Close()
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(benchWait):
		return errors.New("bare hub: goroutines still running")
	}
}

func benchBareHubTarget() *benchTarget {
	h := newBenchHub()
	return &benchTarget{
		handler:   h,
		path:      "/ws",
		count:     h.len,
		broadcast: h.broadcast,
		shutdown:  h.shutdown,
	}
}

// benchIGM is an igm/sockjs-go handler whose sessions register themselves.
type benchIGM struct {
	handler *igm.Handler
	wg      sync.WaitGroup // the per-session handler goroutines

	mu       sync.Mutex
	sessions map[igm.Session]struct{}
	list     []igm.Session
}

func newBenchIGM() *benchIGM {
	b := &benchIGM{sessions: make(map[igm.Session]struct{})}
	b.handler = igm.NewHandler("/igm", igm.DefaultOptions, func(s igm.Session) {
		b.wg.Add(1)
		defer b.wg.Done()
		b.mu.Lock()
		b.sessions[s] = struct{}{}
		b.list = nil
		b.mu.Unlock()
		<-s.Context().Done()
		b.mu.Lock()
		delete(b.sessions, s)
		b.list = nil
		b.mu.Unlock()
	})
	return b
}

func (b *benchIGM) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.sessions)
}

// broadcast is the naive loop: Send on every session in turn.
func (b *benchIGM) broadcast(payload string) {
	b.mu.Lock()
	if b.list == nil {
		for s := range b.sessions {
			b.list = append(b.list, s)
		}
	}
	list := b.list
	b.mu.Unlock()
	for _, s := range list {
		_ = s.Send(payload)
	}
}

// shutdown closes every session (igm has no server shutdown) and waits for
// the handler goroutines.
func (b *benchIGM) shutdown() error {
	b.mu.Lock()
	for s := range b.sessions {
		_ = s.Close(1001, "Going away")
	}
	b.mu.Unlock()
	if !benchWaitFor(func() bool { return b.len() == 0 }) {
		return errors.New("igm: sessions still open")
	}
	b.wg.Wait()
	return nil
}

func benchIGMTarget() *benchTarget {
	b := newBenchIGM()
	return &benchTarget{
		handler:   b.handler,
		sockjs:    true,
		path:      "/igm/000/{i}/websocket",
		count:     b.len,
		broadcast: b.broadcast,
		shutdown:  b.shutdown,
	}
}
