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
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
)

//go:embed index.html
var indexHTML []byte

// shutdownGrace bounds the graceful shutdown.
const shutdownGrace = 10 * time.Second

func main() {
	addr := flag.String("addr", envOr("CHAT_ADDR", "127.0.0.1:8000"), "address to listen on (env CHAT_ADDR)")
	redisURL := flag.String("redis", os.Getenv("CHAT_REDIS"), "Redis URL to share rooms between processes (env CHAT_REDIS); empty: one process")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *redisURL, log); err != nil {
		log.Error("chat", slog.Any("err", err))
		os.Exit(1)
	}
}

// run serves the chat on addr until ctx is done, then shuts down in order:
// the hub (every member here leaves its rooms, and the other processes hear
// it while Redis is up), the SockJS server (every page gets "going away" and
// reconnects, maybe to another process), the HTTP server, presence, and the
// broker last (deferred, so in reverse).
func run(ctx context.Context, addr, redisURL string, log *slog.Logger) error {
	var broker sockjs.Broker = sockjs.NewMemoryBroker()
	var presence sockjs.Presence
	if redisURL != "" {
		rb, err := redisbroker.New(redisbroker.Options{URL: redisURL, Logger: log})
		if err != nil {
			return fmt.Errorf("redis broker: %w", err)
		}
		broker = rb
		p := redisbroker.NewPresence(rb, &redisbroker.PresenceOptions{Logger: log})
		defer p.Close()
		presence = p
	}
	defer broker.Close()
	chat := NewChat(broker, presence, log)
	defer chat.Close()

	srv := sockjs.NewServer("/chat", chat.NewHandler, &sockjs.Options{MaxMessageSize: 4 << 10, Logger: log})
	hs := &http.Server{Addr: addr, Handler: routes(srv, chat), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.ListenAndServe() }()
	log.Info("chat listening", slog.String("addr", "http://"+addr), slog.Bool("redis", redisURL != ""))
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := chat.Close(); err != nil {
		log.Warn("hub close", slog.Any("err", err))
	}
	if err := srv.Shutdown(shut); err != nil {
		log.Warn("sockjs shutdown", slog.Any("err", err))
	}
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
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
