// Command broker is the classic SockJS push broker: an existing website (in
// any language) publishes to a channel, by PUBLISH to Redis or by POST to an
// authenticated HTTP endpoint, and the broker forwards the message to every
// browser subscribed to that channel. Browsers subscribe with a token the
// website signs (JWT HS256 with an expiry), never by naming a channel.
//
// See README.md.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/trelljaz/trelljaz/examples/internal/serve"
	"github.com/trelljaz/trelljaz/sockjs"
)

func main() {
	addr := flag.String("addr", envOr("BROKER_ADDR", "127.0.0.1:8090"), "listen address (env BROKER_ADDR)")
	redisURL := flag.String("redis", os.Getenv("REDIS_URL"), "Redis URL; empty runs one process with an in-memory broker (env REDIS_URL)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	secret, publishToken := os.Getenv("BROKER_SECRET"), os.Getenv("BROKER_PUBLISH_TOKEN")
	if len(secret) < 32 || len(publishToken) < 16 {
		log.Error("set BROKER_SECRET (at least 32 bytes, shared with the website for tokens) and BROKER_PUBLISH_TOKEN (at least 16 bytes)")
		os.Exit(2)
	}

	broker, _, err := serve.Broker(*redisURL, log)
	if err != nil {
		log.Error("broker", slog.Any("err", err))
		os.Exit(2)
	}
	defer broker.Close()
	hub := sockjs.NewHub(broker, &sockjs.HubOptions{Logger: log})
	defer hub.Close()

	pb := &pushBroker{hub: hub, secret: []byte(secret), publishToken: publishToken, log: log}
	handler, sockSrv := pb.routes(&sockjs.Options{Logger: log, AllowedOrigins: []string{"*"}})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("push broker listening", slog.String("addr", *addr), slog.Bool("redis", *redisURL != ""))
	if err := serve.Run(ctx, *addr, handler, sockSrv); err != nil {
		log.Error("serve", slog.Any("err", err))
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
