package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
	"github.com/trelljaz/trelljaz/sockjs/sockjstest"
)

// node is one chat process on a loopback httptest server.
type node struct {
	url  string
	srv  *sockjs.Server
	chat *Chat
}

func startNode(t *testing.T, broker sockjs.Broker, presence sockjs.Presence) *node {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	chat := NewChat(broker, presence, log)
	srv := sockjs.NewServer("/chat", chat.NewHandler, &sockjs.Options{MaxMessageSize: 4 << 10, Logger: log})
	ts := httptest.NewServer(routes(srv, chat))
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		ts.Close()
		_ = chat.Close()
	})
	return &node{url: ts.URL, srv: srv, chat: chat}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

var sessionIDs atomic.Int64

// browser is a chat client speaking SockJS over a websocket.
type browser struct {
	t  *testing.T
	c  *sockjstest.Client
	ws *websocket.Conn
}

func (n *node) connect(t *testing.T) *browser {
	t.Helper()
	c := sockjstest.Dial(t, n.url+"/chat", &sockjstest.Options{SessionID: strconv.Itoa(int(sessionIDs.Add(1)))})
	return &browser{t: t, c: c, ws: c.Conn()}
}

func (b *browser) frame() string {
	b.t.Helper()
	_ = b.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, f, err := b.ws.ReadMessage()
	if err != nil {
		b.t.Fatalf("read: %v", err)
	}
	return string(f)
}

func (b *browser) send(v any) {
	b.t.Helper()
	b.c.SendJSON(v)
}

// next returns the next message of the given type, skipping others.
func (b *browser) next(typ string) outbound {
	b.t.Helper()
	for {
		f := b.frame()
		if f == "h" {
			continue
		}
		var msgs []string
		if err := json.Unmarshal([]byte(f[1:]), &msgs); err != nil {
			b.t.Fatalf("frame %q: %v", f, err)
		}
		for _, m := range msgs {
			var out outbound
			if err := json.Unmarshal([]byte(m), &out); err != nil {
				b.t.Fatalf("message %q: %v", m, err)
			}
			if out.Type == typ {
				return out
			}
		}
	}
}

func TestRoomsDeliverToTheirMembersOnly(t *testing.T) {
	n := startNode(t, sockjs.NewMemoryBroker(), nil)
	ann, bob, cid := n.connect(t), n.connect(t), n.connect(t)
	ann.send(inbound{Type: "join", Nick: "ann", Room: "lobby"})
	ann.next("members")
	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby"})
	if got := bob.next("members"); strings.Join(got.Members, ",") != "ann,bob" {
		t.Errorf("members of lobby: %v", got.Members)
	}
	cid.send(inbound{Type: "join", Nick: "cid", Room: "kitchen"})
	cid.next("members")

	ann.send(inbound{Type: "say", Text: "hello lobby"})
	cid.send(inbound{Type: "say", Text: "hello kitchen"})
	for _, b := range []*browser{ann, bob} {
		if got := b.next("msg"); got.Text != "hello lobby" || got.Nick != "ann" {
			t.Errorf("lobby member got %+v", got)
		}
	}
	if got := cid.next("msg"); got.Text != "hello kitchen" {
		t.Errorf("kitchen got %+v: rooms leak", got)
	}
}

func TestBadInputGetsAnError(t *testing.T) {
	n := startNode(t, sockjs.NewMemoryBroker(), nil)
	b := n.connect(t)
	cases := []struct {
		name string
		msg  any
		want string
	}{
		{"not JSON", "nope", "JSON objects"},
		{"say before join", inbound{Type: "say", Text: "hi"}, "join a room first"},
		{"empty nick", inbound{Type: "join", Nick: "", Room: "x"}, "nick has 1 to"},
		{"long room", inbound{Type: "join", Nick: "a", Room: strings.Repeat("r", 40)}, "room has 1 to"},
		{"markup in nick", inbound{Type: "join", Nick: "<b>", Room: "x"}, "letters, digits"},
		{"unknown type", inbound{Type: "shout"}, "unknown message type"},
	}
	for _, c := range cases {
		if s, ok := c.msg.(string); ok {
			frame, _ := json.Marshal([]string{s})
			_ = b.ws.WriteMessage(websocket.TextMessage, frame)
		} else {
			b.send(c.msg)
		}
		if got := b.next("error"); !strings.Contains(got.Text, c.want) {
			t.Errorf("%s: error %q, want %q", c.name, got.Text, c.want)
		}
	}
}

// Two chat processes on one Redis share their rooms.
func TestRoomsAcrossProcessesOverRedis(t *testing.T) {
	rs := redistest.Start(t)
	nodes := make([]*node, 2)
	for i := range nodes {
		rb, err := redisbroker.New(redisbroker.Options{URL: rs.URL()})
		if err != nil {
			t.Fatal(err)
		}
		presence := redisbroker.NewPresence(rb, nil)
		t.Cleanup(func() { _ = presence.Close(); _ = rb.Close() })
		nodes[i] = startNode(t, rb, presence)
	}
	ann, bob := nodes[0].connect(t), nodes[1].connect(t)
	ann.send(inbound{Type: "join", Nick: "ann", Room: "lobby"})
	ann.next("members")
	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby"})
	if got := bob.next("members"); strings.Join(got.Members, ",") != "ann,bob" {
		t.Errorf("members seen on the second process: %v", got.Members)
	}
	// ann's own "joined" comes back through Redis and may follow her member
	// list; bob's must come after it.
	got := ann.next("joined")
	if got.Nick == "ann" {
		got = ann.next("joined")
	}
	if got.Nick != "bob" {
		t.Errorf("ann did not see bob join on the other process: %+v", got)
	}
	bob.send(inbound{Type: "say", Text: "hello from process 2"})
	for _, b := range []*browser{ann, bob} {
		if got := b.next("msg"); got.Text != "hello from process 2" || got.Nick != "bob" {
			t.Errorf("got %+v", got)
		}
	}
}
