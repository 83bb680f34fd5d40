// Package web is the club's web site: the single-page club at "/", its
// embedded assets under "/static/", the SockJS endpoint "/sockjs" speaking
// the messages of package protocol, "/healthz", "/readyz" and "/metrics".
//
// Files: web.go (the Server and its routes), conn.go (one SockJS session:
// sign-in, routing requests to the lobby and the tables), identity.go (the
// one place a connection's player comes from), limits.go (rate limits and
// per-IP caps).
package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/trelljaz/trelljaz/game/auth"
	"github.com/trelljaz/trelljaz/game/internal/defaults"
	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/metrics"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// Prefix is where the SockJS endpoint is mounted.
const Prefix = "/sockjs"

// Defaults of Config.
const (
	DefaultMessageRate     = 20 // messages per second per player
	DefaultChatRate        = 1  // chat lines per second per player
	DefaultChatRatePerIP   = 3  // chat lines per second per IP
	DefaultSigninTimeout   = 15 * time.Second
	DefaultSessionsPerIP   = 64
	DefaultSendReadTimeout = 10 * time.Second
	warnWindow             = 10 * time.Second
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	// Lobby is the club's lobby; required.
	Lobby *lobby.Lobby
	// Assets are the browser files (index.html, app.js, style.css).
	Assets fs.FS
	// SockJS are the endpoint's options. Nil means defaults with an 8 KiB
	// message limit and direct writes (a table's events to a seat are
	// written by the table's goroutine when the socket takes them at once:
	// sockjs.Options.DirectWrites).
	SockJS *sockjs.Options
	// Identify turns a sign-in into a player. Nil means TokenIdentity(Auth)
	// when Auth is set, else DevIdentity (tests).
	Identify Identify
	// Archive, if set, serves the game archive's JSON endpoints
	// (/api/players/..., /api/pulkas..., /api/ratings), behind the same Host check and
	// headers as the pages.
	Archive http.Handler
	// Auth, if set, is the club's sign-in: its routes (/auth/..., /logout,
	// /api/me, /api/token) are mounted, every request passes its Host
	// check, and sockets sign in with its tokens.
	Auth *auth.Service
	// MessageRate bounds the messages one player (all their connections)
	// may send per second, with a burst of twice as many. Over it the
	// message is dropped with a "rate_limited" warning; a second excess
	// within 10 s closes the connection. 0 means DefaultMessageRate.
	MessageRate float64
	// ChatRate bounds the chat lines of one player per second (burst 5),
	// ChatRatePerIP those of one IP address (burst 10). Extra lines are
	// dropped with a "chat_limited" error. 0 means the defaults.
	ChatRate, ChatRatePerIP float64
	// SigninTimeout closes a connection that has not signed in by then.
	// 0 means DefaultSigninTimeout.
	SigninTimeout time.Duration
	// SessionsPerIP bounds the open sessions of one IP address. 0 means
	// DefaultSessionsPerIP.
	SessionsPerIP int
	// SendReadTimeout bounds reading a request (a slow-body POST) but
	// those of the long-lived SockJS transports. 0 means
	// DefaultSendReadTimeout.
	SendReadTimeout time.Duration
	// Metrics, if set, counts sessions by transport and send-queue drops.
	Metrics *metrics.Metrics
	// Gatherer, if set, is served at /metrics.
	Gatherer prometheus.Gatherer
	// Logger receives the site's logs. Nil means slog.Default().
	Logger *slog.Logger
	// Tables, if set, is where connections set and find tables: in a club
	// of several processes (game/cluster) it hands out the tables other
	// processes run too. Nil means the Lobby's own tables.
	Tables Tables
	// Ready, if set, is asked by /readyz besides draining: a non-nil error
	// (Redis or the database unreachable) makes it answer 503 with it.
	Ready func(context.Context) error
}

// Tables is where connections set and find the club's tables.
type Tables interface {
	// Set sets a new table for p, connected from address from
	// (lobby.Lobby.Set).
	Set(p protocol.Player, from netip.Addr) (table.Handle, error)
	// Table returns table id, wherever it runs.
	Table(id string) (table.Handle, bool)
	// SeatedAt returns the tables where player id sits.
	SeatedAt(id string) []table.Handle
}

// lobbyTables are the tables of one process's lobby.
type lobbyTables struct{ l *lobby.Lobby }

