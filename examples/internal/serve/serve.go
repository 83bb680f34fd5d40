// Package serve holds what the examples' main functions did alike: pick the
// broker from a Redis URL, and serve HTTP until told to stop, then shut the
// SockJS servers and the HTTP server down gracefully.
//
// Only examples/chat still uses it. Nobody's module can import an internal
// package, so an example that leans on it cannot be copied: the other
// examples now do this themselves in their main.go (see
// examples/multiprocess for the shutdown order with presence). Delete this
// package once examples/chat does the same.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
)

// shutdownGrace bounds the graceful shutdown after ctx is done.
const shutdownGrace = 10 * time.Second

// Broker returns the broker for redisURL: a redisbroker.Broker (also
// returned as rb, for presence) when it is set, else an in-memory broker for
// one process (rb nil).
func Broker(redisURL string, log *slog.Logger) (b sockjs.Broker, rb *redisbroker.Broker, err error) {
	if redisURL == "" {
		return sockjs.NewMemoryBroker(), nil, nil
	}
	rb, err = redisbroker.New(redisbroker.Options{URL: redisURL, Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("redis broker: %w", err)
	}
	return rb, rb, nil
}

// Run serves handler on addr until ctx is done, then shuts down the SockJS
// servers (their sessions get "going away") and the HTTP server, within
// 10 s. It returns when the HTTP server has stopped.
func Run(ctx context.Context, addr string, handler http.Handler, servers ...*sockjs.Server) error {
	hs := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		for _, s := range servers {
			_ = s.Shutdown(shut)
		}
		_ = hs.Shutdown(shut)
	}()
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", addr, err)
	}
	return nil
}
