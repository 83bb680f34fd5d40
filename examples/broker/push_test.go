package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/examples/internal/sockjsclient"
	"github.com/trelljaz/trelljaz/sockjs"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

const testPublishToken = "publish-token-for-tests"

// env is a push broker on an httptest server.
type env struct {
	t   *testing.T
	url string
	srv *sockjs.Server
}

func newEnv(t *testing.T) *env { return newEnvAllowing(t, nil) }

// newEnvAllowing starts a push broker that pages of origins may use.
func newEnvAllowing(t *testing.T, origins []string) *env {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := sockjs.NewHub(sockjs.NewMemoryBroker(), &sockjs.HubOptions{Logger: log})
	pb := &pushBroker{hub: hub, secret: testSecret, publishToken: testPublishToken, log: log}
	h, srv := pb.routes(&sockjs.Options{Logger: log, AllowedOrigins: origins})
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
		hub.Close()
	})
	return &env{t: t, url: ts.URL, srv: srv}
}

// browser is a SockJS websocket client.
type browser struct {
	t  *testing.T
	ws *websocket.Conn
}

func (e *env) browser(id string) *browser {
	e.t.Helper()
	return &browser{t: e.t, ws: sockjsclient.Dial(e.t, e.url, "/push", id)}
}

func (b *browser) frame() string {
	b.t.Helper()
	for {
		b.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := b.ws.ReadMessage()
		if err != nil {
			b.t.Fatalf("read: %v", err)
		}
		if string(data) != "h" {
			return string(data)
		}
	}
}

// next returns the next message (one per frame in these tests).
func (b *browser) next() string {
	b.t.Helper()
	f := b.frame()
	var msgs []string
	if !strings.HasPrefix(f, "a") || json.Unmarshal([]byte(f[1:]), &msgs) != nil || len(msgs) != 1 {
		b.t.Fatalf("frame %q, want one message", f)
	}
	return msgs[0]
}

func (b *browser) send(msg string) {
	b.t.Helper()
	sockjsclient.Send(b.t, b.ws, msg)
}

func (e *env) publish(channel, body, auth string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/publish/"+channel, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func mint(t *testing.T, secret []byte, channel string, ttl time.Duration) string {
	t.Helper()
	tok, err := MintToken(secret, "user-1", channel, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTokenDecidesTheChannel checks that a browser receives exactly the
// channel its valid token names, and nothing with a bad token.
func TestTokenDecidesTheChannel(t *testing.T) {
	e := newEnv(t)
	noExpiry, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, SubscribeClaims{Channel: "user:1"}).SignedString(testSecret)
	noneAlg, _ := jwt.NewWithClaims(jwt.SigningMethodNone, SubscribeClaims{Channel: "user:1",
		RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}}).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	cases := []struct {
		rule  string
		token string
		want  string // "" means refused
	}{
		{"valid token subscribes its channel", mint(t, testSecret, "user:1", time.Minute), "user:1"},
		{"expired token is refused", mint(t, testSecret, "user:1", -time.Minute), ""},
		{"a token expired a second ago is refused (no leeway)", mint(t, testSecret, "user:1", -time.Second), ""},
		{"token signed with another key is refused", mint(t, []byte("another-secret-another-secret-xx"), "user:1", time.Minute), ""},
		{"token without expiry is refused", noExpiry, ""},
		{"unsigned (alg none) token is refused", noneAlg, ""},
		{"token with an invalid channel is refused", mint(t, testSecret, "user 1", time.Minute), ""},
		{"a bare channel name is refused", "user:1", ""},
	}
	for i, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			b := e.browser("b" + string(rune('a'+i)))
			b.send(c.token)
			var r reply
			if err := json.Unmarshal([]byte(b.next()), &r); err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if r.Type != "error" {
					t.Fatalf("reply %+v, want an error", r)
				}
				if code := e.publish("user:1", "secret", "Bearer "+testPublishToken); code != http.StatusNoContent {
					t.Fatalf("publish status %d", code)
				}
				e.publish("user:2", "marker", "Bearer "+testPublishToken)
				// Not subscribed to anything: nothing may arrive.
				b.ws.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				if _, data, err := b.ws.ReadMessage(); err == nil && string(data) != "h" {
					t.Fatalf("refused browser got %q", data)
				}
				return
			}
			if r.Type != "subscribed" || r.Channel != c.want {
				t.Fatalf("reply %+v, want subscribed to %s", r, c.want)
			}
			e.publish("user:2", "not yours", "Bearer "+testPublishToken)
			e.publish(c.want, "yours", "Bearer "+testPublishToken)
			if m := b.next(); m != "yours" {
				t.Fatalf("got %q, want only the message of the token's channel", m)
			}
		})
	}
}

