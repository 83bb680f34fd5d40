package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/trelljaz/trelljaz/sockjs"
)

const (
	// maxPublishBody bounds one POST /publish body.
	maxPublishBody = 64 << 10
	// maxBadTokens is how many refused tokens a session may send before it
	// is closed.
	maxBadTokens = 3
	// publishTimeout bounds one publish to the broker.
	publishTimeout = 5 * time.Second
)

// pushBroker forwards what the website publishes to the browsers subscribed
// to each channel. Browsers subscribe by sending a signed token; they never
// choose a channel name themselves.
type pushBroker struct {
	hub          *sockjs.Hub
	secret       []byte // HMAC key shared with the website, for tokens
	publishToken string // bearer token the website POSTs with
	log          *slog.Logger
}

// reply is what the broker tells a browser about its subscriptions.
type reply struct {
	Type    string `json:"type"` // "subscribed" or "error"
	Channel string `json:"channel,omitempty"`
	Error   string `json:"error,omitempty"`
}

// pushConn is one browser session.
type pushConn struct {
	b    *pushBroker
	s    *sockjs.Session
	mu   sync.Mutex
	bad  int
	subs map[string]bool
}

func (c *pushConn) OnOpen(s *sockjs.Session) error {
	c.s = s
	c.subs = make(map[string]bool)
	return nil
}

// OnMessage takes a subscription token.
func (c *pushConn) OnMessage(token string) {
	claims, err := parseToken(c.b.secret, strings.TrimSpace(token))
	if err != nil {
		c.mu.Lock()
		c.bad++
		bad := c.bad
		c.mu.Unlock()
		c.b.log.Info("push broker: token refused", slog.String("session", c.s.ID()), slog.Any("err", err))
		_ = c.s.SendJSON(reply{Type: "error", Error: "invalid or expired token"})
		if bad >= maxBadTokens {
			_ = c.s.Close(sockjs.CloseForbidden, "too many invalid tokens")
		}
		return
	}
	if err := c.b.hub.Subscribe(c.s, claims.Channel); err != nil {
		_ = c.s.SendJSON(reply{Type: "error", Error: "subscription failed"})
		c.b.log.Warn("push broker: subscribe failed", slog.Any("err", err))
		return
	}
	_ = c.s.SendJSON(reply{Type: "subscribed", Channel: claims.Channel})
}

func (c *pushConn) OnClose() {}

// handlePublish is POST /publish/{channel...}: the website publishes the body
// to the channel. It needs "Authorization: Bearer <publish token>".
func (b *pushBroker) handlePublish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(auth), []byte(b.publishToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="publish"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	channel := r.PathValue("channel")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPublishBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), publishTimeout)
	defer cancel()
	switch err := b.hub.Publish(ctx, channel, string(body)); {
	case errors.Is(err, sockjs.ErrInvalidChannel), errors.Is(err, sockjs.ErrPayloadTooLarge),
		errors.Is(err, sockjs.ErrInvalidPayload):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case err != nil:
		b.log.Warn("push broker: publish failed", slog.Any("err", err))
		http.Error(w, "broker unavailable", http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleReady is GET /readyz: 200 while the broker's subscription is live.
func (b *pushBroker) handleReady(w http.ResponseWriter, _ *http.Request) {
	if !b.hub.Ready() {
		http.Error(w, "broker not ready", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]bool{"ready": true})
}

// routes returns the broker's HTTP handler and its SockJS server (for
// Shutdown): /push is the SockJS endpoint browsers connect to.
func (b *pushBroker) routes(opts *sockjs.Options) (http.Handler, *sockjs.Server) {
	srv := sockjs.NewServer("/push", func() sockjs.Handler { return &pushConn{b: b} }, opts)
	mux := http.NewServeMux()
	mux.Handle("/push/", srv)
	mux.HandleFunc("/publish/{channel...}", b.handlePublish) // channel names may hold "/"
	mux.HandleFunc("/readyz", b.handleReady)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return mux, srv
}
