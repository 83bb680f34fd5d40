// Command igmtestserver serves the SockJS protocol suite's endpoints
// (/echo, /close, /disabled_websocket_echo, /cookie_needed_echo, /amplify,
// /broadcast, /ticker) with handlers written for igm/sockjs-go v3, served
// through igmcompat, so that the official suite can be run against the
// bridge: run .ci/sockjs-protocol/run.sh with its build line pointed at
// ./sockjs/igmcompat/internal/igmtestserver instead of
// ./cmd/sockjs-testserver. Result (igm v3.0.3 handlers, this bridge): 68
// run, 67 passed; the one failure is Websocket.test_haproxy (hixie-76),
// expected as for the native server.
package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	igm "github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs/igmcompat"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	endpoints := newEndpoints()
	hs := &http.Server{Addr: *addr, Handler: endpoints, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, h := range endpoints.handlers {
			_ = h.Shutdown(shut)
		}
		_ = hs.Shutdown(shut)
	}()
	log.Info("igm protocol test server", slog.String("addr", *addr))
	if err := hs.ListenAndServe(); err != http.ErrServerClosed {
		log.Error("serve", slog.Any("err", err))
		os.Exit(1)
	}
}

// endpoints routes each prefix to its handler before any mux could clean
// the protocol's "//" URLs.
type endpoints struct {
	prefixes []string
	handlers []*igmcompat.Handler

	mu    sync.Mutex
	peers map[string]igm.Session // /broadcast
}

func newEndpoints() *endpoints {
	e := &endpoints{peers: make(map[string]igm.Session)}
	base := igm.DefaultOptions
	base.RawWebsocket = true
	base.Origin = "*"
	base.ResponseLimit = 4096
	base.SockJSURL = "" // the server's own copy
	add := func(prefix string, fn func(igm.Session), edit func(*igm.Options)) {
		o := base
		if edit != nil {
			edit(&o)
		}
		so := igmcompat.ServerOptions(o)
		so.MaxMessageSize = 1 << 20 // as the reference servers' /echo
		e.prefixes = append(e.prefixes, prefix)
		e.handlers = append(e.handlers, igmcompat.New(prefix, fn, &so))
	}
	add("/echo", echo, nil)
	add("/disabled_websocket_echo", echo, func(o *igm.Options) { o.Websocket = false })
	add("/cookie_needed_echo", echo, func(o *igm.Options) { o.JSessionID = igm.DefaultJSessionID })
	add("/close", func(s igm.Session) { _ = s.Close(3000, "Go away!") }, nil)
	add("/amplify", amplify, nil)
	add("/broadcast", e.broadcast, nil)
	add("/ticker", ticker, nil)
	return e
}

func (e *endpoints) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for i, p := range e.prefixes {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			e.handlers[i].ServeHTTP(w, r)
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
}

func echo(s igm.Session) {
	for {
		msg, err := s.Recv()
		if err != nil {
			return
		}
		if s.Send(msg) != nil {
			return
		}
	}
}

func amplify(s igm.Session) {
	for {
		msg, err := s.Recv()
		if err != nil {
			return
		}
		n, err := strconv.Atoi(msg)
		if err != nil || n < 1 || n > 18 {
			n = 1
		}
		if s.Send(strings.Repeat("x", 1<<n)) != nil {
			return
		}
	}
}

func (e *endpoints) broadcast(s igm.Session) {
	e.mu.Lock()
	e.peers[s.ID()] = s
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.peers, s.ID())
		e.mu.Unlock()
	}()
	for {
		msg, err := s.Recv()
		if err != nil {
			return
		}
		e.mu.Lock()
		for _, p := range e.peers {
			_ = p.Send(msg)
		}
		e.mu.Unlock()
	}
}

func ticker(s igm.Session) {
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
}
