package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
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
	t       *testing.T
	c       *sockjstest.Client
	ws      *websocket.Conn
	pending []string // messages of a frame not read yet
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
		var out outbound
		raw := b.nextAny(&out)
		if out.Type == typ {
			if err := json.Unmarshal(raw, &out); err != nil {
				b.t.Fatal(err)
			}
			return out
		}
	}
}

// nextAny decodes the next message into v (which must have a Type) and
// returns it raw.
func (b *browser) nextAny(v any) []byte {
	b.t.Helper()
	for len(b.pending) == 0 {
		f := b.frame()
		if f == "h" {
			continue
		}
		var msgs []string
		if err := json.Unmarshal([]byte(f[1:]), &msgs); err != nil {
			b.t.Fatalf("frame %q: %v", f, err)
		}
		b.pending = msgs
	}
	m := b.pending[0]
	b.pending = b.pending[1:]
	if err := json.Unmarshal([]byte(m), v); err != nil {
		b.t.Fatalf("message %q: %v", m, err)
	}
	return []byte(m)
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

// line is a message of a room as the page reads it: a chat line, a join, a
// leave or a recovery note.
type line struct {
	outbound
	Recovered bool   `json:"recovered"`
	Missed    int    `json:"missed"`
	Reason    string `json:"reason"`
}

func (l line) position() sockjs.Position { return sockjs.Position{Offset: l.Offset, Epoch: l.Epoch} }

// nextLine returns the next message that is not a member list.
func (b *browser) nextLine() line {
	b.t.Helper()
	for {
		var l line
		b.nextAny(&l)
		if l.Type != "members" {
			return l
		}
	}
}

// twoProcesses starts two chat nodes on one redis-server, their brokers
// reporting their events to evs.
func twoProcesses(t *testing.T, rs *redistest.Server, evs func(sockjs.BrokerEvent)) []*node {
	nodes := make([]*node, 2)
	for i := range nodes {
		rb, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), OnEvent: evs,
			ReconnectMin: 20 * time.Millisecond, ReconnectMax: 100 * time.Millisecond, HealthInterval: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		presence := redisbroker.NewPresence(rb, nil)
		t.Cleanup(func() { _ = presence.Close(); _ = rb.Close() })
		nodes[i] = startNode(t, rb, presence)
	}
	return nodes
}

// A page that reconnects, to the same process or to another, gets the lines
// it missed, in order, each once, then the note that they were recovered.
func TestReconnectingPageGetsTheLinesItMissed(t *testing.T) {
	cases := []struct {
		rule  string
		nodes func(t *testing.T) (first, again *node)
	}{
		{"one process", func(t *testing.T) (*node, *node) {
			n := startNode(t, sockjs.NewMemoryBroker(), nil)
			return n, n
		}},
		{"reconnect to the other process over Redis", func(t *testing.T) (*node, *node) {
			ns := twoProcesses(t, redistest.Start(t), nil)
			return ns[0], ns[1]
		}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			first, again := c.nodes(t)
			bob := first.connect(t)
			bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby"})
			if rec := bob.nextLine(); rec.Type != "recovery" || !rec.Recovered || rec.Epoch == "" {
				t.Fatalf("first join: %+v, want a recovery note with a position", rec)
			}
			// The recovery note goes out before the join is published: wait
			// for bob's own line, so that ann's comes after it.
			if l := bob.next("joined"); l.Nick != "bob" {
				t.Fatalf("bob saw %+v first, want his own join", l)
			}
			ann := first.connect(t)
			ann.send(inbound{Type: "join", Nick: "ann", Room: "lobby"})
			ann.next("recovery")
			var last line
			for last.Type != "joined" || last.Nick != "ann" {
				last = bob.nextLine()
			}
			bob.ws.Close()
			if l := ann.next("left"); l.Nick != "bob" {
				t.Fatalf("ann saw %+v, want bob's leave", l)
			}
			ann.send(inbound{Type: "say", Text: "one"})
			ann.send(inbound{Type: "say", Text: "two"})
			ann.next("msg")
			ann.next("msg")

			bob = again.connect(t)
			bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby", Since: last.position()})
			want := []string{"left bob", "msg one", "msg two", "recovery"}
			for i, w := range want {
				l := bob.nextLine()
				got := strings.TrimSpace(l.Type + " " + l.Nick + l.Text)
				if l.Type == "msg" {
					got = "msg " + l.Text
				}
				if got != w {
					t.Fatalf("message %d after reconnecting: %+v, want %q", i, l, w)
				}
				if l.Type != "recovery" && (l.Epoch != last.Epoch || l.Offset != last.Offset+uint64(i)+1) {
					t.Fatalf("line %q at %d@%s, want offset %d of epoch %s", w, l.Offset, l.Epoch, last.Offset+uint64(i)+1, last.Epoch)
				}
				if l.Type == "recovery" && (!l.Recovered || l.Missed != 3) {
					t.Fatalf("recovery note %+v, want 3 lines recovered", l)
				}
			}
		})
	}
}

