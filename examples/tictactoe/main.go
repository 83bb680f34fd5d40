// Command tictactoe is two-player tic-tac-toe in the browser over SockJS. Run
// several processes against one Redis: a player waiting on one process is
// paired with a player arriving on another; each game lives on one process
// and moves travel over Redis. See README.md.
package main

import (
	"context"
	_ "embed"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/trelljaz/trelljaz/examples/internal/serve"
	"github.com/trelljaz/trelljaz/sockjs"
)

//go:embed index.html
var indexHTML []byte

func main() {
	addr := flag.String("addr", "127.0.0.1:8070", "listen address")
	redisURL := flag.String("redis", os.Getenv("REDIS_URL"), "Redis URL; empty runs one process with an in-memory broker (env REDIS_URL)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	broker, _, err := serve.Broker(*redisURL, log)
	if err != nil {
		log.Error("broker", slog.Any("err", err))
		os.Exit(2)
	}
	defer broker.Close()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{Logger: log})
	defer hub.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lobby, err := NewLobby(ctx, hub, broker, &LobbyOptions{Logger: log})
	if err != nil {
		log.Error("lobby", slog.Any("err", err))
		os.Exit(1)
	}
	defer lobby.Close()

	handler, sockSrv := routes(lobby, &sockjs.Options{Logger: log})
	log.Info("tictactoe listening", slog.String("addr", *addr), slog.Bool("redis", *redisURL != ""))
	if err := serve.Run(ctx, *addr, handler, sockSrv); err != nil {
		log.Error("serve", slog.Any("err", err))
		os.Exit(1)
	}
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