func (lt lobbyTables) Set(p protocol.Player, from netip.Addr) (table.Handle, error) {
	t, err := lt.l.Set(p, from)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (lt lobbyTables) Table(id string) (table.Handle, bool) {
	t, ok := lt.l.Table(id)
	if !ok {
		return nil, false
	}
	return t, true
}

func (lt lobbyTables) SeatedAt(id string) []table.Handle {
	var out []table.Handle
	for _, t := range lt.l.SeatedAt(id) {
		out = append(out, t)
	}
	return out
}

// Server is the club's HTTP handler.
type Server struct {
	cfg      Config
	lobby    *lobby.Lobby
	sjs      *sockjs.Server
	handler  http.Handler
	log      *slog.Logger
	draining atomic.Bool
	limits   *limits
	welcomes welcomes

	mu    sync.Mutex
	perIP map[netip.Addr]int
}

// New returns the club's handler.
func New(cfg Config) *Server {
	defaults.NonZero(&cfg.Logger, slog.Default())
	if cfg.Identify == nil {
		cfg.Identify = DevIdentity
		if cfg.Auth != nil {
			cfg.Identify = TokenIdentity(cfg.Auth)
		}
	}
	defaults.Positive(&cfg.MessageRate, DefaultMessageRate)
	defaults.Positive(&cfg.ChatRate, DefaultChatRate)
	defaults.Positive(&cfg.ChatRatePerIP, DefaultChatRatePerIP)
	defaults.Positive(&cfg.SigninTimeout, DefaultSigninTimeout)
	defaults.Positive(&cfg.SessionsPerIP, DefaultSessionsPerIP)
	defaults.Positive(&cfg.SendReadTimeout, DefaultSendReadTimeout)
	defaults.NonZero[Tables](&cfg.Tables, lobbyTables{cfg.Lobby})
	opts := cfg.SockJS
	if opts == nil {
		opts = &sockjs.Options{MaxMessageSize: 8192, DirectWrites: true, Logger: cfg.Logger}
	}
	s := &Server{cfg: cfg, lobby: cfg.Lobby, log: cfg.Logger, perIP: map[netip.Addr]int{}, limits: newLimits(cfg)}
	w, err := newWelcomes(cfg.Lobby.Offer())
	if err != nil {
		// The offer is the lobby's own table settings: they always encode.
		panic(fmt.Sprintf("web: %v", err))
	}
	s.welcomes = w
	s.sjs = sockjs.NewServer(Prefix, func() sockjs.Handler { return &conn{srv: s, tables: map[string]table.Handle{}} }, opts)
	// The SockJS prefix is served without the page headers (its iframe and
	// htmlfile transports answer with inline scripts); everything else
	// carries them.
	r := mux.NewRouter().SkipClean(true)
	r.PathPrefix(Prefix).Handler(s.sjs)
	pages := mux.NewRouter()
	r.PathPrefix("/").Handler(auth.SecurityHeaders("")(pages))
	if cfg.Auth != nil {
		cfg.Auth.Routes(pages)
	}
	if cfg.Archive != nil {
		pages.PathPrefix("/api/players/").Handler(cfg.Archive)
		pages.PathPrefix("/api/pulkas").Handler(cfg.Archive)
		pages.Path("/api/ratings").Handler(cfg.Archive)
	}
	pages.Handle("/healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	}))
	pages.Handle("/readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		if cfg.Ready != nil {
			if err := cfg.Ready(r.Context()); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		_, _ = w.Write([]byte("ready\n"))
	}))
	if cfg.Gatherer != nil {
		pages.Handle("/metrics", promhttp.HandlerFor(cfg.Gatherer, promhttp.HandlerOpts{}))
	}
	files := http.FileServer(http.FS(cfg.Assets))
	pages.PathPrefix("/static/").Handler(http.StripPrefix("/static/", files))
	pages.Path("/").Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.ServeFileFS(w, req, cfg.Assets, "index.html")
	}))
	s.handler = r
	if cfg.Auth != nil {
		s.handler = cfg.Auth.CheckHost(r)
	}
	return s
}

// longLived are the SockJS transports whose request lives as long as the
// session: a read deadline would end them (the server reads in the
// background while a handler runs), and the sockjs library bounds them.
var longLived = []string{"/websocket", "/xhr_streaming", "/xhr", "/eventsource", "/htmlfile", "/jsonp"}

// ServeHTTP serves the club. Every other request must be read within
// Config.SendReadTimeout, so a slow-body POST cannot hold a connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sockjsPath := strings.HasPrefix(r.URL.Path, Prefix+"/")
	if !sockjsPath || !slices.ContainsFunc(longLived, func(suffix string) bool { return strings.HasSuffix(r.URL.Path, suffix) }) {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.SendReadTimeout))
	}
	s.handler.ServeHTTP(w, r)
}

// Drain makes /readyz answer 503, so that a load balancer stops sending
// new players; sessions stay open until Shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown drains and closes every SockJS session with "going away",
// waiting for them (bounded by ctx).
func (s *Server) Shutdown(ctx context.Context) error {
	s.Drain()
	if err := s.sjs.Shutdown(ctx); err != nil && !errors.Is(err, sockjs.ErrServerClosed) {
		return err
	}
	return nil
}

// admit counts a new session of ip; false when the IP has too many.
func (s *Server) admit(ip netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perIP[ip] >= s.cfg.SessionsPerIP {
		return false
	}
	s.perIP[ip]++
	return true
}

func (s *Server) release(ip netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perIP[ip]--; s.perIP[ip] <= 0 {
		delete(s.perIP, ip)
	}
}