// When Redis restarted and lost the rooms' history, a page that reconnects
// is told its missed lines could not be recovered, and gets a new position.
func TestReconnectingPageIsToldWhenLinesAreLost(t *testing.T) {
	rs := redistest.Start(t)
	var mu sync.Mutex
	resubscribed := 0
	nodes := twoProcesses(t, rs, func(ev sockjs.BrokerEvent) {
		if ev.Kind == sockjs.BrokerResubscribed {
			mu.Lock()
			resubscribed++
			mu.Unlock()
		}
	})
	bob := nodes[0].connect(t)
	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby"})
	bob.next("recovery")
	last := bob.next("joined")
	bob.ws.Close()

	rs.Stop()
	rs.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := resubscribed
		mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("brokers did not resubscribe after the Redis restart")
		}
		time.Sleep(10 * time.Millisecond)
	}
	bob = nodes[1].connect(t)
	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby", Since: sockjs.Position{Offset: last.Offset, Epoch: last.Epoch}})
	var rec line
	for rec.Type != "recovery" {
		rec = bob.nextLine()
	}
	if rec.Recovered || !strings.Contains(rec.Reason, "history was lost") || rec.Epoch == last.Epoch || rec.Epoch == "" {
		t.Fatalf("recovery note %+v, want lines lost and a new epoch", rec)
	}
}

// A member who moves to another room or closes the page is seen leaving.
func TestLeavesAreSent(t *testing.T) {
	n := startNode(t, sockjs.NewMemoryBroker(), nil)
	ann, bob, cid := n.connect(t), n.connect(t), n.connect(t)
	for _, p := range []struct {
		b    *browser
		nick string
	}{{ann, "ann"}, {bob, "bob"}, {cid, "cid"}} {
		p.b.send(inbound{Type: "join", Nick: p.nick, Room: "lobby"})
		p.b.next("recovery")
	}
	bob.send(inbound{Type: "join", Nick: "bob", Room: "kitchen"})
	if l := ann.next("left"); l.Nick != "bob" || l.Room != "lobby" {
		t.Fatalf("after bob moved, ann saw %+v", l)
	}
	cid.ws.Close()
	if l := ann.next("left"); l.Nick != "cid" || l.Room != "lobby" {
		t.Fatalf("after cid closed, ann saw %+v", l)
	}
}

// Rooms may be named in any script and with spaces: each maps to its own
// valid channel.
func TestRoomsInAnyScript(t *testing.T) {
	names := []string{"lobby", "日本 9", "日本 8", "a b", "Анна"}
	seen := map[string]string{}
	for _, r := range names {
		ch := channelOf(r)
		if err := sockjs.ValidateChannel(ch); err != nil {
			t.Errorf("room %q: channel %q: %v", r, ch, err)
		}
		if other, ok := seen[ch]; ok {
			t.Errorf("rooms %q and %q share channel %q", r, other, ch)
		}
		seen[ch] = r
	}
	n := startNode(t, sockjs.NewMemoryBroker(), nil)
	ann, bob := n.connect(t), n.connect(t)
	for _, p := range []struct {
		b    *browser
		nick string
	}{{ann, "ann"}, {bob, "bob"}} {
		p.b.send(inbound{Type: "join", Nick: p.nick, Room: "日本 9"})
		if rec := p.b.next("recovery"); rec.Room != "日本 9" {
			t.Fatalf("joined %+v", rec)
		}
	}
	ann.send(inbound{Type: "say", Text: "こんにちは"})
	if got := bob.next("msg"); got.Text != "こんにちは" || got.Room != "日本 9" {
		t.Fatalf("bob got %+v", got)
	}
}

// A page that rejoins its own room under its nick (to resync after a jump
// in offsets) gets the lines after its position, and the room is not told.
func TestRejoiningTheSameRoomResyncsQuietly(t *testing.T) {
	n := startNode(t, sockjs.NewMemoryBroker(), nil)
	ann, bob := n.connect(t), n.connect(t)
	ann.send(inbound{Type: "join", Nick: "ann", Room: "lobby"})
	ann.next("recovery")
	// The recovery note goes out before the join is published: ann waits
	// for her own join line, so bob's join is the room's next line.
	ann.next("joined")
	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby"})
	bob.next("recovery")
	from := bob.next("joined")
	if from.Nick != "bob" {
		t.Fatalf("bob's first join line is %+v, want his own", from)
	}
	ann.send(inbound{Type: "say", Text: "one"})
	ann.next("msg")
	bob.next("msg")

	bob.send(inbound{Type: "join", Nick: "bob", Room: "lobby", Since: sockjs.Position{Offset: from.Offset, Epoch: from.Epoch}})
	if l := bob.nextLine(); l.Type != "msg" || l.Text != "one" || l.Offset != from.Offset+1 {
		t.Fatalf("resync sent %+v, want the line after the position", l)
	}
	if l := bob.nextLine(); l.Type != "recovery" || !l.Recovered || l.Missed != 1 {
		t.Fatalf("resync note %+v", l)
	}
	ann.send(inbound{Type: "say", Text: "two"})
	if l := ann.nextLine(); l.Type != "msg" || l.Text != "two" {
		t.Fatalf("ann saw %+v before her next line: the resync was announced", l)
	}
}
