// Package protocoltest holds the standard SockJS protocol test endpoints
// (/echo, /close, /disabled_websocket_echo, /cookie_needed_echo, /amplify,
// /broadcast, /ticker) as one http.Handler, for cmd/sockjs-testserver and for
// tests that drive real clients against them.
package protocoltest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

// MaxMessageSize is the largest message every endpoint takes: 1 MiB, as
// the reference servers (sockjs-node, sockjs-tornado) take.
const MaxMessageSize = 1 << 20

// Endpoints is the set of test endpoints. It is an http.Handler.
type Endpoints struct {
	prefixes []string // prefixes[i] is where servers[i] is mounted
	servers  []*sockjs.Server

	mu        sync.Mutex
	broadcast map[*sockjs.Session]struct{}
}

// New returns the endpoints, logging to log.
func New(log *slog.Logger) *Endpoints {
	e := &Endpoints{broadcast: make(map[*sockjs.Session]struct{})}
	base := sockjs.Options{
		AllowedOrigins: []string{"*"},
		ResponseLimit:  4096,
		// The reference servers take messages up to 1 MiB; the queue holds
		// one such echo with room to spare.
		MaxMessageSize: MaxMessageSize,
		SendQueueBytes: 4 * MaxMessageSize,
		Logger:         log,
	}
	add := func(prefix string, newHandler func() sockjs.Handler, edit func(*sockjs.Options)) {
		opts := base
		if edit != nil {
			edit(&opts)
		}
		srv := sockjs.NewServer(prefix, newHandler, &opts)
		e.prefixes = append(e.prefixes, prefix)
		e.servers = append(e.servers, srv)
	}
	add("/echo", func() sockjs.Handler { return &echo{} }, nil)
	add("/disabled_websocket_echo", func() sockjs.Handler { return &echo{} }, func(o *sockjs.Options) {
		o.DisabledTransports = []string{sockjs.TransportWebsocket}
	})
	add("/cookie_needed_echo", func() sockjs.Handler { return &echo{} }, func(o *sockjs.Options) { o.JSessionID = true })
	add("/close", func() sockjs.Handler { return &closer{} }, nil)
	add("/amplify", func() sockjs.Handler { return &amplify{} }, nil)
	add("/broadcast", func() sockjs.Handler { return &broadcaster{e: e} }, nil)
	add("/ticker", func() sockjs.Handler { return &ticker{} }, nil)
	return e
}

// ServeHTTP implements http.Handler. It routes by path prefix itself:
// http.ServeMux would redirect the protocol's "//" and "/./" URLs, which must
// reach the sockjs.Server and get its 404.
func (e *Endpoints) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for i, p := range e.prefixes {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			e.servers[i].ServeHTTP(w, r)
			return
		}
	}
	switch r.URL.Path {
	case "/simple.txt", "/streaming.txt":
		serveClientFixture(w, r)
	default:
		w.WriteHeader(http.StatusNotFound) // no body: sockjs-client's tests expect none
	}
}

// serveClientFixture serves the two plain files sockjs-client's own test
// suite reads from its test server: 2 KiB of 'a' then "b", in one response
// or in two chunks 250 ms apart.
func serveClientFixture(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	first := strings.Repeat("a", 2048) + "\n"
	if r.URL.Path == "/simple.txt" {
		_, _ = io.WriteString(w, first+"b\n")
		return
	}
	_, _ = io.WriteString(w, first)
	_ = http.NewResponseController(w).Flush()
	select {
	case <-time.After(250 * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	_, _ = io.WriteString(w, "b\n")
}

// Shutdown shuts every endpoint's server down.
func (e *Endpoints) Shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range e.servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

type echo struct{ s *sockjs.Session }

func (h *echo) OnOpen(s *sockjs.Session) error { h.s = s; return nil }
func (h *echo) OnMessage(msg string)           { _ = h.s.Send(msg) }
func (h *echo) OnClose()                       {}

type closer struct{}

func (closer) OnOpen(s *sockjs.Session) error { return s.Close(sockjs.CloseGoAway, "Go away!") }
func (closer) OnMessage(string)               {}
func (closer) OnClose()                       {}

type amplify struct{ s *sockjs.Session }

func (h *amplify) OnOpen(s *sockjs.Session) error { h.s = s; return nil }
func (h *amplify) OnMessage(msg string) {
	n, err := strconv.Atoi(msg)
	if err != nil || n < 1 || n > 18 {
		n = 1
	}
	_ = h.s.Send(strings.Repeat("x", 1<<n))
}
func (h *amplify) OnClose() {}

type broadcaster struct {
	e *Endpoints
	s *sockjs.Session
}

func (h *broadcaster) OnOpen(s *sockjs.Session) error {
	h.s = s
	h.e.mu.Lock()
	h.e.broadcast[s] = struct{}{}
	h.e.mu.Unlock()
	return nil
}

func (h *broadcaster) OnMessage(msg string) {
	h.e.mu.Lock()
	all := make([]*sockjs.Session, 0, len(h.e.broadcast))
	for s := range h.e.broadcast {
		all = append(all, s)
	}
	h.e.mu.Unlock()
	sockjs.Broadcast(all, msg)
}

func (h *broadcaster) OnClose() {
	h.e.mu.Lock()
	delete(h.e.broadcast, h.s)
	h.e.mu.Unlock()
}

type ticker struct{}

func (ticker) OnOpen(s *sockjs.Session) error {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-s.Context().Done():
				return
			case <-t.C:
				if s.Send("tick!") != nil {
					return
				}
			}
		}
	}()
	return nil
}
func (ticker) OnMessage(string) {}
func (ticker) OnClose()         {}