// TestChannelNamesWithSlashesReachSubscribers checks POST /publish/a/b
// publishes to channel "a/b".
func TestChannelNamesWithSlashesReachSubscribers(t *testing.T) {
	e := newEnv(t)
	b := e.browser("slashes")
	b.send(mint(t, testSecret, "news/sport/f1", time.Minute))
	if m := b.next(); m != `{"type":"subscribed","channel":"news/sport/f1"}` {
		t.Fatalf("reply %s", m)
	}
	if code := e.publish("news/sport/f1", "lights out", "Bearer "+testPublishToken); code != http.StatusNoContent {
		t.Fatalf("publish status %d", code)
	}
	if m := b.next(); m != "lights out" {
		t.Fatalf("got %q", m)
	}
}

// TestTooManyBadTokensCloses checks a session guessing tokens is closed.
func TestTooManyBadTokensCloses(t *testing.T) {
	e := newEnv(t)
	b := e.browser("guess")
	for range maxBadTokens {
		b.send("garbage")
		b.next()
	}
	if f := b.frame(); !strings.HasPrefix(f, "c[4003,") {
		t.Fatalf("frame %q, want close 4003", f)
	}
}

// TestPublishNeedsAuth checks the website's publish endpoint.
func TestPublishNeedsAuth(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		rule, channel, body, auth string
		want                      int
	}{
		{"no Authorization header", "user:1", "x", "", http.StatusUnauthorized},
		{"wrong token", "user:1", "x", "Bearer nope", http.StatusUnauthorized},
		{"not a bearer token", "user:1", "x", "Basic " + testPublishToken, http.StatusUnauthorized},
		{"valid token", "user:1", "x", "Bearer " + testPublishToken, http.StatusNoContent},
		{"invalid channel", "user*", "x", "Bearer " + testPublishToken, http.StatusBadRequest},
		{"channel with slashes", "news/sport/f1", "x", "Bearer " + testPublishToken, http.StatusNoContent},
		{"no channel", "", "x", "Bearer " + testPublishToken, http.StatusBadRequest},
		{"body over the limit", "user:1", strings.Repeat("x", maxPublishBody+1), "Bearer " + testPublishToken, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if got := e.publish(c.channel, c.body, c.auth); got != c.want {
				t.Fatalf("status %d, want %d", got, c.want)
			}
		})
	}
	resp, err := http.Get(e.url + "/publish/user:1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET status %d, want 405", resp.StatusCode)
	}
}

func FuzzParseToken(f *testing.F) {
	tok, _ := MintToken(testSecret, "u", "user:1", time.Hour)
	f.Add(tok)
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseToken(testSecret, s)
		if err != nil {
			return
		}
		if sockjs.ValidateChannel(c.Channel) != nil || c.ExpiresAt == nil {
			t.Fatalf("accepted %q with claims %+v", s, c)
		}
	})
}

func ExampleMintToken() {
	secret := []byte("the-website-and-the-broker-share-this-key")
	token, err := MintToken(secret, "user-17", "user:17", 10*time.Minute)
	if err != nil {
		panic(err)
	}
	c, err := parseToken(secret, token)
	fmt.Println(c.Channel, c.Subject, err)
	// Output: user:17 user-17 <nil>
}
