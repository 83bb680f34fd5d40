package igmcompat

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	igm "github.com/igm/sockjs-go/v3/sockjs"

	"github.com/trelljaz/trelljaz/sockjs"
)

// igmLinger is how long an igm session the handler closed stays in
// SessionClosing before igm marks it SessionClosed. It is also igm's grace
// for the bridge to attach its stream, which takes microseconds.
const igmLinger = time.Second

// Handler serves igm-style handler functions on a sockjs.Server. It is an
// http.Handler for its prefix and everything below it; mount it as the
// sockjs.Server would be mounted.
type Handler struct {
	srv  *sockjs.Server
	igm  *igm.Handler // in memory only: each session's igm half
	fn   func(igm.Session)
	log  *slog.Logger
	open sync.WaitGroup // bridge streams and handler functions still running

	mu      sync.Mutex
	bridges map[string]*bridge // by session id, until the handler function starts
}

// NewHandler has igm's NewHandler signature, with igm's own types: it
// serves fn for every session at prefix, with igm's options mapped by
// ServerOptions. Its result is a *Handler.
func NewHandler(prefix string, opts igm.Options, fn func(igm.Session)) http.Handler {
	so := ServerOptions(opts)
	return New(prefix, fn, &so)
}

// New serves fn for every session at prefix with this module's options
// (nil means all defaults), for what igm's options cannot say:
// AllowedOrigins, MaxMessageSize, MessageRate, SendQueueBytes, Logger...
func New(prefix string, fn func(igm.Session), opts *sockjs.Options) *Handler {
	var so sockjs.Options
	if opts != nil {
		so = *opts
	}
	if so.Logger == nil {
		so.Logger = slog.Default()
	}
	if fn == nil {
		fn = func(igm.Session) {}
	}
	h := &Handler{fn: fn, log: so.Logger, bridges: make(map[string]*bridge)}
	h.igm = igm.NewHandler("", igm.Options{
		ResponseLimit:   math.MaxUint32,
		DisconnectDelay: igmLinger,
		// HeartbeatDelay 0: the server sends the heartbeats.
	}, h.run)
	h.srv = sockjs.NewServer(prefix, func() sockjs.Handler { return &bridge{h: h} }, &so)
	return h
}

// ServerOptions returns the sockjs.Options that mean what o means; the
// package doc lists the fields it ignores.
func ServerOptions(o igm.Options) sockjs.Options {
	so := sockjs.Options{
		SockJSURL:       o.SockJSURL,
		ResponseLimit:   int(min(o.ResponseLimit, math.MaxInt32)),
		HeartbeatDelay:  o.HeartbeatDelay,
		DisconnectDelay: o.DisconnectDelay,
		JSessionID:      o.JSessionID != nil,
		WriteTimeout:    o.WebsocketWriteTimeout,
	}
	if o.Origin != "" {
		so.AllowedOrigins = []string{o.Origin}
	}
	disable := func(off bool, transport string) {
		if off {
			so.DisabledTransports = append(so.DisabledTransports, transport)
		}
	}
	disable(!o.Websocket, sockjs.TransportWebsocket)
	disable(!o.RawWebsocket, sockjs.TransportRawWebsocket)
	disable(o.DisableXHR, sockjs.TransportXHRPolling)
	disable(o.DisableXHRStreaming, sockjs.TransportXHRStreaming)
	disable(o.DisableEventSource, sockjs.TransportEventSource)
	disable(o.DisableHtmlFile, sockjs.TransportHTMLFile)
	disable(o.DisableJSONP, sockjs.TransportJSONP)
	return so
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.srv.ServeHTTP(w, r) }

// Shutdown closes every session with sockjs.CloseGoingAway (their Recv and
// RecvCtx return an error, their Context is cancelled) and waits, until ctx
// is done, for every handler function to return.
func (h *Handler) Shutdown(ctx context.Context) error {
	if err := h.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("igmcompat: %w", err)
	}
	done := make(chan struct{})
	go func() {
		h.open.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("igmcompat: handler functions still running: %w", ctx.Err())
	}
}

// run is the in-memory igm handler's function: it hands the igm session to
// its bridge and runs the application's function, turning a panic into a
// logged close with sockjs.CloseInternalError.
func (h *Handler) run(is igm.Session) {
	h.mu.Lock()
	b := h.bridges[is.ID()]
	delete(h.bridges, is.ID())
	h.mu.Unlock()
	if b != nil {
		// Counted by the bridge before it opened the stream. (Without a
		// bridge, the session closed while opening and its OnOpen gave
		// the count back; igm's session is closing already.)
		defer h.open.Done()
		b.started(is)
	}
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("igmcompat: handler panicked; closing session",
				slog.String("session", is.ID()), slog.Any("panic", v),
				slog.String("stack", string(debug.Stack())))
			_ = is.Close(sockjs.CloseInternalError, sockjs.CloseReason(sockjs.CloseInternalError))
		}
	}()
	h.fn(is)
}
