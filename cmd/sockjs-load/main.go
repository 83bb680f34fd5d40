// Command sockjs-load is a small load generator for a SockJS endpoint: it
// connects a number of websocket clients, sends messages at a bounded total
// rate for a bounded time, and reports the messages delivered per second and
// the delivery latency (p50, p99). It stops by itself.
//
// Every message carries its send time; every client counts what it receives,
// so against an echo endpoint each message is delivered once, and against a
// broadcast endpoint (like cmd/sockjs-testserver's /broadcast) once per
// client. Usage:
//
//	sockjs-testserver -addr 127.0.0.1:8081 &
//	sockjs-load -url http://127.0.0.1:8081/broadcast -clients 200 -duration 10s -rate 100
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	cfg := defaultConfig()
	flag.StringVar(&cfg.URL, "url", "http://127.0.0.1:8081/broadcast", "URL of the SockJS endpoint (http, https, ws or wss)")
	flag.IntVar(&cfg.Clients, "clients", cfg.Clients, fmt.Sprintf("websocket clients to connect (1..%d)", maxClients))
	flag.DurationVar(&cfg.Duration, "duration", cfg.Duration, fmt.Sprintf("how long to send (at most %v)", maxDuration))
	flag.Float64Var(&cfg.Rate, "rate", cfg.Rate, fmt.Sprintf("messages per second sent, all clients together (at most %d)", maxRate))
	flag.IntVar(&cfg.Size, "size", cfg.Size, fmt.Sprintf("message size in bytes (%d..%d)", minSize, maxSize))
	flag.DurationVar(&cfg.Drain, "drain", cfg.Drain, "how long at most to wait for deliveries after sending stops")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockjs-load:", err)
		os.Exit(1)
	}
	rep.print(os.Stdout)
}
