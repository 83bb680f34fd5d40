package redisbroker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/trelljaz/trelljaz/sockjs"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker"
	"github.com/trelljaz/trelljaz/sockjs/redisbroker/redistest"
)

// TestLeaveIsNotUndoneByRefresh checks that a member is absent once Leave
// returned, even while refreshes run all the time: a refresh that read the
// local members before the Leave must not write the member back after the
// Leave removed it.
func TestLeaveIsNotUndoneByRefresh(t *testing.T) {
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// TTL 30 ms: a refresh every 10 ms, so refreshes overlap Join and Leave
	// often.
	p := redisbroker.NewPresence(b, &redisbroker.PresenceOptions{TTL: 30 * time.Millisecond, Logger: quiet()})
	defer p.Close()
	ctx := context.Background()
	// Many other members, so that a refresh's round trip takes a while.
	for i := range 200 {
		if err := p.Join(ctx, "room", sockjs.Member{ID: fmt.Sprintf("other.%d", i), Identity: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	const settle = 15 * time.Millisecond // longer than a refresh's round trip
	deadline := time.Now().Add(4 * time.Second)
	for i := 0; i < 200 && time.Now().Before(deadline); i++ {
		m := sockjs.Member{ID: fmt.Sprintf("p.%d", i), Identity: "u"}
		if err := p.Join(ctx, "room", m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(i%10) * time.Millisecond)
		if err := p.Leave(ctx, "room", m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(settle) // let a refresh that was in flight land
		ms, err := p.Members(ctx, "room")
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range ms {
			if got.ID == m.ID {
				t.Fatalf("iteration %d: %s present %v after Leave returned (written back by a refresh)", i, m.ID, settle)
			}
		}
	}
}

// TestRefreshAnnouncesAMemberItWroteBack checks that when a live member's
// entry disappeared from Redis (here reaped by another process after its
// owner's refreshes were late), the owner's next refresh writes it back and
// a join event reaches the hub's OnPresence listeners, so that what they
// were told agrees with Members again.
func TestRefreshAnnouncesAMemberItWroteBack(t *testing.T) {
	rs := redistest.Start(t)
	b, err := redisbroker.New(redisbroker.Options{URL: rs.URL(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	waitReady(t, b)
	const ttl = 300 * time.Millisecond
	owner := redisbroker.NewPresence(b, &redisbroker.PresenceOptions{TTL: ttl, Logger: quiet()})
	defer owner.Close()
	other := redisbroker.NewPresence(b, &redisbroker.PresenceOptions{TTL: ttl, Logger: quiet()})
	defer other.Close()

	events := make(chan sockjs.PresenceEvent, 16)
	hub := sockjs.NewHub(b, &sockjs.HubOptions{
		Identity:   func(*sockjs.Session) string { return "alice" },
		Presence:   owner,
		OnPresence: func(ev sockjs.PresenceEvent) { events <- ev },
		// The hub itself does not reap within the test: the other
		// process's Reap below stands for that.
		ReapInterval: time.Hour,
		Logger:       quiet(),
	})
	defer hub.Close()
	openSession(t, hub, "room")

	ctx := context.Background()
	ev := nextEvent(t, events)
	if !ev.Joined {
		t.Fatalf("first event %+v, want the session's join", ev)
	}
	m := ev.Member
	// The owner's refreshes were late: the entry's score is in the past.
	enc, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	past := float64(time.Now().Add(-time.Millisecond).UnixMilli())
	if err := b.Client().ZAdd(ctx, "sockjs:presence:room", redis.Z{Score: past, Member: string(enc)}).Err(); err != nil {
		t.Fatal(err)
	}
	gone, err := other.Reap(ctx, "room")
	if err != nil || len(gone) != 1 || gone[0] != m {
		t.Fatalf("Reap = %v, %v; want [%v]", gone, err, m)
	}
	// The owner refreshes every ttl/3 and must then announce m again.
	ev = nextEvent(t, events)
	if !ev.Joined || ev.Member != m || ev.Channel != "room" {
		t.Fatalf("event %+v after the refresh wrote %v back, want its join in room", ev, m)
	}
	ms, err := hub.Members(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0] != m {
		t.Fatalf("Members = %v after the join event, want [%v]", ms, m)
	}
}

// nextEvent returns the next presence event, failing after a bound.
func nextEvent(t *testing.T, events <-chan sockjs.PresenceEvent) sockjs.PresenceEvent {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no presence event within 5 s")
		return sockjs.PresenceEvent{}
	}
}

// openSession serves a SockJS server whose sessions subscribe to channel on
// hub, opens one websocket session and returns once it is subscribed.
func openSession(t *testing.T, hub *sockjs.Hub, channel string) {
	t.Helper()
	srv := sockjs.NewServer("/hub", func() sockjs.Handler { return &subscriber{hub: hub, channel: channel} }, &sockjs.Options{Logger: quiet()})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/hub/000/s1/websocket"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, f, err := ws.ReadMessage()
	if err != nil || string(f) != "o" {
		t.Fatalf("first frame %q, %v; want the open frame", f, err)
	}
}

// subscriber is a sockjs.Handler that subscribes its session to one channel.
type subscriber struct {
	hub     *sockjs.Hub
	channel string
}

func (h *subscriber) OnOpen(s *sockjs.Session) error { return h.hub.Subscribe(s, h.channel) }
func (h *subscriber) OnMessage(string)               {}
func (h *subscriber) OnClose()                       {}
