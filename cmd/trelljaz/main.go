// Command trelljaz is the Trelljaz Preferans club server. The embedded
// default needs no Redis, no database and no OAuth keys:
//
//	go run ./cmd/trelljaz            # http://127.0.0.1:8080/
//
// Flags (each with an environment fallback):
//
//	-addr       TRELLJAZ_ADDR        listen address (default 127.0.0.1:8080)
//	-bot-delay  TRELLJAZ_BOT_DELAY   how long a bot thinks (default 700ms)
//	-deal-pause TRELLJAZ_DEAL_PAUSE  pause between deals (default 3s)
//
// SIGINT or SIGTERM drains: /readyz turns 503, SockJS sessions close with
// "going away", the HTTP server shuts down, the tables stop.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/game/web"
	"github.com/trelljaz/trelljaz/static"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "trelljaz:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// run serves the club until ctx is cancelled, then drains. Logs go to
// logs; ready, if set, gets the address the server listens on.
func run(ctx context.Context, args []string, logs io.Writer, ready func(addr string)) error {
	botDelay, err := envDuration("TRELLJAZ_BOT_DELAY", table.DefaultBotDelay)
	if err != nil {
		return err
	}
	dealPause, err := envDuration("TRELLJAZ_DEAL_PAUSE", table.DefaultDealPause)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("trelljaz", flag.ContinueOnError)
	addr := fs.String("addr", env("TRELLJAZ_ADDR", "127.0.0.1:8080"), "listen address (env TRELLJAZ_ADDR)")
	fs.DurationVar(&botDelay, "bot-delay", botDelay, "how long a bot thinks (env TRELLJAZ_BOT_DELAY)")
	fs.DurationVar(&dealPause, "deal-pause", dealPause, "pause between deals (env TRELLJAZ_DEAL_PAUSE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logs, nil))

	lb := lobby.New(lobby.Config{Logger: log, Table: table.Config{BotDelay: botDelay, DealPause: dealPause}})
	defer lb.Stop()
	site := web.New(web.Config{Lobby: lb, Assets: static.Web(), Logger: log})
	srv := &http.Server{Addr: *addr, Handler: site, ReadHeaderTimeout: 10 * time.Second}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("trelljaz club listening", "addr", "http://"+ln.Addr().String()+"/", "signin", "dev sign-in (no OAuth configured)")
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("draining")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := site.Shutdown(sctx); err != nil {
		log.Warn("sockjs shutdown", "err", err)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
