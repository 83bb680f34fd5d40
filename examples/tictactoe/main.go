// Command tictactoe is two-player tic-tac-toe in the browser over SockJS. Run
// several processes against one Redis: a player waiting on one process is
// paired with a player arriving on another; each game lives on one process
// and moves travel over Redis. See README.md.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
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

func main() {
	addr := flag.String("addr", "127.0.0.1:8070", "listen address")
	redisURL := flag.String("redis", os.Getenv("REDIS_URL"), "Redis URL; empty runs one process with an in-memory broker (env REDIS_URL)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	var broker sockjs.Broker = sockjs.NewMemoryBroker()
	if *redisURL != "" {
		rb, err := redisbroker.New(redisbroker.Options{URL: *redisURL, Logger: log})
		if err != nil {
			log.Error("redis broker", slog.Any("err", err))
			os.Exit(2)
		}
		broker = rb
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
	httpSrv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sockSrv.Shutdown(shut)
		_ = httpSrv.Shutdown(shut)
	}()
	log.Info("tictactoe listening", slog.String("addr", *addr), slog.Bool("redis", *redisURL != ""))
	if err := httpSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
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
