// Command sockjs-testserver serves the standard SockJS protocol test
// endpoints, as the reference servers ship them, so that the official
// sockjs-protocol suite and sockjs-client's own tests can run against the
// sockjs package:
//
//	/echo                     echoes every message (response limit 4 KiB, as the suite expects)
//	/close                    closes every session at once with 3000 "Go away!"
//	/disabled_websocket_echo  echo with the websocket transport off
//	/cookie_needed_echo       echo with the JSESSIONID cookie on
//	/amplify                  answers message n with a string of 2^n x (n in 1..18)
//	/broadcast                sends every message to every open session
//	/ticker                   sends "tick!" every second
//
// Every endpoint takes messages up to 1 MiB, as the reference servers do.
//
// It also serves sockjs-client's browser test page assets from /static when
// -static names a folder. Usage:
//
//	sockjs-testserver -addr 127.0.0.1:8081
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/trelljaz/trelljaz/sockjs/protocoltest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	static := flag.String("static", "", "optional folder served under /static/")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	endpoints := protocoltest.New(log)
	// No http.ServeMux here: it would redirect the "//" and "/./" URLs the
	// protocol suite expects a 404 for.
	var handler http.Handler = endpoints
	if *static != "" {
		files := http.StripPrefix("/static/", http.FileServer(http.Dir(*static)))
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/static/") {
				files.ServeHTTP(w, r)
				return
			}
			endpoints.ServeHTTP(w, r)
		})
	}
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = endpoints.Shutdown(shutdown)
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("sockjs test server listening", "addr", *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}
