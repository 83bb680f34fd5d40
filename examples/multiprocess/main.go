// Command multiprocess is the README's complete program: one room whose
// members see each other on every process. Each process serves browsers
// over SockJS; a Hub carries what they say through Redis to every process;
// presence, with each browser's sign-in name as its identity, tells everyone
// who is here; and SIGTERM shuts down in the order that loses nothing.
//
//	redis-server &
//	go run ./examples/multiprocess -addr 127.0.0.1:8101 &
//	go run ./examples/multiprocess -addr 127.0.0.1:8102 &
//
// then open both addresses. Flags fall back to MULTIPROCESS_ADDR and
// MULTIPROCESS_REDIS.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
)

//go:embed index.html
var page []byte

const room = "room" // the one channel

func main() {
	addr := flag.String("addr", envOr("MULTIPROCESS_ADDR", "127.0.0.1:8101"), "listen address (env MULTIPROCESS_ADDR)")
	redisURL := flag.String("redis", envOr("MULTIPROCESS_REDIS", "redis://127.0.0.1:6379/0"), "Redis URL, the same for every process (env MULTIPROCESS_REDIS)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *redisURL, log); err != nil {
		log.Error("multiprocess", slog.Any("err", err))
		os.Exit(1)
	}
}

// run serves the room on addr until ctx is done, then shuts down.
func run(ctx context.Context, addr, redisURL string, log *slog.Logger) error {
	broker, err := redisbroker.New(redisbroker.Options{URL: redisURL, Logger: log})
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	defer broker.Close() // 5. last: everything above talks through it
	presence := redisbroker.NewPresence(broker, &redisbroker.PresenceOptions{Logger: log})
	defer presence.Close() // 4. stop refreshing this process's members
	r := &roomServer{names: make(map[*sockjs.Session]string)}
	r.hub = sockjs.NewHub(broker, &sockjs.HubOptions{
		Identity:   r.name, // without an Identity, presence is off
		Presence:   presence,
		OnPresence: r.announce,
		Logger:     log,
	})
	srv := sockjs.NewServer("/room", func() sockjs.Handler { return &member{r: r} },
		&sockjs.Options{MaxMessageSize: 4 << 10, Logger: log})
	mux := http.NewServeMux()
	mux.Handle("/room/", srv)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	hs := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.ListenAndServe() }()
	log.Info("room listening", slog.String("addr", addr))
	select {
	case err := <-served:
		r.hub.Close()
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// 1. The hub: every member here leaves the room now, and the other
	// processes hear it, while Redis is up.
	r.hub.Close()
	// 2. The SockJS server: every browser gets "going away" and may
	// reconnect to another process.
	if err := srv.Shutdown(shut); err != nil {
		log.Warn("sockjs shutdown", slog.Any("err", err))
	}
	// 3. The HTTP server, which no session holds any more.
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// roomServer is this process's side of the room.
type roomServer struct {
	hub   *sockjs.Hub
	mu    sync.Mutex
	names map[*sockjs.Session]string // this process's signed-in sessions
}

// name is the Hub's Identity: the name the session signed in with.
func (r *roomServer) name(s *sockjs.Session) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.names[s]
}

// announce tells this process's sessions who joined or left, on any
// process. The hub calls it for every presence event of the room.
func (r *roomServer) announce(ev sockjs.PresenceEvent) {
	out := event{Type: "left", Name: ev.Member.Identity}
	if ev.Joined {
		out.Type = "joined"
	}
	msg, _ := json.Marshal(out)
	r.mu.Lock()
	sessions := make([]*sockjs.Session, 0, len(r.names))
	for s := range r.names {
		sessions = append(sessions, s)
	}
	r.mu.Unlock()
	sockjs.Broadcast(sessions, string(msg)) // never blocks
}

// event is what a browser receives.
type event struct {
	Type  string   `json:"type"` // members, joined, left, said, error
	Name  string   `json:"name,omitempty"`
	Text  string   `json:"text,omitempty"`
	Names []string `json:"names,omitempty"`
}

// input is what a browser sends: {"name":"ann"} once, then {"text":"hi"}.
type input struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// parseInput decodes one message from a browser.
func parseInput(msg string) (input, error) {
	var in input
	if err := json.Unmarshal([]byte(msg), &in); err != nil {
		return input{}, errors.New("bad message")
	}
	in.Name = strings.TrimSpace(in.Name)
	if utf8.RuneCountInString(in.Name) > 32 {
		return input{}, errors.New("a name of 1 to 32 characters, please")
	}
	return in, nil
}

// member is one browser.
type member struct {
	r    *roomServer
	s    *sockjs.Session
	name string
}

func (m *member) OnOpen(s *sockjs.Session) error { m.s = s; return nil }

func (m *member) OnMessage(msg string) {
	in, err := parseInput(msg)
	switch {
	case err != nil:
		_ = m.s.Close(sockjs.CloseBadRequest, err.Error())
	case m.name == "" && in.Name == "":
		_ = m.s.Close(sockjs.CloseBadRequest, "sign in with a name first")
	case m.name == "":
		m.signIn(in.Name)
	default:
		said, _ := json.Marshal(event{Type: "said", Name: m.name, Text: in.Text})
		if err := m.r.hub.Publish(m.s.Context(), room, string(said)); err != nil {
			_ = m.s.SendJSON(event{Type: "error", Text: "not sent, try again"})
		}
	}
}

// signIn gives the session its name, joins the room (everyone on every
// process sees "joined") and tells the session who is here.
func (m *member) signIn(name string) {
	m.name = name
	m.r.mu.Lock()
	m.r.names[m.s] = name
	m.r.mu.Unlock()
	if err := m.r.hub.Subscribe(m.s, room); err != nil {
		_ = m.s.Close(sockjs.CloseGoingAway, "room unavailable, reconnect")
		return
	}
	members, err := m.r.hub.Members(m.s.Context(), room)
	if err != nil {
		_ = m.s.SendJSON(event{Type: "error", Text: "who is here is unknown for now"})
		return
	}
	here := event{Type: "members"}
	for _, mb := range members {
		here.Names = append(here.Names, mb.Identity)
	}
	_ = m.s.SendJSON(here)
}

func (m *member) OnClose() {
	m.r.mu.Lock()
	delete(m.r.names, m.s)
	m.r.mu.Unlock()
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
