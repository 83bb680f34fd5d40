package sockjs

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// ErrServerClosed is returned by Shutdown when called a second time.
var ErrServerClosed = errors.New("sockjs: server closed")

// Server serves one SockJS endpoint: every transport under one URL prefix.
// It is an http.Handler; mount it on any router at its prefix. With
// gorilla/mux use Router.SkipClean(true), since the protocol's URLs may hold
// "//", which mux would otherwise redirect.
//
// A Server starts goroutines as clients connect; call Shutdown to end them.
type Server struct {
	prefix     string
	newHandler func() Handler
	opts       Options
	log        *slog.Logger
	upgrader   websocket.Upgrader
	iframe     []byte
	iframeETag string
	// frameAncestors is the iframe page's CSP frame-ancestors source list,
	// "" when any origin is allowed.
	frameAncestors string
	buffers        sync.Pool // *bytes.Buffer: messages read, batches written
	readBufs       sync.Pool // *wsReadBuf: websocket sessions reading frames
	refusals       rateLog   // refused origins and hosts
	metrics        *metrics  // nil without Options.Metrics
	idPrefix       string
	nextID         atomic.Uint64

	mu           sync.Mutex
	byID         map[string]*Session // HTTP-transport sessions by client session id
	live         liveSessions        // every session not yet finished (heartbeat.go)
	shuttingDown bool
	heartbeats   chan struct{} // closed to stop the heartbeat goroutine; nil until started

	running goroutines // every goroutine the server started
}

// NewServer returns a Server for the SockJS endpoint at prefix (like "/echo";
// no trailing slash). newHandler is called once per session. A nil opts means
// all defaults.
func NewServer(prefix string, newHandler func() Handler, opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	var id [6]byte
	_, _ = rand.Read(id[:])
	srv := &Server{
		prefix:     strings.TrimSuffix(prefix, "/"),
		newHandler: newHandler,
		opts:       o,
		log:        o.Logger,
		idPrefix:   hex.EncodeToString(id[:]) + "-",
		byID:       make(map[string]*Session),
		live:       newLiveSessions(heartbeatGroups(o.HeartbeatDelay)),
	}
	if o.Metrics != nil {
		srv.metrics = newMetrics(o.Metrics, o.Logger)
	}
	srv.buffers.New = func() any { return new(bytes.Buffer) }
	srv.readBufs.New = func() any { return new(wsReadBuf) }
	srv.upgrader = websocket.Upgrader{
		// The session reads frames itself (wsframes.go); gorilla's read
		// buffer is never used: keep it at gorilla's least (a control
		// frame's payload, 125, fits).
		ReadBufferSize:  128,
		WriteBufferSize: 8 << 10,
		WriteBufferPool: new(sync.Pool),
		// Origins are checked before the upgrade, with the same rule as CORS.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	sockjsURL := o.SockJSURL
	if sockjsURL == "" {
		sockjsURL = srv.prefix + "/sockjs.min.js"
	}
	srv.iframe, srv.iframeETag = iframePage(sockjsURL)
	srv.frameAncestors = frameAncestors(o.AllowedOrigins)
	return srv
}

// newSession makes and registers a session for r, or returns nil when the
// server is shutting down.
func (srv *Server) newSession(r *http.Request, transport string) *Session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{
		id:        srv.idPrefix + strconv.FormatUint(srv.nextID.Add(1), 36),
		transport: transport,
		srv:       srv,
		handler:   srv.newHandler(),
		req:       newRequestInfo(r, srv.opts.TrustedProxies),
		ctx:       ctx,
		cancel:    cancel,
		wake:      make(chan struct{}, 1),
		isWS:      transport == TransportWebsocket || transport == TransportRawWebsocket,
		raw:       transport == TransportRawWebsocket,
	}
	if s.isWS {
		s.writeFn = s.writeLoop // one func value, so starting a writer allocates no closure
	}
	if srv.metrics != nil {
		s.metrics = srv.metrics.byTransport[transport]
	}
	if srv.opts.MessageRate > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(srv.opts.MessageRate), srv.opts.MessageBurst)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.shuttingDown {
		cancel()
		return nil
	}
	srv.live.add(s)
	if s.isWS {
		// Count the reader goroutine now, while Shutdown cannot have
		// started waiting: serveWebsocket starts it after the upgrade.
		srv.running.Add()
	}
	srv.startHeartbeatsLocked()
	return s
}

// forget drops a session that never opened (or has finished) from the
// server's books.
func (srv *Server) forget(s *Session) {
	s.cancel()
	srv.mu.Lock()
	srv.live.remove(s)
	srv.mu.Unlock()
}

// closed is called once a session's OnClose has run.
func (srv *Server) closed(s *Session) {
	srv.mu.Lock()
	srv.live.remove(s)
	srv.mu.Unlock()
}

// Sessions returns the sessions not closed now, for Broadcast. It includes
// sessions whose OnOpen is still running: what they are sent is delivered
// once they open.
func (srv *Server) Sessions() []*Session {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	all := srv.live.appendAll(make([]*Session, 0, srv.live.len()))
	return slices.DeleteFunc(all, (*Session).isClosed)
}

// Shutdown stops accepting sessions, closes every open session with
// CloseGoingAway ("Going away") after the messages already queued, and waits
// until every OnClose has run and every goroutine of the server has ended, or
// until ctx is done. On ctx expiry it drops the remaining connections and
// returns ctx.Err(). Requests after Shutdown get 503. Call it from outside
// the Handler's hooks: it waits for them, so a hook that calls it waits for
// itself until ctx is done.
func (srv *Server) Shutdown(ctx context.Context) error {
	srv.mu.Lock()
	if srv.shuttingDown {
		srv.mu.Unlock()
		return ErrServerClosed
	}
	srv.shuttingDown = true
	if srv.heartbeats != nil {
		close(srv.heartbeats)
	}
	sessions := srv.live.appendAll(make([]*Session, 0, srv.live.len()))
	srv.mu.Unlock()

	for _, s := range sessions {
		s.Close(CloseGoingAway, CloseReason(CloseGoingAway))
	}
	if err := srv.running.Wait(ctx); err != nil {
		for _, s := range sessions {
			s.abortWebsocket(CloseGoingAway, CloseReason(CloseGoingAway))
		}
		return err
	}
	// HTTP sessions linger to repeat their close frame; end that now.
	srv.mu.Lock()
	for id, s := range srv.byID {
		s.mu.Lock()
		if s.timer != nil {
			s.timer.Stop()
		}
		s.mu.Unlock()
		delete(srv.byID, id)
	}
	srv.mu.Unlock()
	return nil
}
