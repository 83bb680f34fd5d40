// Command chat is the classic SockJS chat with rooms: every browser in a room
// sees every line, on any transport. One process needs nothing else:
//
//	go run ./examples/chat -addr 127.0.0.1:8000
//
// Several processes share rooms through Redis: start Redis first, then give
// every process the same -redis URL (a process without it is on its own):
//
//	go run ./examples/chat -addr 127.0.0.1:8000 -redis redis://127.0.0.1:6379/0
//	go run ./examples/chat -addr 127.0.0.1:8001 -redis redis://127.0.0.1:6379/0
//
// Rooms keep their recent lines (sockjs.HubOptions.History): a page that
// reconnects, to either process, gets the lines it missed or is told they
// could not be recovered. A slow browser never holds the others up: its
// session is closed as a slow consumer (sockjs.CloseSlowConsumer) and the
// page reconnects. See README.md.
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

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/examples/internal/serve"
	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
)

//go:embed index.html
var indexHTML []byte

func main() {
	addr := flag.String("addr", envOr("CHAT_ADDR", "127.0.0.1:8000"), "address to listen on (env CHAT_ADDR)")
	redisURL := flag.String("redis", os.Getenv("CHAT_REDIS"), "Redis URL to share rooms between processes (env CHAT_REDIS); empty: one process")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *redisURL, log); err != nil {
		log.Error("chat", "err", err)
		os.Exit(1)
	}
}

func run(addr, redisURL string, log *slog.Logger) error {
	broker, rb, err := serve.Broker(redisURL, log)
	if err != nil {
		return err
	}
	var presence sockjs.Presence
	if rb != nil {
		presence = redisbroker.NewPresence(rb, &redisbroker.PresenceOptions{Logger: log})
	}
	defer broker.Close()
	chat := NewChat(broker, presence, log)
	defer chat.Close()

	srv := sockjs.NewServer("/chat", chat.NewHandler, &sockjs.Options{MaxMessageSize: 4 << 10, Logger: log})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("chat listening", "addr", "http://"+addr, "redis", redisURL != "")
	return serve.Run(ctx, addr, routes(srv, chat), srv)
}

// routes mounts the page, the SockJS endpoint and the readiness probe.
func routes(srv *sockjs.Server, chat *Chat) http.Handler {
	r := mux.NewRouter().SkipClean(true) // SockJS URLs may hold "//"
	r.PathPrefix("/chat").Handler(srv)
	r.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !chat.hub.Ready() {
			http.Error(w, "broker not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	r.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(indexHTML)
	})
	return r
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
