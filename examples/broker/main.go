// Command broker is the classic SockJS push broker: an existing website (in
// any language) publishes to a channel, by PUBLISH to Redis or by POST to an
// authenticated HTTP endpoint, and the broker forwards the message to every
// browser subscribed to that channel. Browsers subscribe with a token the
// website signs (JWT HS256 with an expiry), never by naming a channel.
//
// Environment variables: every setting is BROKER_ and its name in capitals;
// the two that are not secrets are also flags: -addr (BROKER_ADDR), -redis
// (BROKER_REDIS); BROKER_SECRET and BROKER_PUBLISH_TOKEN are environment
// only, so they stay out of the process list.
//
// See README.md.
package main

import (
	"context"
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

// shutdownGrace bounds the graceful shutdown.
const shutdownGrace = 10 * time.Second

func main() {
	addr := flag.String("addr", envOr("BROKER_ADDR", "127.0.0.1:8090"), "listen address (env BROKER_ADDR)")
	redisURL := flag.String("redis", os.Getenv("BROKER_REDIS"), "Redis URL shared by several processes (env BROKER_REDIS); empty: one process, in-memory broker")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	secret, publishToken := os.Getenv("BROKER_SECRET"), os.Getenv("BROKER_PUBLISH_TOKEN")
	if len(secret) < 32 || len(publishToken) < 16 {
		log.Error("set BROKER_SECRET (at least 32 bytes, shared with the website for tokens) and BROKER_PUBLISH_TOKEN (at least 16 bytes)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *redisURL, []byte(secret), publishToken, log); err != nil {
		log.Error("push broker", slog.Any("err", err))
		os.Exit(1)
	}
}

// run serves the push broker on addr until ctx is done, then shuts down in
// order: the SockJS server (every browser gets "going away"), the HTTP
// server, the hub, the broker (deferred, so in reverse).
func run(ctx context.Context, addr, redisURL string, secret []byte, publishToken string, log *slog.Logger) error {
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

	pb := &pushBroker{hub: hub, secret: secret, publishToken: publishToken, log: log}
	handler, sockSrv := pb.routes(&sockjs.Options{Logger: log, AllowedOrigins: []string{"*"}})
	hs := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.ListenAndServe() }()
	log.Info("push broker listening", slog.String("addr", addr), slog.Bool("redis", redisURL != ""))
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

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
