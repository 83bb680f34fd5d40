// Command tictactoe is two-player tic-tac-toe in the browser over SockJS. Run
// several processes against one Redis: a player waiting on one process is
// paired with a player arriving on another; each game lives on one process
// and moves travel over Redis. See README.md.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
)

//go:embed index.html
var indexHTML []byte

// Environment variables: every flag -name falls back to TICTACTOE_NAME.
func main() {
	addr := flag.String("addr", envOr("TICTACTOE_ADDR", "127.0.0.1:8070"), "listen address (env TICTACTOE_ADDR)")
	redisURL := flag.String("redis", os.Getenv("TICTACTOE_REDIS"), "Redis URL shared by several processes (env TICTACTOE_REDIS); empty: one process, in-memory broker")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *redisURL, log); err != nil {
		log.Error("tictactoe", slog.Any("err", err))
		os.Exit(1)
	}
}

// run serves the game on addr until ctx is done, then shuts down in order:
// the SockJS server (every player gets "going away"), the HTTP server, the
// lobby, the hub, the broker (deferred, so in reverse).
func run(ctx context.Context, addr, redisURL string, log *slog.Logger) error {
	var broker sockjs.Broker = sockjs.NewMemoryBroker()
	if redisURL != "" {
		rb, err := redisbroker.New(redisbroker.Options{URL: redisURL, Logger: log})
		if err != nil {
			return fmt.Errorf("redis broker: %w", err)
		}
		broker = rb
	}
	defer broker.Close()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{Logger: log})
	defer hub.Close()
	lobby, err := NewLobby(ctx, hub, broker, &LobbyOptions{Logger: log})
	if err != nil {
		return fmt.Errorf("lobby: %w", err)
	}
	defer lobby.Close()

	handler, sockSrv := routes(lobby, &sockjs.Options{Logger: log})
	hs := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.ListenAndServe() }()
	log.Info("tictactoe listening", slog.String("addr", addr), slog.Bool("redis", redisURL != ""))
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	// The SockJS server first: it ends the streaming responses that
	// hs.Shutdown would wait for.
	if err := sockSrv.Shutdown(shut); err != nil {
		log.Warn("sockjs shutdown", slog.Any("err", err))
	}
	if err := hs.Shutdown(shut); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// shutdownGrace bounds the graceful shutdown.
const shutdownGrace = 10 * time.Second

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// routes serves the page at /, the game's SockJS endpoint at /ttt, and the
// sockjs-client script at /sockjs.min.js (the copy the SockJS server embeds).
func routes(l *Lobby, opts *sockjs.Options) (http.Handler, *sockjs.Server) {
	srv := sockjs.NewServer("/ttt", l.Handler, opts)
	mux := http.NewServeMux()
	mux.Handle("/ttt/", srv)
	mux.HandleFunc("GET /sockjs.min.js", func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/ttt/sockjs.min.js"
		srv.ServeHTTP(w, r2)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(indexHTML)
	})
	return mux, srv
}
