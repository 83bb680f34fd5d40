// Package web is the club's web site: the single-page club at "/", its
// embedded assets under "/static/", the SockJS endpoint "/sockjs" speaking
// the messages of package protocol, and "/healthz" and "/readyz".
//
// Sign-in is the dev sign-in (no OAuth configured): a player types a name
// and the server keeps it for the session.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/trelljaz/trelljaz/game/lobby"
	"github.com/trelljaz/trelljaz/game/protocol"
	"github.com/trelljaz/trelljaz/game/table"
	"github.com/trelljaz/trelljaz/sockjs"
)

// Prefix is where the SockJS endpoint is mounted.
const Prefix = "/sockjs"

// Config configures a Server.
type Config struct {
	// Lobby is the club's lobby; required.
	Lobby *lobby.Lobby
	// Assets are the browser files (index.html, app.js, style.css).
	Assets fs.FS
	// SockJS are the endpoint's options. Nil means defaults with a 4 KiB
	// message limit.
	SockJS *sockjs.Options
	// MaxMessageRate bounds the messages one connection may send per
	// second; the rest are dropped with one "slow down" error, so one
	// client cannot flood a table's chat. 0 means DefaultMaxMessageRate.
	MaxMessageRate int
	// Logger receives the site's logs. Nil means slog.Default().
	Logger *slog.Logger
}

// DefaultMaxMessageRate is Config.MaxMessageRate's default.
const DefaultMaxMessageRate = 20

// Server is the club's HTTP handler.
type Server struct {
	lobby    *lobby.Lobby
	sjs      *sockjs.Server
	router   *mux.Router
	log      *slog.Logger
	rate     int
	draining atomic.Bool
}

// New returns the club's handler.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opts := cfg.SockJS
	if opts == nil {
		opts = &sockjs.Options{MaxMessageSize: 4096, Logger: cfg.Logger}
	}
	if cfg.MaxMessageRate <= 0 {
		cfg.MaxMessageRate = DefaultMaxMessageRate
	}
	s := &Server{lobby: cfg.Lobby, log: cfg.Logger, rate: cfg.MaxMessageRate}
	s.sjs = sockjs.NewServer(Prefix, func() sockjs.Handler { return &conn{srv: s, tables: map[string]*table.Table{}} }, opts)
	r := mux.NewRouter().SkipClean(true)
	r.PathPrefix(Prefix).Handler(s.sjs)
	r.Handle("/healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	}))
	r.Handle("/readyz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if s.draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	}))
	files := http.FileServer(http.FS(cfg.Assets))
	r.PathPrefix("/static/").Handler(http.StripPrefix("/static/", files))
	r.Path("/").Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.ServeFileFS(w, req, cfg.Assets, "index.html")
	}))
	s.router = r
	return s
}

// ServeHTTP serves the club.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Shutdown marks the server not ready and closes every SockJS session with
// "going away", waiting for them (bounded by ctx).
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	if err := s.sjs.Shutdown(ctx); err != nil && !errors.Is(err, sockjs.ErrServerClosed) {
		return err
	}
	return nil
}

// conn is one SockJS session: a player once signed in. Its hooks run one at
// a time; name is written once, before the conn is handed to the lobby or
// any table, and read-only after.
type conn struct {
	srv    *Server
	s      *sockjs.Session
	name   string
	tables map[string]*table.Table // the tables this connection receives

	window time.Time // start of the current one-second rate window
	count  int       // messages in it
}

// Player returns the signed-in name.
func (c *conn) Player() string { return c.name }

// Send queues msgs on the session back to back, so they leave in one frame.
func (c *conn) Send(msgs ...[]byte) {
	for _, m := range msgs {
		if err := c.s.Send(string(m)); err != nil {
			return
		}
	}
}

func (c *conn) OnOpen(s *sockjs.Session) error {
	c.s = s
	return nil
}

func (c *conn) OnClose() {
	if c.name == "" {
		return
	}
	for _, t := range c.tables {
		t.Detach(c)
	}
	c.srv.lobby.Leave(c)
}

func (c *conn) fail(text, tableID string) {
	_ = c.s.SendJSON(protocol.Error{Type: protocol.TypeError, Text: text, Table: tableID})
}

func (c *conn) OnMessage(msg string) {
	if now := time.Now(); now.Sub(c.window) >= time.Second {
		c.window, c.count = now, 0
	}
	c.count++
	if c.count > c.srv.rate {
		if c.count == c.srv.rate+1 {
			c.fail("too many messages: slow down", "")
		}
		return
	}
	req, err := protocol.Decode([]byte(msg))
	if err != nil {
		c.fail(err.Error(), "")
		return
	}
	if req.Type == protocol.TypeSignin {
		c.signin(req.Name)
		return
	}
	if c.name == "" {
		c.fail("sign in first", "")
		return
	}
	l := c.srv.lobby
	switch req.Type {
	case protocol.TypeLobbyChat:
		l.Chat(c, req.Text)
		return
	case protocol.TypeCreate:
		l.Create(c, req.Convention, req.PoolTarget, req.MoveTime)
		return
	}
	t, ok := c.tables[req.Table]
	if !ok {
		if t, ok = l.Table(req.Table); !ok {
			c.fail("no such table", req.Table)
			return
		}
		if req.Type != protocol.TypeWatch && req.Type != protocol.TypeSit {
			c.fail("watch the table first", req.Table)
			return
		}
	}
	switch req.Type {
	case protocol.TypeWatch:
		c.tables[req.Table] = t
		t.Watch(c)
	case protocol.TypeSit:
		c.tables[req.Table] = t
		t.Sit(c, req.Seat)
	case protocol.TypeLeave:
		delete(c.tables, req.Table)
		t.Leave(c)
	case protocol.TypeStand:
		t.Stand(c)
	case protocol.TypeAddBot:
		t.AddBot(c, req.Seat)
	case protocol.TypeMove:
		t.Move(c, req.Move)
	case protocol.TypeTableChat:
		t.Chat(c, req.Text)
	}
}

// signin is the dev sign-in: the name is taken as given. A name already
// seated somewhere gets the full view of each of its tables (a reconnect).
func (c *conn) signin(name string) {
	if c.name != "" {
		c.fail("already signed in as "+c.name, "")
		return
	}
	c.name = name
	_ = c.s.SendJSON(protocol.Welcome{Type: protocol.TypeWelcome, Name: name})
	c.srv.lobby.Join(c)
	for _, t := range c.srv.lobby.SeatedAt(name) {
		c.tables[t.ID()] = t
		t.Watch(c)
	}
	c.srv.log.Info("signed in", "name", name, "transport", c.s.Transport())
}
